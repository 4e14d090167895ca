// External libraries (CREATE EXTERNAL LIBRARY): a package kept in the catalog with its bits and
// installed, once, into a folder of its own. A script sees the libraries of its database and
// language: the public ones (owned by dbo) first, then the caller's private ones, as SQL Server
// orders the library paths. The folder is made by the installer port (the node side unpacks a
// wheel or runs R CMD INSTALL); the core decides who may install what and who sees it.
import { userName } from '../../security/identity';
import { findDatabase } from '../../security/lookup';
import { DATABASE_IDS } from '../../security/builtins';
import type { InstanceDocument } from './document';
import type { ExecutorSession } from './session';

export type LibraryLanguage = 'R' | 'Python';

export interface ExternalLibraryFile {
  /** The package's bits as hex (sys.external_library_files.content). */
  contentHex: string;
  /** sys.external_library_files.platform: 1 WINDOWS, 2 LINUX (NULL when none was given). */
  platform: 1 | 2 | null;
}

export interface ExternalLibraryDefinition {
  /** external_library_id, unique in the instance. */
  id: number;
  database: string;
  name: string;
  /** The owner (a database principal id): dbo makes the library public, anyone else private. */
  principalId: number;
  language: LibraryLanguage;
  files: ExternalLibraryFile[];
  /** Where the installer put it (host path, bound read-only into the scripts' sandboxes). */
  folder: string;
}

/** sys.external_libraries.scope: 0 PUBLIC (owned by dbo), 1 PRIVATE. */
export function libraryScope(library: ExternalLibraryDefinition): 0 | 1 {
  return library.principalId === DATABASE_IDS.dbo ? 0 : 1;
}

export type InstallResult = { ok: true; folder: string } | { ok: false; message: string };

/** The node side: puts a package into a folder of its own, reads a CONTENT file path, removes a folder. */
export interface LibraryInstaller {
  install(language: LibraryLanguage, name: string, content: Uint8Array): Promise<InstallResult>;
  readContent(path: string): Promise<{ ok: true; content: Uint8Array } | { ok: false; message: string }>;
  remove(folder: string): Promise<void>;
}

export function librariesOf(document: InstanceDocument): ExternalLibraryDefinition[] {
  return document.externalLibraries ?? [];
}

/** The database principal the session acts as in `database` (null when it has no user there). */
export function currentPrincipalId(session: ExecutorSession, database: string): number | null {
  const user = userName(session.catalog, session.security, database);
  if (user === null) return null;
  const principal = findDatabase(session.catalog, database)?.principals.find((p) => p.name.toLowerCase() === user.toLowerCase());
  return principal?.principalId ?? null;
}

/** The folders a script of the session sees for `language`: public libraries first, then its own private ones. */
export function libraryPathsFor(session: ExecutorSession, language: string): string[] {
  const principal = currentPrincipalId(session, session.database);
  const mine = librariesOf(session.document).filter(
    (l) => l.database.toLowerCase() === session.database.toLowerCase() && l.language.toLowerCase() === language.toLowerCase(),
  );
  const visible = mine.filter((l) => libraryScope(l) === 0 || l.principalId === principal);
  return [...visible.filter((l) => libraryScope(l) === 0), ...visible.filter((l) => libraryScope(l) === 1)].map((l) => l.folder);
}
