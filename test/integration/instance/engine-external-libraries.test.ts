// CREATE / ALTER / DROP EXTERNAL LIBRARY through the engine with real Python and R: a wheel and an
// R source package built here are installed at CREATE (no pip, no network), seen by the scripts of
// their database only (private ones by their owner only), shown by sys.external_libraries and
// sys.external_library_files, guarded by the CREATE EXTERNAL LIBRARY permission, gone after DROP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENABLE_SCRIPTS, EngineBed, type Session } from './engineBed';
import { buildRPackage, buildWheel, hexLiteral, pythonAnswer, rGreeting } from './libraryFixtures';

const bed = new EngineBed('extlib');
let s: Session;
let work: string;

const wheel = (pkg: string, answer: number) => buildWheel(work, pkg, answer);
const rPackage = (pkg: string, body: string) => buildRPackage(work, pkg, body);
const libraryFolders = () => (existsSync(join(bed.folder, 'external-libraries')) ? readdirSync(join(bed.folder, 'external-libraries')).filter((n) => !n.startsWith('.')) : []);

before(async () => {
  work = mkdtempSync('/tmp/sqlml-extlib-');
  await bed.open();
  s = await bed.connect();
  await s.ok(`${ENABLE_SCRIPTS}
CREATE DATABASE libdb;
CREATE DATABASE otherdb;`);
});

after(async () => {
  await bed.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('Python wheels', () => {
  test('a wheel given as bits is importable by scripts of its database, not of another one; the views show it', async () => {
    await s.ok(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmltiny FROM (CONTENT = ${hexLiteral(wheel('sqlmltiny', 42))}, PLATFORM = LINUX) WITH (LANGUAGE = 'Python');`);
    const ran = await s.ok(`USE libdb;\n${pythonAnswer('sqlmltiny')}`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[42]]);

    const elsewhere = await s.run(`USE otherdb;\n${pythonAnswer('sqlmltiny')}`);
    assert.equal(elsewhere.resultSets.length, 0);
    assert.match(elsewhere.messages.map((m) => m.text).join('\n'), /No module named 'sqlmltiny'/);

    const views = await s.ok(`USE libdb;
SELECT name, principal_id, language, scope, scope_desc FROM sys.external_libraries;
SELECT f.platform, f.platform_desc, DATALENGTH(f.content) FROM sys.external_library_files f JOIN sys.external_libraries l ON l.external_library_id = f.external_library_id WHERE l.name = 'sqlmltiny';
USE otherdb;
SELECT COUNT(*) FROM sys.external_libraries;`);
    assert.deepEqual(views.resultSets[0]!.rows, [['sqlmltiny', 1, 'Python', 0, 'PUBLIC']]);
    assert.deepEqual(views.resultSets[1]!.rows, [[2, 'LINUX', readFileSync(join(work, 'sqlmltiny-42-py3-none-any.whl')).length]]);
    assert.deepEqual(views.resultSets[2]!.rows, [[0]]);
  });

  test('ALTER EXTERNAL LIBRARY replaces the package; DROP removes it and its folder', async () => {
    await s.ok(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmlswap FROM (CONTENT = ${hexLiteral(wheel('sqlmlswap', 1))}) WITH (LANGUAGE = 'Python');`);
    await s.ok(`USE libdb;
ALTER EXTERNAL LIBRARY sqlmlswap SET (CONTENT = ${hexLiteral(wheel('sqlmlswap', 2))}) WITH (LANGUAGE = 'Python');`);
    assert.deepEqual((await s.ok(`USE libdb;\n${pythonAnswer('sqlmlswap')}`)).resultSets[0]!.rows, [[2]]);
    const before = libraryFolders().length;
    await s.ok('USE libdb;\nDROP EXTERNAL LIBRARY sqlmlswap;');
    assert.equal(libraryFolders().length, before - 1);
    const gone = await s.run(`USE libdb;\n${pythonAnswer('sqlmlswap')}`);
    assert.match(gone.messages.map((m) => m.text).join('\n'), /No module named 'sqlmlswap'/);
    assert.deepEqual((await s.ok("USE libdb;\nSELECT COUNT(*) FROM sys.external_libraries WHERE name = 'sqlmlswap';")).column(), [0]);
    assert.deepEqual(await s.errorNumbers('USE libdb;\nDROP EXTERNAL LIBRARY sqlmlswap;'), [3701]);
  });

  test('DROP DATABASE takes its libraries along: a new database of the same name does not see them', async () => {
    await s.ok(`CREATE DATABASE shortlived;
GO
USE shortlived;
CREATE EXTERNAL LIBRARY sqlmlshort FROM (CONTENT = ${hexLiteral(wheel('sqlmlshort', 9))}) WITH (LANGUAGE = 'Python');`);
    const before = libraryFolders().length;
    await s.ok('USE master;\nDROP DATABASE shortlived;\nCREATE DATABASE shortlived;');
    assert.equal(libraryFolders().length, before - 1);
    const again = await s.run(`USE shortlived;\n${pythonAnswer('sqlmlshort')}`);
    assert.match(again.messages.map((m) => m.text).join('\n'), /No module named 'sqlmlshort'/);
    assert.deepEqual((await s.ok('USE shortlived;\nSELECT COUNT(*) FROM sys.external_libraries;')).column(), [0]);
  });

  test('a CONTENT file path (sysadmin) is read by the instance', async () => {
    await s.ok(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmlfile FROM (CONTENT = '${wheel('sqlmlfile', 7)}') WITH (LANGUAGE = 'Python');`);
    assert.deepEqual((await s.ok(`USE libdb;\n${pythonAnswer('sqlmlfile')}`)).resultSets[0]!.rows, [[7]]);
  });

  test('an archive that is not a wheel fails CREATE with the reason and leaves nothing behind', async () => {
    const before = libraryFolders().length;
    const ran = await s.run(`USE libdb;
CREATE EXTERNAL LIBRARY notawheel FROM (CONTENT = 0x0102030405) WITH (LANGUAGE = 'Python');`);
    assert.equal(ran.errors.length, 1);
    assert.match(ran.errors[0]!.text, /Installing the external library 'notawheel' failed: .*wheel/);
    assert.equal(libraryFolders().length, before);
    assert.deepEqual((await s.ok("USE libdb;\nSELECT COUNT(*) FROM sys.external_libraries WHERE name = 'notawheel';")).column(), [0]);
  });
});

describe('R packages', () => {
  test('an R source package is built by R CMD INSTALL at CREATE and loads with library() in its database only', async () => {
    await s.ok(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmlhello FROM (CONTENT = ${hexLiteral(rPackage('sqlmlhello', 'greeting <- function() "hello from sqlmlhello"\n'))}) WITH (LANGUAGE = 'R');`);
    assert.deepEqual((await s.ok(`USE libdb;\n${rGreeting('sqlmlhello')}`)).resultSets[0]!.rows, [['hello from sqlmlhello']]);
    const elsewhere = await s.run(`USE otherdb;\n${rGreeting('sqlmlhello')}`);
    assert.equal(elsewhere.resultSets.length, 0);
    assert.match(elsewhere.messages.map((m) => m.text).join('\n'), /there is no package called .sqlmlhello./);
  });

  test('an R package that does not build fails CREATE with R CMD INSTALL\'s reason', async () => {
    const ran = await s.run(`USE libdb;
CREATE EXTERNAL LIBRARY sqlmlbroken FROM (CONTENT = ${hexLiteral(rPackage('sqlmlbroken', 'greeting <- function( {\n'))}) WITH (LANGUAGE = 'R');`);
    assert.equal(ran.errors.length, 1);
    assert.match(ran.errors[0]!.text, /Installing the external library 'sqlmlbroken' failed: R CMD INSTALL failed \(exit 1\)/);
    assert.match(ran.errors[0]!.text, /unexpected/);
  });
});

describe('permissions and scope', () => {
  before(async () => {
    await s.ok(`CREATE LOGIN libuser WITH PASSWORD = 'Lib-User-Pass-1', CHECK_POLICY = OFF;
CREATE LOGIN otheruser WITH PASSWORD = 'Other-User-Pass-1', CHECK_POLICY = OFF;
USE libdb;
CREATE USER libuser FOR LOGIN libuser;
CREATE USER otheruser FOR LOGIN otheruser;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO libuser;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO otheruser;`);
  });

  test('without CREATE EXTERNAL LIBRARY a user gets Msg 262; with it the library is private to that user', async () => {
    const u = await bed.connect({ name: 'libuser', password: 'Lib-User-Pass-1' });
    const create = `USE libdb;
CREATE EXTERNAL LIBRARY sqlmlmine FROM (CONTENT = ${hexLiteral(wheel('sqlmlmine', 5))}) WITH (LANGUAGE = 'Python');`;
    const refused = await u.run(create);
    assert.deepEqual(refused.errors.map((e) => [e.number, e.text]), [[262, "CREATE EXTERNAL LIBRARY permission denied in database 'libdb'."]]);

    await s.ok('USE libdb;\nGRANT CREATE EXTERNAL LIBRARY TO libuser;');
    await u.ok(create);
    assert.deepEqual((await u.ok(`USE libdb;\n${pythonAnswer('sqlmlmine')}`)).resultSets[0]!.rows, [[5]]);
    // The public library of the database is seen too.
    assert.deepEqual((await u.ok(`USE libdb;\n${pythonAnswer('sqlmltiny')}`)).resultSets[0]!.rows, [[42]]);
    const mine = await u.ok("USE libdb;\nSELECT name, scope, scope_desc, USER_NAME(principal_id) FROM sys.external_libraries WHERE name = 'sqlmlmine';");
    assert.deepEqual(mine.resultSets[0]!.rows, [['sqlmlmine', 1, 'PRIVATE', 'libuser']]);

    const o = await bed.connect({ name: 'otheruser', password: 'Other-User-Pass-1' });
    const notTheirs = await o.run(`USE libdb;\n${pythonAnswer('sqlmlmine')}`);
    assert.match(notTheirs.messages.map((m) => m.text).join('\n'), /No module named 'sqlmlmine'/);
    assert.deepEqual((await o.ok("USE libdb;\nSELECT COUNT(*) FROM sys.external_libraries WHERE name = 'sqlmlmine';")).column(), [0]);
    // Dropping someone else's library needs ALTER ANY EXTERNAL LIBRARY.
    assert.deepEqual(await o.errorNumbers('USE libdb;\nDROP EXTERNAL LIBRARY sqlmlmine AUTHORIZATION libuser;'), [262]);
    await u.ok('USE libdb;\nDROP EXTERNAL LIBRARY sqlmlmine;');
  });

  test('inside a user transaction the statement is refused (Msg 574)', async () => {
    const ran = await s.run(`USE libdb;
BEGIN TRAN;
CREATE EXTERNAL LIBRARY sqlmltx FROM (CONTENT = ${hexLiteral(wheel('sqlmltx', 3))}) WITH (LANGUAGE = 'Python');
ROLLBACK;`);
    assert.deepEqual(ran.errors.map((e) => e.number), [574]);
  });
});
