// The permission model end to end: T-SQL in, SQL Server's errors out. Each case runs as a login
// of its own (the daemon's run-as-login, i.e. EXECUTE AS LOGIN by sysadmin) so cases don't lean
// on each other's grants. The security core's own matrix is in test/unit/security; these check
// that the executor asks it for every statement, on the right securable, in the right database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENABLE_SCRIPTS, EngineBed, type Ran, type Session } from './engineBed';

const bed = new EngineBed('perm');
let admin: Session;
let counter = 0;

before(async () => {
  await bed.open();
  admin = await bed.connect();
  await admin.ok(`CREATE DATABASE secdb;
GO
USE secdb;
CREATE TABLE dbo.facts (id int, v float);
INSERT INTO dbo.facts VALUES (1, 1.5), (2, 2.5);
CREATE TABLE dbo.secrets (id int, s nvarchar(20));
INSERT INTO dbo.secrets VALUES (1, N'hidden');
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id int);
INSERT INTO sales.orders VALUES (7);
CREATE ROLE analysts;
GO
CREATE PROCEDURE dbo.read_facts AS SELECT COUNT(*) AS n FROM dbo.facts;
GO
CREATE PROCEDURE dbo.read_facts_dynamically AS EXEC ('SELECT COUNT(*) AS n FROM dbo.facts');`);
});

after(async () => {
  await bed.remove();
});

/** A new login with a user in secdb (unless told otherwise), and a way to run T-SQL as it there. */
async function principal(options: { user?: boolean } = {}): Promise<{ name: string; run(sql: string): Promise<Ran> }> {
  const name = `p${++counter}`;
  await admin.ok(`CREATE LOGIN ${name} WITH PASSWORD = 'Pw-${name}-1!';${options.user === false ? '' : `\nUSE secdb; CREATE USER ${name} FOR LOGIN ${name};`}`);
  return { name, run: (sql) => admin.run(sql, { database: options.user === false ? 'master' : 'secdb', asLogin: name }) };
}

/** Runs T-SQL as sysadmin in secdb. */
const dba = (sql: string) => admin.ok(`USE secdb;\n${sql}`);

function refused(ran: Ran, number: number, text?: string): void {
  assert.equal(ran.errors.length, 1, `one error expected, got: ${ran.errors.map((e) => `${e.number} ${e.text}`).join(' | ') || 'none'}`);
  assert.equal(ran.errors[0]!.number, number, ran.errors[0]!.text);
  if (text) assert.equal(ran.errors[0]!.text, text);
}

function allowed(ran: Ran): void {
  assert.deepEqual(ran.errors.map((e) => `${e.number} ${e.text}`), []);
}

const PYTHON_ONE = `EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = pandas.DataFrame({"x": [1]})' WITH RESULT SETS ((x int));`;
const R_ONE = `EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(x = 1L)' WITH RESULT SETS ((x int));`;

describe('external scripts', () => {
  test('39023 while the instance switch is off, for sysadmin too; sp_configure alone does not turn it on', async () => {
    refused(await admin.run(`USE secdb; ${PYTHON_ONE}`), 39023, "'sp_execute_external_script' is disabled on this instance of SQL Server. Use sp_configure 'external scripts enabled' to enable it.");
    await admin.ok("EXEC sp_configure 'external scripts enabled', 1;");
    refused(await admin.run(`USE secdb; ${PYTHON_ONE}`), 39023);
    await admin.ok('RECONFIGURE;');
    allowed(await admin.run(`USE secdb; ${PYTHON_ONE}`));
  });

  test('297 without EXECUTE ANY EXTERNAL SCRIPT, with SQL Server\'s state and procedure', async () => {
    await admin.ok(ENABLE_SCRIPTS);
    const p = await principal();
    const ran = await p.run(PYTHON_ONE);
    refused(ran, 297, 'The user does not have permission to perform this action.');
    assert.equal(ran.errors[0]!.state, 101);
    assert.equal(ran.errors[0]!.procedure, 'sp_execute_external_script');
    assert.equal(ran.errors[0]!.procedureLine, 1);
  });

  test('EXECUTE ANY EXTERNAL SCRIPT through a role allows both languages', async () => {
    const p = await principal();
    await dba(`CREATE ROLE scripters; GRANT EXECUTE ANY EXTERNAL SCRIPT TO scripters; ALTER ROLE scripters ADD MEMBER ${p.name};`);
    allowed(await p.run(PYTHON_ONE));
    allowed(await p.run(R_ONE));
  });

  test('the per-language permission allows that language only', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::Python TO ${p.name};`);
    allowed(await p.run(PYTHON_ONE));
    refused(await p.run(R_ONE), 297);
  });

  test('DENY on one language wins over EXECUTE ANY EXTERNAL SCRIPT', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ANY EXTERNAL SCRIPT TO ${p.name}; DENY EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::Python TO ${p.name};`);
    refused(await p.run(PYTHON_ONE), 297);
    allowed(await p.run(R_ONE));
  });

  test('DENY EXECUTE ANY EXTERNAL SCRIPT wins over a per-language GRANT', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::R TO ${p.name}; DENY EXECUTE ANY EXTERNAL SCRIPT TO ${p.name};`);
    refused(await p.run(R_ONE), 297);
  });

  test('@input_data_1 runs as the caller: a table the caller may not read fails with 229', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ANY EXTERNAL SCRIPT TO ${p.name}; GRANT SELECT ON dbo.facts TO ${p.name};`);
    const call = (table: string) =>
      `EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT id FROM dbo.${table}' WITH RESULT SETS ((id int));`;
    const readable = await p.run(call('facts'));
    allowed(readable);
    assert.deepEqual(readable.column(), [1, 2]);
    refused(await p.run(call('secrets')), 229, "The SELECT permission was denied on the object 'secrets', database 'secdb', schema 'dbo'.");
  });

  test('database owners run scripts without a grant', async () => {
    const p = await principal();
    await dba(`ALTER ROLE db_owner ADD MEMBER ${p.name};`);
    allowed(await p.run(PYTHON_ONE));
  });

  test('a login without access to the database gets 916 from the script call', async () => {
    const p = await principal({ user: false });
    refused(await p.run(`USE secdb;`), 916, `The server principal "${p.name}" is not able to access the database "secdb" under the current security context.`);
  });
});

describe('objects, schemas, roles', () => {
  test('SELECT without a grant: 229 with the object, database and schema', async () => {
    const p = await principal();
    refused(await p.run('SELECT * FROM dbo.facts;'), 229, "The SELECT permission was denied on the object 'facts', database 'secdb', schema 'dbo'.");
  });

  test('GRANT SELECT on the table, then REVOKE it', async () => {
    const p = await principal();
    await dba(`GRANT SELECT ON dbo.facts TO ${p.name};`);
    assert.deepEqual((await p.run('SELECT id FROM facts ORDER BY id;')).column(), [1, 2]);
    await dba(`REVOKE SELECT ON OBJECT::dbo.facts FROM ${p.name};`);
    refused(await p.run('SELECT id FROM dbo.facts;'), 229);
  });

  test('WITH ... UPDATE and WITH ... DELETE need SELECT on what their CTEs read, besides the write on the target', async () => {
    const p = await principal();
    await dba(`GRANT SELECT, UPDATE, DELETE ON dbo.facts TO ${p.name};`);
    refused(await p.run('WITH s AS (SELECT id FROM dbo.secrets) UPDATE dbo.facts SET v = 0 WHERE id IN (SELECT id FROM s);'), 229, "The SELECT permission was denied on the object 'secrets', database 'secdb', schema 'dbo'.");
    refused(await p.run('WITH s AS (SELECT id FROM dbo.secrets) DELETE FROM dbo.facts WHERE id IN (SELECT id FROM s);'), 229, "The SELECT permission was denied on the object 'secrets', database 'secdb', schema 'dbo'.");
    // A CTE named like a table it hides is no table read.
    allowed(await p.run('WITH secrets AS (SELECT 3 AS id) UPDATE dbo.facts SET v = v WHERE id IN (SELECT id FROM secrets);'));
    assert.deepEqual((await dba('SELECT COUNT(*) FROM dbo.facts;')).resultSets[0]!.rows, [[2]]);
  });

  test('DENY on the schema wins over GRANT on the table', async () => {
    const p = await principal();
    await dba(`GRANT SELECT ON dbo.facts TO ${p.name}; DENY SELECT ON SCHEMA::dbo TO ${p.name};`);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
  });

  test('DENY to a role wins over GRANT to its member', async () => {
    const p = await principal();
    await dba(`CREATE ROLE blocked_${p.name}; DENY SELECT ON dbo.facts TO blocked_${p.name}; ALTER ROLE blocked_${p.name} ADD MEMBER ${p.name}; GRANT SELECT ON dbo.facts TO ${p.name};`);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
  });

  test('REVOKE of a DENY restores the GRANT', async () => {
    const p = await principal();
    await dba(`GRANT SELECT ON dbo.facts TO ${p.name}; DENY SELECT ON dbo.facts TO ${p.name};`);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
    await dba(`REVOKE SELECT ON dbo.facts FROM ${p.name}; GRANT SELECT ON dbo.facts TO ${p.name};`);
    allowed(await p.run('SELECT * FROM dbo.facts;'));
  });

  test('a schema grant through a role, lost when the member is dropped from the role', async () => {
    const p = await principal();
    await dba(`GRANT SELECT ON SCHEMA::sales TO analysts; ALTER ROLE analysts ADD MEMBER ${p.name};`);
    assert.deepEqual((await p.run('SELECT id FROM sales.orders;')).column(), [7]);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
    await dba(`ALTER ROLE analysts DROP MEMBER ${p.name};`);
    refused(await p.run('SELECT id FROM sales.orders;'), 229);
  });

  test('db_datareader (sp_addrolemember) reads everything and writes nothing', async () => {
    const p = await principal();
    await dba(`EXEC sp_addrolemember 'db_datareader', '${p.name}';`);
    allowed(await p.run('SELECT * FROM dbo.secrets; SELECT * FROM sales.orders;'));
    refused(await p.run('INSERT INTO dbo.facts VALUES (3, 3.5);'), 229, "The INSERT permission was denied on the object 'facts', database 'secdb', schema 'dbo'.");
  });

  test('db_datawriter inserts; UPDATE with a WHERE clause also needs SELECT', async () => {
    const p = await principal();
    await dba(`EXEC sp_addrolemember 'db_datawriter', '${p.name}';`);
    allowed(await p.run('INSERT INTO dbo.secrets VALUES (9, N\'w\');'));
    refused(await p.run("UPDATE dbo.secrets SET s = N'z' WHERE id = 9;"), 229, "The SELECT permission was denied on the object 'secrets', database 'secdb', schema 'dbo'.");
    allowed(await p.run("UPDATE dbo.secrets SET s = N'z';"));
    await dba('DELETE FROM dbo.secrets WHERE id = 9;');
  });

  test('db_denydatareader wins over db_datareader', async () => {
    const p = await principal();
    await dba(`ALTER ROLE db_datareader ADD MEMBER ${p.name}; ALTER ROLE db_denydatareader ADD MEMBER ${p.name};`);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
  });

  test('CONTROL on a table implies SELECT, INSERT and DELETE on it, and nothing elsewhere', async () => {
    const p = await principal();
    await dba(`CREATE TABLE dbo.scratch_${p.name} (x int); GRANT CONTROL ON OBJECT::dbo.scratch_${p.name} TO ${p.name};`);
    allowed(await p.run(`INSERT INTO dbo.scratch_${p.name} VALUES (1); SELECT * FROM dbo.scratch_${p.name}; DELETE FROM dbo.scratch_${p.name};`));
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
  });

  test('CONTROL on a schema implies reading its tables', async () => {
    const p = await principal();
    await dba(`GRANT CONTROL ON SCHEMA::sales TO ${p.name};`);
    allowed(await p.run('SELECT * FROM sales.orders;'));
  });

  test('SELECT granted on the database covers every table', async () => {
    const p = await principal();
    await dba(`GRANT SELECT TO ${p.name};`);
    allowed(await p.run('SELECT * FROM dbo.secrets; SELECT * FROM sales.orders;'));
  });

  test('a database owner passes a DENY to public', async () => {
    const p = await principal({ user: false });
    await admin.ok(`ALTER SERVER ROLE dbcreator ADD MEMBER ${p.name};`);
    allowed(await admin.run(`CREATE DATABASE owned_${p.name};`, { asLogin: p.name }));
    allowed(await admin.run(`USE owned_${p.name}; CREATE TABLE dbo.t (x int); DENY SELECT ON dbo.t TO public; SELECT * FROM dbo.t;`, { asLogin: p.name }));
  });
});

describe('procedures and ownership chains', () => {
  test('EXECUTE alone lets a caller read through a dbo procedure; reading directly is refused', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ON dbo.read_facts TO ${p.name};`);
    assert.deepEqual((await p.run('EXEC dbo.read_facts;')).column(), [2]);
    refused(await p.run('SELECT * FROM dbo.facts;'), 229);
  });

  test('dynamic SQL inside the procedure breaks the chain', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ON dbo.read_facts_dynamically TO ${p.name};`);
    refused(await p.run('EXEC dbo.read_facts_dynamically;'), 229, "The SELECT permission was denied on the object 'facts', database 'secdb', schema 'dbo'.");
  });

  test('EXEC without EXECUTE: 229 naming the procedure', async () => {
    const p = await principal();
    refused(await p.run('EXEC dbo.read_facts;'), 229, "The EXECUTE permission was denied on the object 'read_facts', database 'secdb', schema 'dbo'.");
  });

  test('DENY EXECUTE on the procedure wins over EXECUTE granted on its schema', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ON SCHEMA::dbo TO ${p.name}; DENY EXECUTE ON OBJECT::dbo.read_facts TO ${p.name};`);
    refused(await p.run('EXEC dbo.read_facts;'), 229);
  });
});

describe('creating and dropping', () => {
  test('CREATE TABLE without the permission: 262', async () => {
    const p = await principal();
    refused(await p.run('CREATE TABLE dbo.nope (x int);'), 262, "CREATE TABLE permission denied in database 'secdb'.");
  });

  test('CREATE TABLE granted but no ALTER on the schema: 2760', async () => {
    const p = await principal();
    await dba(`GRANT CREATE TABLE TO ${p.name};`);
    refused(await p.run('CREATE TABLE dbo.nope (x int);'), 2760, 'The specified schema name "dbo" either does not exist or you do not have permission to use it.');
  });

  test('db_ddladmin creates tables and procedures', async () => {
    const p = await principal();
    await dba(`ALTER ROLE db_ddladmin ADD MEMBER ${p.name};`);
    allowed(await p.run(`CREATE TABLE dbo.made_by_${p.name} (x int);`));
    allowed(await p.run(`CREATE PROCEDURE dbo.proc_by_${p.name} AS SELECT 1;`));
  });

  test('DROP TABLE without permission: 3701, the same as a missing table', async () => {
    const p = await principal();
    refused(await p.run('DROP TABLE dbo.facts;'), 3701, "Cannot drop the table 'dbo.facts', because it does not exist or you do not have permission.");
  });
});

describe('security statements and impersonation', () => {
  test('GRANT without the grant option: 4613; WITH GRANT OPTION lets it be passed on', async () => {
    const giver = await principal();
    const taker = await principal();
    await dba(`GRANT SELECT ON dbo.facts TO ${giver.name};`);
    refused(await giver.run(`GRANT SELECT ON dbo.facts TO ${taker.name};`), 4613, 'Grantor does not have GRANT permission.');
    await dba(`GRANT SELECT ON dbo.facts TO ${giver.name} WITH GRANT OPTION;`);
    allowed(await giver.run(`GRANT SELECT ON dbo.facts TO ${taker.name};`));
    allowed(await taker.run('SELECT * FROM dbo.facts;'));
  });

  test('EXECUTE AS LOGIN without IMPERSONATE: 15406; with it, the other login\'s permissions, until REVERT', async () => {
    const p = await principal();
    const target = await principal();
    await dba(`GRANT SELECT ON dbo.secrets TO ${target.name};`);
    refused(await p.run(`EXECUTE AS LOGIN = '${target.name}';`), 15406);
    await admin.ok(`USE master; GRANT IMPERSONATE ON LOGIN::${target.name} TO ${p.name};`);
    const ran = await p.run(`EXECUTE AS LOGIN = '${target.name}'; SELECT SUSER_SNAME(), ORIGINAL_LOGIN(); SELECT s FROM dbo.secrets; REVERT; SELECT SUSER_SNAME();`);
    allowed(ran);
    assert.deepEqual(ran.resultSets[0]!.rows, [[target.name, bed.engine.instance.options.owner]]);
    assert.deepEqual(ran.resultSets[2]!.rows, [[p.name]]);
  });

  test('EXECUTE AS USER by dbo takes the user\'s permissions and name', async () => {
    const p = await principal();
    const ran = await dba(`EXECUTE AS USER = '${p.name}'; SELECT USER_NAME(); REVERT;`);
    assert.deepEqual(ran.column(), [p.name]);
    const denied = await admin.run(`USE secdb; EXECUTE AS USER = '${p.name}'; SELECT * FROM dbo.facts;`);
    refused(denied, 229);
    await admin.ok('REVERT;');
  });

  test('CREATE LOGIN, sp_configure and RECONFIGURE need server permissions: 15247', async () => {
    const p = await principal();
    refused(await p.run("CREATE LOGIN intruder WITH PASSWORD = 'x-Y-z-123';"), 15247, 'User does not have permission to perform this action.');
    refused(await p.run("EXEC sp_configure 'external scripts enabled', 0;"), 15247);
    refused(await p.run('RECONFIGURE;'), 15247);
    const read = await p.run("EXEC sp_configure 'external scripts enabled';");
    allowed(read);
    assert.deepEqual(read.resultSets[0]!.rows, [['external scripts enabled', 0, 1, 1, 1]]);
  });

  test('resource pools need CONTROL SERVER and DMVs need VIEW SERVER STATE: 300', async () => {
    const p = await principal();
    refused(await p.run('CREATE EXTERNAL RESOURCE POOL mine WITH (MAX_CPU_PERCENT = 50);'), 300, "CONTROL SERVER permission was denied on object 'server', database 'master'.");
    refused(await p.run('SELECT * FROM sys.dm_external_script_requests;'), 300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'.");
    await admin.ok(`USE master; GRANT VIEW SERVER STATE TO ${p.name};`);
    allowed(await p.run('SELECT * FROM sys.dm_external_script_requests;'));
  });

  test('HAS_PERMS_BY_NAME and fn_my_permissions follow GRANT and DENY', async () => {
    const p = await principal();
    await dba(`GRANT EXECUTE ANY EXTERNAL SCRIPT TO ${p.name}; DENY SELECT ON dbo.facts TO ${p.name}; GRANT SELECT ON dbo.secrets TO ${p.name};`);
    const ran = await p.run(`SELECT HAS_PERMS_BY_NAME(NULL, 'DATABASE', 'EXECUTE ANY EXTERNAL SCRIPT'), HAS_PERMS_BY_NAME('dbo.facts', 'OBJECT', 'SELECT'), HAS_PERMS_BY_NAME('dbo.secrets', 'OBJECT', 'SELECT');
SELECT permission_name FROM fn_my_permissions(NULL, 'DATABASE') WHERE permission_name LIKE '%EXTERNAL%' ORDER BY permission_name;`);
    allowed(ran);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 0, 1]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [['EXECUTE ANY EXTERNAL SCRIPT']]);
  });

  test('the catalog views show the principals, role members and permissions', async () => {
    const p = await principal();
    await dba(`ALTER ROLE analysts ADD MEMBER ${p.name}; DENY DELETE ON dbo.facts TO ${p.name};`);
    const ran = await dba(`SELECT type_desc FROM sys.server_principals WHERE name = '${p.name}';
SELECT r.name FROM sys.database_role_members m JOIN sys.database_principals r ON r.principal_id = m.role_principal_id JOIN sys.database_principals u ON u.principal_id = m.member_principal_id WHERE u.name = '${p.name}';
SELECT p.permission_name, p.state_desc, OBJECT_NAME(p.major_id) FROM sys.database_permissions p JOIN sys.database_principals u ON u.principal_id = p.grantee_principal_id WHERE u.name = '${p.name}' AND p.class = 1;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [['SQL_LOGIN']]);
    assert.deepEqual(ran.resultSets[1]!.rows, [['analysts']]);
    assert.deepEqual(ran.resultSets[2]!.rows, [['DELETE', 'DENY', 'facts']]);
  });
});
