// Transactions cover the catalog as well as the data: logins, users, permissions, objects,
// procedures and pools created inside BEGIN TRAN ... ROLLBACK are gone with the rows; after COMMIT
// they are there and durable; the session sees its own uncommitted changes, no other session does;
// what SQL Server refuses inside a transaction is refused with its Msg; XACT_ABORT, errors that end
// the transaction, nested BEGIN TRAN and a session closed with its transaction open all roll the
// catalog back with the data; and a transaction that committed in the storage but whose catalog
// file write a crash prevented is taken from the storage when the instance opens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineBed, type Session } from './engineBed';

const bed = new EngineBed('transactions');
let admin: Session;

before(async () => {
  await bed.open();
  admin = await bed.connect();
  await admin.ok('CREATE DATABASE txdb;\nGO\nUSE txdb;\nCREATE TABLE dbo.t (x int PRIMARY KEY);');
});

after(async () => {
  await bed.remove();
});

/** The first column of the first row of each result set of a run in txdb. */
async function values(s: Session, text: string): Promise<unknown[]> {
  const ran = await s.ok(`USE txdb;\n${text}`);
  return ran.resultSets.map((r) => r.rows[0]?.[0]);
}

/** How many of the login, its user, its grant (as the catalog views show them) and the row with x = `row` there are. */
async function traces(s: Session, login: string, user: string, row: number): Promise<unknown[]> {
  return values(
    s,
    `SELECT COUNT(*) FROM sys.server_principals WHERE name = '${login}';
SELECT COUNT(*) FROM sys.database_principals WHERE name = '${user}';
SELECT COUNT(*) FROM sys.database_permissions p JOIN sys.database_principals u ON u.principal_id = p.grantee_principal_id WHERE u.name = '${user}' AND p.permission_name = 'SELECT';
SELECT COUNT(*) FROM dbo.t WHERE x = ${row};`,
  );
}

/** The scenario, up to (not including) its end. */
const SCENARIO = (login: string, user: string, row: number) => `USE txdb;
BEGIN TRAN;
CREATE LOGIN ${login} WITH PASSWORD = 'Tx-pa55word!';
CREATE USER ${user} FOR LOGIN ${login};
GRANT SELECT ON dbo.t TO ${user};
INSERT INTO dbo.t VALUES (${row});`;

async function loginFails(name: string): Promise<boolean> {
  return bed.connect({ name, password: 'Tx-pa55word!' }).then(
    () => false,
    () => true,
  );
}

describe('BEGIN TRAN; CREATE LOGIN; CREATE USER; GRANT; INSERT; ...', () => {
  test('#48 ROLLBACK: the login, the user, the grant and the row are all gone', async () => {
    await admin.ok(SCENARIO('rolled', 'rolled_user', 1));
    assert.deepEqual(await traces(admin, 'rolled', 'rolled_user', 1), [1, 1, 1, 1], 'the session sees its own changes');
    const other = await bed.connect();
    assert.deepEqual(await traces(other, 'rolled', 'rolled_user', 1), [0, 0, 0, 0], 'no other session sees them');
    await admin.ok('ROLLBACK;');

    assert.deepEqual(await traces(admin, 'rolled', 'rolled_user', 1), [0, 0, 0, 0]);
    assert.ok(await loginFails('rolled'), 'the rolled-back login cannot connect');
    // Made again without the grant, the login cannot read: the rolled-back GRANT left nothing behind.
    await admin.ok("USE txdb; CREATE LOGIN rolled WITH PASSWORD = 'Tx-pa55word!'; CREATE USER rolled_user FOR LOGIN rolled;");
    const rolled = await bed.connect({ name: 'rolled', password: 'Tx-pa55word!' });
    assert.deepEqual((await rolled.run('USE txdb; SELECT * FROM dbo.t;')).errors.map((e) => e.number), [229]);
  });

  test('COMMIT: all of it is there, works, and outlives a restart', async () => {
    await admin.ok(SCENARIO('kept', 'kept_user', 2));
    await admin.ok('COMMIT;');
    const kept = await bed.connect({ name: 'kept', password: 'Tx-pa55word!' });
    assert.deepEqual((await kept.ok('USE txdb; SELECT x FROM dbo.t;')).column(), [2]);
    await bed.close();

    await bed.open({ fresh: false });
    admin = await bed.connect();
    assert.deepEqual(await traces(admin, 'kept', 'kept_user', 2), [1, 1, 1, 1]);
    const again = await bed.connect({ name: 'kept', password: 'Tx-pa55word!' });
    assert.deepEqual((await again.ok('USE txdb; SELECT x FROM dbo.t;')).column(), [2]);
  });

  test("another session's catalog change waits for the transaction, and both are kept", async () => {
    const other = await bed.connect();
    await admin.ok("BEGIN TRAN; CREATE LOGIN first_in WITH PASSWORD = 'Tx-pa55word!';");
    let waited = true;
    const second = other.ok("CREATE LOGIN second_in WITH PASSWORD = 'Tx-pa55word!';").then(() => (waited = false));
    await admin.ok('SELECT 1;');
    assert.ok(waited, 'the other CREATE LOGIN has not gone through while the transaction holds the catalog');
    await admin.ok('COMMIT;');
    await second;
    assert.deepEqual(await values(admin, "SELECT COUNT(*) FROM sys.server_principals WHERE name IN ('first_in', 'second_in');"), [2]);
  });
});

describe('other catalog state', () => {
  test('procedures, tables, schemas and external resource pools made in a transaction go with its ROLLBACK', async () => {
    await admin.ok(`USE txdb;
BEGIN TRAN;
GO
CREATE PROCEDURE dbo.in_tx AS SELECT 42;
GO
CREATE SCHEMA staged;
GO
CREATE TABLE dbo.made_in_tx (y int);
CREATE EXTERNAL RESOURCE POOL tx_pool WITH (MAX_CPU_PERCENT = 40);
ALTER EXTERNAL RESOURCE POOL "default" WITH (MAX_CPU_PERCENT = 70);`);
    assert.deepEqual(
      await values(
        admin,
        `EXEC dbo.in_tx;
SELECT COUNT(*) FROM sys.tables WHERE name = 'made_in_tx';
SELECT COUNT(*) FROM sys.schemas WHERE name = 'staged';
SELECT COUNT(*) FROM sys.resource_governor_external_resource_pools WHERE name = 'tx_pool';
SELECT max_cpu_percent FROM sys.resource_governor_external_resource_pools WHERE name = 'default';`,
      ),
      [42, 1, 1, 1, 70],
    );
    await admin.ok('ROLLBACK;');
    const ran = await admin.run(`USE txdb;
SELECT COUNT(*) FROM sys.tables WHERE name = 'made_in_tx';
SELECT COUNT(*) FROM sys.schemas WHERE name = 'staged';
SELECT COUNT(*) FROM sys.resource_governor_external_resource_pools WHERE name = 'tx_pool';
SELECT max_cpu_percent FROM sys.resource_governor_external_resource_pools WHERE name = 'default';
EXEC dbo.in_tx;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]?.[0]), [0, 0, 0, 100]);
    assert.deepEqual(ran.errors.map((e) => e.number), [2812]);
    // The name is free again, for the table as for the procedure.
    await admin.ok('USE txdb; CREATE TABLE dbo.made_in_tx (z int); DROP TABLE dbo.made_in_tx;');
  });

  test('what SQL Server refuses inside a transaction is refused with its Msg, and the transaction goes on', async () => {
    const ran = await admin.run(`BEGIN TRAN;
CREATE DATABASE never;
DROP DATABASE txdb;
RECONFIGURE;
EXEC sp_configure 'show advanced options', 1;
ALTER RESOURCE GOVERNOR RECONFIGURE;
SAVE TRANSACTION halfway;
SELECT @@TRANCOUNT;
ROLLBACK;`);
    assert.deepEqual(
      ran.errors.map((e) => [e.number, e.severity, e.text]),
      [
        [226, 16, 'CREATE DATABASE statement not allowed within multi-statement transaction.'],
        [226, 16, 'DROP DATABASE statement not allowed within multi-statement transaction.'],
        [574, 16, 'RECONFIGURE statement cannot be used inside a user transaction.'],
        [574, 16, 'CONFIG statement cannot be used inside a user transaction.'],
        [574, 16, 'ALTER RESOURCE GOVERNOR statement cannot be used inside a user transaction.'],
        [59001, 16, ran.errors[5]?.text],
      ],
    );
    assert.match(ran.errors[5]!.text, /SAVE TRANSACTION/);
    assert.deepEqual(ran.column(), [1]);
    assert.deepEqual(await values(admin, "SELECT COUNT(*) FROM sys.databases WHERE name IN ('never', 'txdb');"), [1]);
  });
});

describe('how a transaction ends', () => {
  test('nested BEGIN TRAN: an inner COMMIT only counts down; the outer ROLLBACK takes the catalog too', async () => {
    const ran = await admin.ok(`BEGIN TRAN;
BEGIN TRAN;
CREATE LOGIN nested WITH PASSWORD = 'Tx-pa55word!';
SELECT @@TRANCOUNT;
COMMIT;
SELECT @@TRANCOUNT;
ROLLBACK;
SELECT @@TRANCOUNT;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'nested';`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]?.[0]), [2, 1, 0, 0]);
    await admin.ok("BEGIN TRAN; BEGIN TRAN; CREATE LOGIN nested WITH PASSWORD = 'Tx-pa55word!'; COMMIT; COMMIT;");
    assert.deepEqual(await values(admin, "SELECT COUNT(*) FROM sys.server_principals WHERE name = 'nested'; SELECT @@TRANCOUNT;"), [1, 0]);
  });

  test('SET XACT_ABORT ON: an error ends the batch and rolls back the login with the rows', async () => {
    const ran = await admin.run(`USE txdb;
SET XACT_ABORT ON;
BEGIN TRAN;
CREATE LOGIN aborted WITH PASSWORD = 'Tx-pa55word!';
INSERT INTO dbo.t VALUES (100);
SELECT 1 / 0;
PRINT 'not reached';
GO
SET XACT_ABORT OFF;
SELECT @@TRANCOUNT;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'aborted';
SELECT COUNT(*) FROM dbo.t WHERE x = 100;`);
    assert.deepEqual(ran.errors.map((e) => e.number), [8134]);
    assert.ok(!ran.messages.some((m) => m.text === 'not reached'));
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]?.[0]), [0, 0, 0]);
  });

  test('an error the storage cannot continue a transaction after rolls it all back and ends the batch', async () => {
    const ran = await admin.run(`USE txdb;
BEGIN TRAN;
CREATE LOGIN doomed WITH PASSWORD = 'Tx-pa55word!';
INSERT INTO dbo.t VALUES (200);
INSERT INTO dbo.t VALUES (200);
INSERT INTO dbo.t VALUES (201);
GO
SELECT @@TRANCOUNT;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'doomed';
SELECT COUNT(*) FROM dbo.t WHERE x >= 200;`);
    // DuckDB words a duplicate within one transaction so that it is not decoded as Msg 2627 yet.
    assert.equal(ran.errors.length, 1);
    assert.match(ran.errors[0]!.text, /duplicate key/i);
    assert.ok(ran.messages.some((m) => /transaction was rolled back/.test(m.text)));
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]?.[0]), [0, 0, 0]);
  });

  test('TRY ... CATCH with ROLLBACK in the CATCH block', async () => {
    const ran = await admin.run(`USE txdb;
BEGIN TRY
  BEGIN TRAN;
  CREATE LOGIN caught WITH PASSWORD = 'Tx-pa55word!';
  INSERT INTO dbo.t VALUES (300);
  THROW 50001, 'changed my mind', 1;
  COMMIT;
END TRY
BEGIN CATCH
  IF @@TRANCOUNT > 0 ROLLBACK;
  PRINT CONCAT('caught ', ERROR_NUMBER());
END CATCH
SELECT @@TRANCOUNT;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'caught';`);
    assert.ok(ran.messages.some((m) => m.text === 'caught 50001'));
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]?.[0]), [0, 0]);
    assert.deepEqual(await values(admin, 'SELECT COUNT(*) FROM dbo.t WHERE x = 300;'), [0]);
  });

  test('a session closed with its transaction open rolls it back and lets the catalog go', async () => {
    const leaving = await bed.connect();
    await leaving.ok(SCENARIO('leaver', 'leaver_user', 400));
    await leaving.inner.close();
    // Another session changes the catalog at once: the lock went with the session.
    await admin.ok("CREATE LOGIN after_leaving WITH PASSWORD = 'Tx-pa55word!';");
    assert.deepEqual(await traces(admin, 'leaver', 'leaver_user', 400), [0, 0, 0, 0]);
    assert.ok(await loginFails('leaver'));
  });
});

test('a transaction that committed in the storage but not in the catalog file is taken from the storage when the instance opens', async () => {
  const catalogFile = join(bed.folder, 'catalog.json');
  const before = join(bed.folder, 'catalog.before.json');
  copyFileSync(catalogFile, before);
  await admin.ok(`${SCENARIO('recovered', 'recovered_user', 500)}\nCOMMIT;`);
  await bed.close();
  // As if the process died between the storage's COMMIT and the catalog file's replacement.
  copyFileSync(before, catalogFile);

  await bed.open({ fresh: false });
  admin = await bed.connect();
  assert.deepEqual(await traces(admin, 'recovered', 'recovered_user', 500), [1, 1, 1, 1]);
  const recovered = await bed.connect({ name: 'recovered', password: 'Tx-pa55word!' });
  assert.deepEqual((await recovered.ok('USE txdb; SELECT COUNT(*) FROM dbo.t WHERE x = 500;')).column(), [1]);
});
