// sys.external_libraries and sys.external_library_files of a database. A private library shows to
// its owner and to those who may manage every library (ALTER ANY EXTERNAL LIBRARY); public ones
// (owned by dbo) to every user of the database.
import type { SqlType } from '../translate/types';
import { currentPrincipalId, librariesOf, libraryScope, type ExternalLibraryDefinition } from './externalLibraries';
import type { ExecutorSession } from './session';
import type { SystemView } from './systemViews';
import { check } from '../../security';

const int: SqlType = { name: 'int' };
const sysname: SqlType = { name: 'nvarchar', length: 128 };

function visible(session: ExecutorSession, database: string): ExternalLibraryDefinition[] {
  const me = currentPrincipalId(session, database);
  if (me === null) return [];
  const manager = check(session.catalog, session.security, database, 'ALTER ANY EXTERNAL LIBRARY', { class: 'DATABASE' }, {}).ok;
  return librariesOf(session.document).filter((l) => l.database.toLowerCase() === database.toLowerCase() && (libraryScope(l) === 0 || l.principalId === me || manager));
}

const bytes = (hex: string) => new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);

export const EXTERNAL_LIBRARY_VIEWS: Record<string, SystemView> = {
  external_libraries: {
    scope: 'database',
    columns: [['external_library_id', int], ['name', sysname], ['principal_id', int], ['language', sysname], ['scope', int], ['scope_desc', { name: 'varchar', length: 7 }]],
    rows: (s, db) => visible(s, db).map((l) => [l.id, l.name, l.principalId, l.language, libraryScope(l), libraryScope(l) === 0 ? 'PUBLIC' : 'PRIVATE']),
  },
  external_library_files: {
    scope: 'database',
    columns: [['external_library_id', int], ['content', { name: 'varbinary', length: 'max' }], ['platform', { name: 'tinyint' }], ['platform_desc', { name: 'nvarchar', length: 60 }]],
    rows: (s, db) =>
      visible(s, db).flatMap((l) => l.files.map((f) => [l.id, bytes(f.contentHex), f.platform, f.platform === 1 ? 'WINDOWS' : f.platform === 2 ? 'LINUX' : null])),
  },
};
