// What the instance keeps: databases, tables and rows (DuckDB files), logins, users, roles,
// permissions, configuration, pools and procedures (the catalog), across a clean reopen and
// across kill -9 right after a statement reported success; and a catalog that a crash left
// behind its tables is brought back in line when the instance opens.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENABLE_SCRIPTS, EngineBed } from './engineBed';

const beds: EngineBed[] = [];

after(async () => {
  for (const bed of beds) await bed.remove();
});

test('a reopened instance has its data, catalog, configuration, pools and procedures', async () => {
  const bed = new EngineBed('reopen');
  beds.push(bed);
  await bed.open();
  const s = await bed.connect();
  await s.ok(`${ENABLE_SCRIPTS}
ALTER EXTERNAL RESOURCE POOL "default" WITH (MAX_CPU_PERCENT = 60);
CREATE LOGIN keeper WITH PASSWORD = 'K33p-me!';
CREATE DATABASE keptdb;
GO
USE keptdb;
CREATE TABLE dbo.kept (id int PRIMARY KEY, label nvarchar(40), amount decimal(9, 2));
INSERT INTO dbo.kept VALUES (1, N'één', 12.50), (2, NULL, 0.25);
CREATE USER keeper FOR LOGIN keeper;
CREATE ROLE readers;
ALTER ROLE readers ADD MEMBER keeper;
GRANT SELECT ON dbo.kept TO readers;
DENY SELECT ON dbo.kept TO keeper;
GO
CREATE PROCEDURE dbo.total AS SELECT SUM(amount) FROM dbo.kept;`);
  await bed.close();

  await bed.open({ fresh: false });
  const again = await bed.connect();
  const ran = await again.ok(`USE keptdb;
SELECT id, label, amount FROM dbo.kept ORDER BY id;
EXEC dbo.total;
SELECT value_in_use FROM sys.configurations WHERE name = 'external scripts enabled';
SELECT max_cpu_percent FROM sys.resource_governor_external_resource_pools WHERE name = 'default';`);
  assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[1, 'één', 12.5], [2, null, 0.25]], [[12.75]], [[1]], [[60]]]);
  assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['int', 'nvarchar(40)', 'decimal(9,2)']);

  const keeper = await bed.connect({ name: 'keeper', password: 'K33p-me!' });
  const refused = await keeper.run('USE keptdb; SELECT * FROM dbo.kept;');
  assert.deepEqual(refused.errors.map((e) => e.number), [229], 'the DENY outlived the restart');
  await bed.close();
});

test('changes committed by concurrent sessions are all kept', async () => {
  const bed = new EngineBed('concurrent');
  beds.push(bed);
  await bed.open();
  const [a, b] = [await bed.connect(), await bed.connect()];
  await Promise.all(
    Array.from({ length: 6 }, (_, k) => (k % 2 === 0 ? a : b).ok(`CREATE LOGIN racer${k} WITH PASSWORD = 'R4ce-${k}!';`)),
  );
  await bed.close();
  await bed.open({ fresh: false });
  const ran = await (await bed.connect()).ok("SELECT COUNT(*) FROM sys.server_principals WHERE name LIKE 'racer%';");
  assert.deepEqual(ran.resultSets[0]!.rows, [[6]]);
  await bed.close();
});

/** Runs the child on the folder until it has reported every run, then kills it with SIGKILL. */
function runAndKill(folder: string, runs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'engineChild.ts'), folder, ...runs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`committed ${runs.length}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the child ended by itself (code ${code}): ${err}`))));
  });
}

test('kill -9 right after success loses nothing that was reported', async () => {
  const bed = new EngineBed('crash');
  beds.push(bed);
  await bed.open();
  await bed.close();
  await runAndKill(bed.folder, [
    "CREATE LOGIN survivor WITH PASSWORD = 'Surv1ve!';\nCREATE DATABASE crashdb;",
    'USE crashdb; CREATE TABLE dbo.t (x int); INSERT INTO dbo.t VALUES (1), (2), (3); CREATE USER survivor FOR LOGIN survivor; GRANT SELECT ON dbo.t TO survivor;',
  ]);
  await bed.open({ fresh: false });
  const survivor = await bed.connect({ name: 'survivor', password: 'Surv1ve!' });
  const ran = await survivor.ok('USE crashdb; SELECT SUM(x) FROM dbo.t;');
  assert.deepEqual(ran.resultSets[0]!.rows, [[6]]);
  await bed.close();
});

test('a table whose catalog entry a crash lost is registered again when the instance opens', async () => {
  const bed = new EngineBed('reconcile');
  beds.push(bed);
  await bed.open();
  const s = await bed.connect();
  await s.ok("CREATE DATABASE recdb;\nGO\nUSE recdb; CREATE TABLE dbo.orphan (x int); CREATE LOGIN late WITH PASSWORD = 'L4te-login!'; CREATE USER late FOR LOGIN late;");
  await bed.close();

  // As if the process died between the table's commit in DuckDB and the catalog write.
  const catalogFile = join(bed.folder, 'catalog.json');
  const document = JSON.parse(readFileSync(catalogFile, 'utf8')) as { security: { databases: { name: string; objects: unknown[] }[] } };
  document.security.databases.find((d) => d.name === 'recdb')!.objects = [];
  writeFileSync(catalogFile, JSON.stringify(document));

  await bed.open({ fresh: false });
  const admin = await bed.connect();
  const ran = await admin.ok("USE recdb; SELECT name FROM sys.tables; GRANT SELECT ON dbo.orphan TO late;");
  assert.deepEqual(ran.resultSets[0]!.rows, [['orphan']]);
  const late = await bed.connect({ name: 'late', password: 'L4te-login!' });
  await late.ok('USE recdb; SELECT * FROM dbo.orphan;');
  await bed.close();
});
