// In-memory ports for translator tests: a catalog of tables written as 'db.schema.name' (or
// '#name' for temp tables) with columns as 'name type', and variables with their types.
import { parseBatch } from '../../../server/src/core/engine/parser';
import type { SelectStatement, Statement } from '../../../server/src/core/engine/ast';
import type { ColumnInfo, Ports, TableInfo, TableLocation, TableName } from '../../../server/src/core/engine/translate';
import type { SqlType } from '../../../server/src/core/engine/translate/types';

/** 'nvarchar(50)' → { name: 'nvarchar', length: 50 }; 'decimal(10,2)' → precision and scale. */
export function type(text: string): SqlType {
  const m = /^(\w+)(?:\((max|\d+)(?:,\s*(\d+))?\))?$/.exec(text.trim());
  if (!m) throw new Error(`bad type ${text}`);
  const name = m[1]!;
  if (m[2] === undefined) return { name };
  if (name === 'decimal' || name === 'numeric') return { name, precision: Number(m[2]), scale: Number(m[3] ?? 0) };
  return { name, length: m[2] === 'max' ? 'max' : Number(m[2]) };
}

export interface FakeCatalog {
  /** 'db.schema.table' or '#temp' → ['column type', ...]; a column ending in ' identity' is an IDENTITY. */
  tables?: Record<string, string[]>;
  /** '@name' → 'type' */
  variables?: Record<string, string>;
  /** Functions the executor would provide: name → return type. */
  functions?: Record<string, string>;
  currentDatabase?: string;
}

function columns(specs: string[]): ColumnInfo[] {
  return specs.map((spec) => {
    const [name, typeText, flag] = spec.split(/\s+/);
    return { name: name!, type: type(typeText!), nullable: flag !== 'identity', identity: flag === 'identity' };
  });
}

export function fakePorts(catalog: FakeCatalog): Ports {
  const current = catalog.currentDatabase ?? 'sales';
  const tables = new Map<string, TableInfo>();
  for (const [key, specs] of Object.entries(catalog.tables ?? {})) {
    let location: TableLocation;
    if (key.startsWith('#') || key.startsWith('@')) location = { kind: 'temp', name: key };
    else {
      const [database, schema, name] = key.split('.');
      location = { kind: 'database', database: database!, schema: schema!, name: name! };
    }
    tables.set(key.toLowerCase(), { location, columns: columns(specs) });
  }
  const variables = new Map(Object.entries(catalog.variables ?? {}).map(([k, v]) => [k.toLowerCase(), type(v)]));
  const functions = new Map(Object.entries(catalog.functions ?? {}).map(([k, v]) => [k.toLowerCase(), type(v)]));
  return {
    schema: {
      resolveTable(name: TableName) {
        if (name.name.startsWith('#')) return tables.get(name.name.toLowerCase()) ?? null;
        const key = `${name.database ?? current}.${name.schema ?? 'dbo'}.${name.name}`.toLowerCase();
        return tables.get(key) ?? null;
      },
      tableVariable: (name) => tables.get(name.toLowerCase()) ?? null,
      tableFunction: (name) => {
        if (name.name.toLowerCase() !== 'fn_my_permissions') return null;
        return { duckdbName: ['fn_my_permissions'], columns: columns(['entity_name sysname', 'subentity_name sysname', 'permission_name nvarchar(60)']) };
      },
      scalarFunction: (name) => {
        const returns = functions.get(name.name.toLowerCase());
        return returns ? { duckdbName: [`sqlml_${name.name.toLowerCase()}`], returns } : null;
      },
      identityInsert: () => false,
    },
    variables: { variableType: (name) => variables.get(name.toLowerCase()) ?? null },
  };
}

/** The single statement of a batch, failing the test on syntax errors. */
export function statement(sql: string): Statement {
  const { statements, errors } = parseBatch(sql);
  if (errors.length) throw new Error(`syntax: ${errors.map((e) => e.message).join('; ')}`);
  if (statements.length !== 1) throw new Error(`expected one statement, got ${statements.length}`);
  return statements[0]!;
}

export function selectStatement(sql: string): SelectStatement {
  const s = statement(sql);
  if (s.kind !== 'select') throw new Error(`not a SELECT: ${s.kind}`);
  return s;
}
