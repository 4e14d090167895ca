// Metadata visibility through SQL on a real engine: a login without rights sees only its own rows
// and what it has a permission on in each catalog view; VIEW DEFINITION, VIEW ANY DEFINITION and
// VIEW SERVER STATE widen that.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, OWNER, type Session } from './engineBed';

const bed = new EngineBed('visibility');
let admin: Session;
let nora: Session;

before(async () => {
  await bed.open();
  admin = await bed.connect();
  await admin.ok(`CREATE LOGIN nora WITH PASSWORD = 'Nora-Pa55';
CREATE LOGIN other WITH PASSWORD = 'Other-Pa55';
CREATE DATABASE vis;
GO
USE vis;
CREATE TABLE dbo.secret (id int, salary int);
CREATE TABLE dbo.shown (id int, label nvarchar(20));
CREATE USER nora FOR LOGIN nora;
CREATE USER other FOR LOGIN other;
CREATE ROLE auditors;
GRANT SELECT ON dbo.secret TO other;
GRANT SELECT ON dbo.shown TO nora;`);
  nora = await bed.connect({ name: 'nora', password: 'Nora-Pa55' });
});

after(() => bed.remove());

/** The first column of a query's rows, as nora, in vis. */
async function noraSees(sql: string): Promise<unknown[]> {
  return (await nora.ok(`USE vis; ${sql}`)).column();
}

test('#47 a login without rights sees only its own and the built-in principals, and the objects it may use', async () => {
  const logins = await noraSees('SELECT name FROM sys.server_principals;');
  assert.ok(logins.includes('nora') && logins.includes('sa') && logins.includes('sysadmin') && logins.includes('public'), logins.join());
  assert.ok(!logins.includes('other') && !logins.includes(OWNER), logins.join());
  assert.deepEqual(await noraSees('SELECT name FROM sys.tables ORDER BY name;'), ['shown']);
  assert.deepEqual(await noraSees("SELECT name FROM sys.objects WHERE type = 'U';"), ['shown']);
  assert.deepEqual(await noraSees('SELECT name FROM sys.columns ORDER BY column_id;'), ['id', 'label']);
  const users = await noraSees('SELECT name FROM sys.database_principals;');
  assert.ok(users.includes('nora') && users.includes('dbo') && users.includes('db_owner'), users.join());
  assert.ok(!users.includes('other') && !users.includes('auditors'), users.join());
  assert.deepEqual(await noraSees('SELECT DISTINCT USER_NAME(grantee_principal_id) FROM sys.database_permissions ORDER BY 1;'), ['nora']);
  const othersRows = "SELECT COUNT(*) FROM sys.server_permissions WHERE grantee_principal_id NOT IN (SELECT principal_id FROM sys.server_principals WHERE name IN ('nora', 'public'));";
  assert.deepEqual(await noraSees(othersRows), [0], "nora sees no other login's server permissions");
  assert.ok(Number((await admin.ok(othersRows)).column()[0]) > 0, 'while there are some');
  assert.deepEqual(await noraSees("SELECT LOGINPROPERTY('other', 'IsLocked'), LOGINPROPERTY('nora', 'IsLocked');"), [null]);
  // The metadata functions do not tell what nora may not see either.
  const secretId = (await admin.ok("USE vis; SELECT OBJECT_ID('dbo.secret');")).column()[0];
  assert.equal(typeof secretId, 'number');
  const probed = (await nora.ok(`USE vis; SELECT OBJECT_ID('dbo.secret'), OBJECT_NAME(${String(secretId)}), COL_LENGTH('dbo.secret', 'salary'), COL_NAME(${String(secretId)}, 1), OBJECT_ID('dbo.shown');`)).resultSets[0]!.rows[0]!;
  assert.deepEqual(probed.slice(0, 4), [null, null, null, null]);
  assert.equal(typeof probed[4], 'number', 'what nora may use is found');
  assert.deepEqual((await nora.ok("SELECT LOGINPROPERTY('nora', 'IsLocked');")).column(), ['0']);
  assert.deepEqual(await admin.errorNumbers('USE vis; SELECT COUNT(*) FROM sys.tables;'), []);
  assert.deepEqual((await admin.ok('USE vis; SELECT COUNT(*) FROM sys.tables;')).column(), [2], 'sysadmin sees both tables');
});

test('VIEW DEFINITION on the database shows its objects, principals and permissions', async () => {
  await admin.ok('USE vis; GRANT VIEW DEFINITION TO nora;');
  assert.deepEqual(await noraSees('SELECT name FROM sys.tables ORDER BY name;'), ['secret', 'shown']);
  const users = await noraSees('SELECT name FROM sys.database_principals;');
  assert.ok(users.includes('other') && users.includes('auditors'), users.join());
  assert.deepEqual(await noraSees('SELECT DISTINCT USER_NAME(grantee_principal_id) FROM sys.database_permissions WHERE permission_name = \'SELECT\' ORDER BY 1;'), ['nora', 'other']);
  assert.deepEqual(await nora.errorNumbers('USE vis; SELECT * FROM dbo.secret;'), [229], 'seeing a table is not reading it');
  const logins = await noraSees('SELECT name FROM sys.server_principals;');
  assert.ok(!logins.includes('other'), 'a database permission does not show logins');
});

test('VIEW ANY DEFINITION shows every login; VIEW SERVER STATE opens the DMVs', async () => {
  assert.deepEqual(await nora.errorNumbers('SELECT * FROM sys.dm_external_script_requests;'), [300]);
  assert.equal(nora.inner.viewsServerState(), false);
  await admin.ok('USE master; GRANT VIEW ANY DEFINITION TO nora; GRANT VIEW SERVER STATE TO nora;');
  const logins = await noraSees('SELECT name FROM sys.server_principals;');
  assert.ok(logins.includes('other') && logins.includes(OWNER), logins.join());
  assert.equal((await noraSees("SELECT LOGINPROPERTY('other', 'IsLocked');"))[0], '0');
  assert.deepEqual(await nora.errorNumbers('SELECT * FROM sys.dm_external_script_requests;'), []);
  assert.equal(nora.inner.viewsServerState(), true, "the daemon's Sessions and Pools views show her everyone's");
});
