// The tables of every database, with their T-SQL columns, as the translator's SchemaLookup needs
// them synchronously. Loaded from the storage when the instance opens, kept in step by the
// executor's CREATE / DROP TABLE. Names compare case-insensitively.
import type { TableInfo } from '../translate';

const key = (database: string, schema: string, name: string) => `${database}\u0000${schema}\u0000${name}`.toLowerCase();

export class TableRegistry {
  private readonly tables = new Map<string, TableInfo>();

  /** A registry of its own with the same tables: what a transaction changes until it commits. */
  copy(): TableRegistry {
    const copy = new TableRegistry();
    for (const [k, table] of this.tables) copy.tables.set(k, table);
    return copy;
  }

  get(database: string, schema: string, name: string): TableInfo | undefined {
    return this.tables.get(key(database, schema, name));
  }

  add(table: TableInfo): void {
    const l = table.location;
    if (l.kind === 'database') this.tables.set(key(l.database, l.schema, l.name), table);
  }

  remove(database: string, schema: string, name: string): void {
    this.tables.delete(key(database, schema, name));
  }

  removeDatabase(database: string): void {
    for (const table of this.inDatabase(database)) {
      const l = table.location as Extract<TableInfo['location'], { kind: 'database' }>;
      this.remove(l.database, l.schema, l.name);
    }
  }

  inDatabase(database: string): TableInfo[] {
    const wanted = database.toLowerCase();
    return [...this.tables.values()].filter((t) => t.location.kind === 'database' && t.location.database.toLowerCase() === wanted);
  }
}
