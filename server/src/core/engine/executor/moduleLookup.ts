// Views and user functions as the translator and the permission checks see them: found by name
// the way SQL Server resolves names (the current database, the user's default schema then dbo;
// inside a module, the module's database and schema then dbo), their definitions parsed again
// from the text that created them (cached: a definition's text never changes in place).
import type { CreateFunctionStatement, CreateViewStatement } from '../ast';
import { parseBatch } from '../parser';
import { resolveDataType, type Ports, type TableName, type UserFunctionInfo, type ViewInfo } from '../translate';
import type { ModuleDefinition } from './document';
import type { ExecutorSession } from './session';
import { defaultSchemaOf } from './sessionFunctions';

/** Where unqualified names resolve: a database and the schemas tried in order. */
export interface NameScope {
  database: string;
  schemas: string[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The session's own scope: its database, the user's default schema, then dbo. */
export function sessionScope(session: ExecutorSession, database = session.database): NameScope {
  return { database, schemas: [defaultSchemaOf(session, database), 'dbo'] };
}

/** A module's scope: its database, its schema, then dbo. */
export function moduleScope(module: { database: string; schema: string }): NameScope {
  return { database: module.database, schemas: [module.schema, 'dbo'] };
}

export function findModule(session: ExecutorSession, name: TableName, scope: NameScope, types: readonly ModuleDefinition['type'][]): ModuleDefinition | undefined {
  if (name.name.startsWith('#')) return undefined;
  const database = name.database ?? scope.database;
  const schemas = name.schema ? [name.schema] : scope.schemas;
  const all = session.document.modules ?? [];
  for (const schema of schemas) {
    const found = all.find((m) => types.includes(m.type) && same(m.database, database) && same(m.schema, schema) && same(m.name, name.name));
    if (found) return found;
  }
  return undefined;
}

const parsedDefinitions = new Map<string, CreateViewStatement | CreateFunctionStatement | null>();
const MAX_CACHED = 200;

/** The CREATE statement a module's text holds, or null when it no longer parses. */
export function parsedModule(module: ModuleDefinition): CreateViewStatement | CreateFunctionStatement | null {
  const cached = parsedDefinitions.get(module.text);
  if (cached !== undefined) return cached;
  const parsed = parseBatch(module.text);
  const statement = parsed.statements[0];
  const definition = parsed.errors.length === 0 && (statement?.kind === 'createView' || statement?.kind === 'createFunction') ? statement : null;
  if (parsedDefinitions.size >= MAX_CACHED) parsedDefinitions.delete(parsedDefinitions.keys().next().value!);
  parsedDefinitions.set(module.text, definition);
  return definition;
}

export function viewInfo(module: ModuleDefinition, ports: Ports): ViewInfo | null {
  const definition = parsedModule(module);
  if (definition?.kind !== 'createView') return null;
  return { database: module.database, schema: module.schema, name: module.name, ports, columns: definition.columns, query: definition.query };
}

export function userFunctionInfo(module: ModuleDefinition, ports: Ports): UserFunctionInfo | null {
  const definition = parsedModule(module);
  if (definition?.kind !== 'createFunction') return null;
  const parameters = [];
  for (const p of definition.parameters) {
    const type = resolveDataType(p.type, 'declaration');
    if (!type.ok) return null;
    parameters.push({ name: p.name.name, type: type.value });
  }
  let returns = null;
  if (definition.body.kind === 'scalar') {
    const type = resolveDataType(definition.body.returns, 'declaration');
    if (!type.ok) return null;
    returns = type.value;
  }
  return { database: module.database, schema: module.schema, name: module.name, ports, parameters, body: definition.body, returns };
}
