// The translator's ports for one statement of one session: names resolved the way SQL Server
// resolves them for the current user (the current database, the user's default schema then dbo,
// the session's own #temp tables), sys.* and INFORMATION_SCHEMA.* views served from a session
// table filled just before the statement runs, the session's functions, and the frame's variables.
import { findDatabase } from '../../security/lookup';
import { duckdbRelation, type ColumnInfo, type Ports, type TableInfo, type TableLocation, type TableName } from '../translate';
import type { Frame } from './frame';
import type { ExecutorSession } from './session';
import type { ModuleDefinition } from './document';
import { findModule, moduleScope, sessionScope, userFunctionInfo, viewInfo, type NameScope } from './moduleLookup';
import { defaultSchemaOf } from './sessionFunctions';
import { systemVariableType } from './systemVariables';
import { systemView, type SystemView } from './systemViews';

/** A catalog view a statement reads, to be filled before it runs. */
export interface ViewUse {
  view: SystemView;
  name: string;
  database: string;
  table: TableInfo;
}

export interface StatementPorts {
  ports: Ports;
  views: Map<string, ViewUse>;
}

/**
 * The table a name denotes for the session now (or inside a module, in its scope), or null (then
 * SQL Server says Msg 208).
 */
export function resolveUserTable(session: ExecutorSession, name: TableName, scope?: NameScope): TableInfo | null {
  if (name.name.startsWith('#')) return session.tempTables.get(name.name.toLowerCase()) ?? null;
  const database = name.database ?? scope?.database ?? session.database;
  if (!findDatabase(session.catalog, database)) return null;
  const schemas = name.schema ? [name.schema] : scope && !name.database ? scope.schemas : [defaultSchemaOf(session, database), 'dbo'];
  for (const schema of schemas) {
    const table = session.tables.get(database, schema, name.name);
    if (table) return table;
  }
  return null;
}

function viewUse(session: ExecutorSession, name: TableName, scope: NameScope | undefined): ViewUse | null {
  if (name.schema === null) return null;
  const view = systemView(name.schema, name.name);
  if (!view) return null;
  const database = view.scope === 'server' ? 'master' : (name.database ?? scope?.database ?? session.database);
  const db = findDatabase(session.catalog, database);
  if (!db) return null;
  // Named by schema too: sys.tables and INFORMATION_SCHEMA.TABLES are different views.
  const location: TableLocation = { kind: 'temp', name: `sqlml$${name.schema.toLowerCase()}$${view.scope === 'server' ? '' : `${db.name}$`}${name.name.toLowerCase()}` };
  const columns: ColumnInfo[] = view.columns.map(([column, type]) => ({ name: column, type, nullable: true, identity: false }));
  return { view, name: name.name.toLowerCase(), database: db.name, table: { location, columns } };
}

export function identityKey(location: TableLocation): string {
  return duckdbRelation(location).toLowerCase();
}

export function statementPorts(session: ExecutorSession, frame: Frame): StatementPorts {
  const views = new Map<string, ViewUse>();
  return { ports: lookupPorts(session, frame, views, undefined), views };
}

/** Ports for the definition of a view or function in `scope` (CREATE checks its definition with them). */
export function scopedPorts(session: ExecutorSession, scope: NameScope): StatementPorts {
  const views = new Map<string, ViewUse>();
  return { ports: lookupPorts(session, null, views, scope), views };
}

/**
 * Ports resolving names for the session (no scope) or inside a view or function (its scope, no
 * table variables or variables of the caller), recording the catalog views read into `views`.
 */
function lookupPorts(session: ExecutorSession, frame: Frame | null, views: Map<string, ViewUse>, scope: NameScope | undefined): Ports {
  const modulePorts = (module: ModuleDefinition) => lookupPorts(session, null, views, moduleScope(module));
  const here = scope ?? sessionScope(session);
  const ports: Ports = {
    schema: {
      resolveTable: (name) => {
        const use = viewUse(session, name, scope);
        if (use) {
          views.set(identityKey(use.table.location), use);
          return use.table;
        }
        return resolveUserTable(session, name, scope);
      },
      view: (name) => {
        const module = findModule(session, name, here, ['V']);
        return module ? viewInfo(module, modulePorts(module)) : null;
      },
      userFunction: (name) => {
        const module = findModule(session, name, here, ['FN', 'IF']);
        return module ? userFunctionInfo(module, modulePorts(module)) : null;
      },
      tableVariable: (name) => frame?.tableVariables.get(name.toLowerCase()) ?? null,
      tableFunction: (name) => (name.schema === null || name.schema.toLowerCase() === 'sys' ? session.functions.table(name.name) : null),
      scalarFunction: (name) => (name.schema === null || name.schema.toLowerCase() === 'sys' ? session.functions.scalar(name.name) : null),
      identityInsert: (location) => session.identityInsert.has(identityKey(location)),
    },
    variables: {
      variableType: (name) => (name.startsWith('@@') ? systemVariableType(name) : (frame?.variable(name)?.type ?? null)),
    },
  };
  return ports;
}
