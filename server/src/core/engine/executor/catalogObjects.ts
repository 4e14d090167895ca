// The objects of a database as the catalog views and catalog procedures show them: only those the
// session may see (SQL Server's metadata visibility, security/visibility.ts), and the columns of
// tables, views and inline functions with their T-SQL types: a table's as it was created, a view's
// or function's as its definition gives them now.
import { databaseVisibility } from '../../security';
import { findDatabase, schemaById } from '../../security/lookup';
import type { ObjectEntry } from '../../security/model';
import { translateFunctionDefinition, translateViewDefinition, type ResultColumn, type TableInfo, type Translation } from '../translate';
import type { SqlType } from '../translate/types';
import { findModule, moduleScope, userFunctionInfo, viewInfo } from './moduleLookup';
import { scopedPorts } from './schemaLookup';
import type { ExecutorSession } from './session';

export const databaseSees = (s: ExecutorSession, database: string) => databaseVisibility(s.catalog, s.security, database);

/** The objects of a database the session may see, of one type or all. */
export function objectsOf(session: ExecutorSession, database: string, type?: string): ObjectEntry[] {
  const db = findDatabase(session.catalog, database);
  const sees = databaseSees(session, database);
  return (db?.objects ?? []).filter((o) => (type === undefined || o.type === type) && sees.object(o.objectId));
}

export function schemaNameOf(session: ExecutorSession, database: string, schemaId: number): string | null {
  const db = findDatabase(session.catalog, database);
  return (db && schemaById(db, schemaId)?.name) ?? null;
}

export interface CatalogColumn {
  name: string;
  /** 1-based. */
  ordinal: number;
  /** null when the object's definition no longer compiles (what it reads was dropped). */
  type: SqlType | null;
  /**
   * nullable and identity are null where the instance does not know them: a view's or function's
   * column (SQL Server derives them from the definition; the translator keeps neither).
   */
  nullable: boolean | null;
  identity: boolean | null;
}

/** A definition checked at its own place (offsets are the definition's, none is reported here). */
const NOWHERE = { start: 0, end: 0 };

function definitionTypes(session: ExecutorSession, database: string, schema: string, object: ObjectEntry): SqlType[] | null {
  const module = findModule(session, { database, schema, name: object.name }, moduleScope({ database, schema }), [object.type === 'V' ? 'V' : 'IF']);
  if (!module) return null;
  const ports = scopedPorts(session, moduleScope(module)).ports;
  let translated: Translation<ResultColumn[]> | null = null;
  if (module.type === 'V') {
    const view = viewInfo(module, ports);
    translated = view && translateViewDefinition(view, NOWHERE);
  } else {
    const fn = userFunctionInfo(module, ports);
    translated = fn && translateFunctionDefinition(fn, NOWHERE);
  }
  return translated?.ok ? translated.value.map((c) => c.type) : null;
}

/** The columns of a table, view or inline function, in order; none for other objects. */
/** A table's columns as sys.columns lists them. */
export function tableColumns(table: TableInfo): CatalogColumn[] {
  return table.columns.map((c, k) => ({ name: c.name, ordinal: k + 1, type: c.type, nullable: c.nullable, identity: c.identity }));
}

export function objectColumns(session: ExecutorSession, database: string, object: ObjectEntry): CatalogColumn[] {
  const schema = schemaNameOf(session, database, object.schemaId);
  if (schema === null) return [];
  if (object.type === 'U') {
    const table = session.tables.get(database, schema, object.name);
    if (table) return tableColumns(table);
  }
  const types = object.type === 'V' || object.type === 'IF' ? definitionTypes(session, database, schema, object) : null;
  // A definition that compiles to other columns than were registered (what it reads changed) says nothing of these.
  const typed = types?.length === object.columns.length ? types : null;
  return object.columns.map((name, k) => ({ name, ordinal: k + 1, type: typed?.[k] ?? null, nullable: null, identity: null }));
}
