// CREATE / ALTER / DROP EXTERNAL LIBRARY. The package is installed when it is created (or altered),
// as SQL Server 2019 on Linux does, so a broken archive or an R package that does not build fails
// the statement with the reason; DROP removes the installed folder. Installing writes files outside
// the catalog that a rollback could not take back, so these statements refuse a user transaction.
import type { OptionSetting, Statement } from '../../ast';
import { DATABASE_IDS } from '../../../security/builtins';
import { findDatabase, findDatabasePrincipal } from '../../../security/lookup';
import { NEXT, type Flow, type StatementContext } from '../context';
import { fail, notInUserTransaction } from '../errors';
import { currentPrincipalId, librariesOf, type ExternalLibraryDefinition, type ExternalLibraryFile, type LibraryLanguage } from '../externalLibraries';

export const EXTERNAL_LIBRARY_KINDS: ReadonlySet<string> = new Set(['externalLibrary']);

type LibraryStatement = Extract<Statement, { kind: 'externalLibrary' }>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function runExternalLibrary(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as LibraryStatement;
  const session = ctx.session;
  const verb = st.action.toUpperCase();
  if (session.transactionCount > 0) return notInUserTransaction(`${verb} EXTERNAL LIBRARY`, st);
  const installer = session.instance.ports.libraries;
  if (!installer) return fail(50000, 16, 1, 'External libraries cannot be installed on this instance: it has no library folder.', st);
  await ctx.lockCatalog();
  const database = session.database;
  const me = currentPrincipalId(session, database);
  const owner = st.owner ? ownerOf(ctx, st) : me;
  const libraries = librariesOf(session.document);
  const inDatabase = libraries.filter((l) => same(l.database, database) && same(l.name, st.name.name));

  if (st.action === 'create') {
    ctx.check('CREATE EXTERNAL LIBRARY', { class: 'DATABASE' }, st);
    if (owner !== me) ctx.check('ALTER ANY EXTERNAL LIBRARY', { class: 'DATABASE' }, st.owner!);
    if (owner === null) return fail(50000, 16, 1, `The current user has no user in database '${database}'.`, st);
    if (inDatabase.some((l) => l.principalId === owner)) {
      return fail(50000, 16, 1, `There is already an external library named '${st.name.name}' for this owner in database '${database}'.`, st.name);
    }
    const language = languageOf(st.options, st);
    const files = await filesOf(ctx, st);
    const installed = await install(ctx, st, language, files);
    const id = Math.max(0, ...libraries.map((l) => l.id)) + 1;
    const library: ExternalLibraryDefinition = { id, database, name: st.name.name, principalId: owner, language, files, folder: installed };
    await saveOrUndo(ctx, [...libraries, library], installed);
    return NEXT;
  }

  // ALTER and DROP act on the caller's own library of that name, else on the public one.
  const existing = inDatabase.find((l) => l.principalId === owner) ?? (st.owner ? undefined : inDatabase.find((l) => l.principalId === DATABASE_IDS.dbo));
  if (!existing) {
    const what = st.action === 'drop' ? 'drop' : 'alter';
    return fail(3701, 11, 5, `Cannot ${what} the external library '${st.name.name}', because it does not exist or you do not have permission.`, st.name);
  }
  if (existing.principalId !== me) ctx.check('ALTER ANY EXTERNAL LIBRARY', { class: 'DATABASE' }, st);
  const others = libraries.filter((l) => l !== existing);
  if (st.action === 'drop') {
    await session.saveDocument({ ...session.document, externalLibraries: others });
    await installer.remove(existing.folder);
    return NEXT;
  }
  const language = languageOf(st.options, st);
  if (language !== existing.language) return fail(50000, 16, 1, `The external library '${existing.name}' is a ${existing.language} library; ALTER cannot change its language.`, st);
  const files = await filesOf(ctx, st);
  const installed = await install(ctx, st, language, files);
  await saveOrUndo(ctx, [...others, { ...existing, files, folder: installed }], installed);
  await installer.remove(existing.folder);
  return NEXT;
}

function ownerOf(ctx: StatementContext, st: LibraryStatement): number {
  const db = findDatabase(ctx.session.catalog, ctx.session.database);
  const principal = db && findDatabasePrincipal(db, st.owner!.name);
  if (!principal || principal.type === 'R') return fail(15151, 16, 1, `Cannot find the user '${st.owner!.name}', because it does not exist or you do not have permission.`, st.owner!);
  return principal.principalId;
}

function languageOf(options: readonly OptionSetting[], st: LibraryStatement): LibraryLanguage {
  const setting = options.find((o) => o.name === 'LANGUAGE');
  const value = setting && (setting.value.kind === 'string' || setting.value.kind === 'word') ? setting.value.value : null;
  if (value !== null && same(value, 'R')) return 'R';
  if (value !== null && same(value, 'Python')) return 'Python';
  return fail(50000, 16, 1, "External libraries need WITH (LANGUAGE = 'R') or WITH (LANGUAGE = 'Python') on this instance.", setting ?? st);
}

/** The file specifications: CONTENT (bits, or a file path for sysadmin) and PLATFORM; at most one per platform. */
async function filesOf(ctx: StatementContext, st: LibraryStatement): Promise<ExternalLibraryFile[]> {
  const files: ExternalLibraryFile[] = [];
  for (const spec of st.files) {
    const content = spec.find((o) => o.name === 'CONTENT');
    const platformSetting = spec.find((o) => o.name === 'PLATFORM');
    const unknown = spec.find((o) => o.name !== 'CONTENT' && o.name !== 'PLATFORM');
    if (unknown) return fail(50000, 16, 1, `'${unknown.name}' is not a file option of an external library (CONTENT, PLATFORM).`, unknown);
    if (!content) return fail(50000, 16, 1, 'Each file of an external library needs CONTENT.', st);
    let platform: ExternalLibraryFile['platform'] = null;
    if (platformSetting) {
      const word = platformSetting.value.kind === 'word' || platformSetting.value.kind === 'string' ? platformSetting.value.value.toUpperCase() : '';
      if (word !== 'WINDOWS' && word !== 'LINUX') return fail(50000, 16, 1, 'PLATFORM must be WINDOWS or LINUX.', platformSetting.value);
      platform = word === 'WINDOWS' ? 1 : 2;
    }
    if (files.some((f) => f.platform === platform)) return fail(50000, 16, 1, 'An external library has at most one file per platform.', platformSetting ?? content);
    files.push({ contentHex: await contentOf(ctx, content), platform });
  }
  return files;
}

async function contentOf(ctx: StatementContext, content: OptionSetting): Promise<string> {
  if (content.value.kind === 'binary') return content.value.hex;
  if (content.value.kind !== 'string') return fail(50000, 16, 1, 'CONTENT must be a file path or a varbinary literal.', content.value);
  // SQL Server: creating a library from a file path needs a Windows login or sysadmin; the file is
  // read by the instance, so only those who may read the instance's files may name one.
  ctx.check('CONTROL SERVER', { class: 'SERVER' }, content.value, 'master');
  const read = await ctx.session.instance.ports.libraries!.readContent(content.value.value);
  if (!read.ok) return fail(50000, 16, 1, `Cannot read the external library file '${content.value.value}': ${read.message}`, content.value);
  return Array.from(read.content, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

async function install(ctx: StatementContext, st: LibraryStatement, language: LibraryLanguage, files: readonly ExternalLibraryFile[]): Promise<string> {
  // This instance runs scripts on Linux: the LINUX file, else the one without a platform.
  const file = files.find((f) => f.platform === 2) ?? files.find((f) => f.platform === null);
  if (!file) return fail(50000, 16, 1, `The external library '${st.name.name}' has no file for LINUX.`, st);
  const bytes = new Uint8Array(file.contentHex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
  const result = await ctx.session.instance.ports.libraries!.install(language, st.name.name, bytes);
  if (!result.ok) return fail(50000, 16, 1, `Installing the external library '${st.name.name}' failed: ${result.message}`, st);
  return result.folder;
}

async function saveOrUndo(ctx: StatementContext, libraries: ExternalLibraryDefinition[], installed: string): Promise<void> {
  try {
    await ctx.session.saveDocument({ ...ctx.session.document, externalLibraries: libraries });
  } catch (e) {
    await ctx.session.instance.ports.libraries!.remove(installed);
    throw e;
  }
}
