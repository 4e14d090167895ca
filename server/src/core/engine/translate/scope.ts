// Name resolution for columns: the sources of a FROM clause, each with the name it is exposed
// as, searched innermost query first, with SQL Server's errors for names that are missing
// (207, 4104) or ambiguous (209). Names compare case-insensitively.
import type { Identifier, Span } from '../ast';
import { stop } from './errors';
import { quoteIdentifier } from './names';
import type { ColumnInfo, TableName } from './ports';
import type { SqlType } from './types';

export interface Source {
  /** The exposed name: the alias, or the table's own name. */
  exposed: string;
  /** Where the source is written. */
  at: Span;
  /** The table as written, when it was not aliased: `dbo.t.c` matches it. */
  table: TableName | null;
  columns: ColumnInfo[];
  /** Columns are written without the table (CHECK constraints, which DuckDB binds to one table). */
  bare?: boolean;
}

export interface ResolvedColumn {
  sql: string;
  type: SqlType;
  /** How SQL Server names the column in messages: exposed.column. */
  display: string;
}

const same = (a: string | null, b: string | null): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export class Scope {
  constructor(
    readonly sources: Source[],
    readonly parent: Scope | null,
  ) {}

  /** The DuckDB alias of a source: its exposed name. */
  static alias(source: Source): string {
    return quoteIdentifier(source.exposed);
  }

  /** The source a qualifier (t, dbo.t, db.dbo.t) denotes in this scope alone. */
  private findSources(qualifier: Identifier[]): Source[] {
    if (qualifier.length === 0) return this.sources;
    const names = qualifier.map((q) => q.name);
    return this.sources.filter((s) => {
      if (names.length === 1) return same(s.exposed, names[0]!);
      if (!s.table || !same(s.table.name, names[names.length - 1]!)) return false;
      if (!same(s.table.schema ?? 'dbo', names[names.length - 2]!)) return false;
      return names.length === 2 || s.table.database === null || same(s.table.database, names[0]!);
    });
  }

  resolve(parts: Identifier[], span: Span): ResolvedColumn {
    const qualifier = parts.slice(0, -1);
    const name = parts[parts.length - 1]!;
    let sawQualifier = false;
    for (let scope: Scope | null = this; scope; scope = scope.parent) {
      const candidates = scope.findSources(qualifier);
      if (candidates.length > 0) sawQualifier = true;
      const matches: { source: Source; column: ColumnInfo }[] = [];
      for (const source of candidates) {
        const column = source.columns.find((c) => same(c.name, name.name));
        if (column) matches.push({ source, column });
      }
      if (matches.length > 1) stop(209, 16, 1, `Ambiguous column name '${name.name}'.`, span);
      const match = matches[0];
      if (match) {
        const column = quoteIdentifier(match.column.name);
        const sql = match.source.bare ? column : `${Scope.alias(match.source)}.${column}`;
        return { sql, type: match.column.type, display: `${match.source.exposed}.${match.column.name}` };
      }
      if (qualifier.length > 0 && candidates.length > 0) stop(207, 16, 1, `Invalid column name '${name.name}'.`, name);
    }
    if (qualifier.length > 0 && !sawQualifier) {
      stop(4104, 16, 1, `The multi-part identifier "${parts.map((p) => p.name).join('.')}" could not be bound.`, span);
    }
    return stop(207, 16, 1, `Invalid column name '${name.name}'.`, name);
  }

  /** The sources a `*` or `t.*` expands to, innermost scope only. */
  starSources(qualifier: Identifier[], span: Span): Source[] {
    const sources = this.findSources(qualifier);
    if (qualifier.length > 0 && sources.length === 0) {
      stop(107, 16, 1, `The column prefix '${qualifier.map((q) => q.name).join('.')}' does not match with a table name or alias name used in the query.`, span);
    }
    return sources;
  }
}
