// The executor with in-memory ports: security statements change the catalog and are durable
// before they report success; sp_execute_external_script checks in SQL Server's order (39023,
// then 916, then 297) before anything runs, builds the launch request from its arguments, and
// binds the loopback to the caller with implied authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutorSession } from '../../../../server/src/core/engine/executor';
import { connectWithSqlLogin } from '../../../../server/src/core/security';
import { findLogin } from '../../../../server/src/core/security/lookup';
import { fixture, type Fixture } from './fakes';

async function loginSession(f: Fixture, name: string): Promise<ExecutorSession> {
  const connected = connectWithSqlLogin(f.instance.catalog, name, true);
  if (!connected.ok) throw new Error(connected.error.text);
  return ExecutorSession.open(f.instance, connected.value);
}

test('CREATE LOGIN stores a hashed password and is saved before the statement ends', async () => {
  const f = await fixture();
  const ran = await f.run(f.admin, "CREATE LOGIN bob WITH PASSWORD = 'secret-1', DEFAULT_DATABASE = master;");
  assert.deepEqual(ran.errors, []);
  const saved = f.store.saved[f.store.saved.length - 1]!;
  const login = findLogin(saved.security, 'bob');
  assert.equal(login?.passwordHash, 'hashed:secret-1');
  assert.equal(login?.type, 'S');
});

test('CREATE LOGIN FROM OS: users, groups and the worker group are found; anything else is Msg 15401', async () => {
  const f = await fixture();
  const ran = await f.run(f.admin, 'CREATE LOGIN alice FROM OS;\nCREATE LOGIN analysts FROM OS;\nCREATE LOGIN sqlmlusers FROM WINDOWS;\nCREATE LOGIN ghost FROM OS;');
  assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [[15401, 3, "Windows NT user or group 'ghost' not found. Check the name again."]]);
  assert.deepEqual(['alice', 'analysts', 'sqlmlusers'].map((n) => findLogin(f.instance.catalog, n)?.type), ['U', 'G', 'G']);
});

test('EXECUTE AS LOGIN and REVERT move the session\'s context; ORIGINAL_LOGIN stays', async () => {
  const f = await fixture();
  await f.run(f.admin, "CREATE LOGIN carol WITH PASSWORD = 'pw';");
  await f.run(f.admin, "EXECUTE AS LOGIN = 'carol';");
  assert.equal(f.admin.loginName, 'carol');
  assert.equal(f.admin.security.originalLogin, 'owner');
  await f.run(f.admin, 'REVERT;');
  assert.equal(f.admin.loginName, 'owner');
});

test('sp_configure changes config_value with SQL Server\'s notice; RECONFIGURE puts it in use', async () => {
  const f = await fixture();
  const ran = await f.run(f.admin, "EXEC sp_configure 'external scripts', 1;");
  assert.deepEqual(ran.errors, []);
  assert.equal(ran.batches[0]!.messages[0]!.text, "Configuration option 'external scripts enabled' changed from 0 to 1. Run the RECONFIGURE statement to install.");
  assert.equal(ran.batches[0]!.messages[0]!.number, 15457);
  assert.deepEqual(f.instance.document.configuration['external scripts enabled'], { value: 1, valueInUse: 0 });
  await f.run(f.admin, 'RECONFIGURE;');
  assert.deepEqual(f.instance.document.configuration['external scripts enabled'], { value: 1, valueInUse: 1 });
  const wrong = await f.run(f.admin, "EXEC sp_configure 'external scripts enabled', 2;\nEXEC sp_configure 'max degree of parallelism', 1;");
  assert.deepEqual(wrong.errors.map((e) => e.number), [15129, 15123]);
});

const CALL = `EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',
  @input_data_1_name = N'df', @output_data_1_name = N'out', @input_data_1_partition_by_columns = N'a, b',
  @params = N'@n int, @label nvarchar(10) OUTPUT', @n = 5, @label = N'x';`;

test('sp_execute_external_script: 39023 before anything, for anyone; then 297 for a user without the permission', async () => {
  const f = await fixture();
  await f.run(f.admin, "CREATE LOGIN dave WITH PASSWORD = 'pw'; CREATE USER dave FOR LOGIN dave;");
  const dave = await loginSession(f, 'dave');
  const disabled = await f.run(dave, CALL);
  assert.deepEqual(disabled.errors.map((e) => [e.number, e.state, e.procedure, e.procedureLine]), [[39023, 1, 'sp_execute_external_script', 1]]);
  await f.run(f.admin, "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;");
  const refused = await f.run(dave, CALL);
  assert.deepEqual(refused.errors.map((e) => [e.number, e.state]), [[297, 101]]);
  assert.equal(f.scripts.requests.length, 0, 'nothing was launched');
});

test('sp_execute_external_script: a login without access to the database gets 916 before 297', async () => {
  const f = await fixture();
  await f.run(f.admin, "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE; CREATE DATABASE other; CREATE LOGIN erin WITH PASSWORD = 'pw';");
  const erin = await loginSession(f, 'erin');
  erin.useDatabase('other');
  const ran = await f.run(erin, CALL);
  assert.deepEqual(ran.errors.map((e) => e.number), [916]);
});

test('sp_execute_external_script builds the launch request from its arguments, for the caller', async () => {
  const f = await fixture();
  await f.run(f.admin, "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;");
  const ran = await f.run(f.admin, CALL);
  assert.deepEqual(ran.errors, []);
  const { request } = f.scripts.requests[0]!;
  assert.equal(request.caller, 'owner');
  assert.equal(request.database, 'master');
  assert.equal(request.language, 'Python');
  assert.equal(request.inputName, 'df');
  assert.equal(request.outputName, 'out');
  assert.deepEqual(request.partitionBy, ['a', 'b']);
  assert.deepEqual(request.params, [
    { name: '@n', type: 'int', value: 5, output: false },
    { name: '@label', type: 'nvarchar(10)', value: 'x', output: true },
  ]);
  assert.equal(ran.sessions[0]!.id, 'S1');
});

test('the loopback of a call refuses a worker without a login for its group (18456) and accepts it with one', async () => {
  const f = await fixture();
  await f.run(f.admin, "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;");
  await f.run(f.admin, CALL);
  const { loopback } = f.scripts.requests[0]!.options;
  const worker = { name: 'sqlml03', group: 'sqlmlusers' };
  assert.deepEqual(await loopback.query("PRINT 'x'", worker), { error: { number: 18456, severity: 14, state: 1, text: "Login failed for user 'sqlml03'." } });
  await f.run(f.admin, 'CREATE LOGIN sqlmlusers FROM OS;');
  assert.deepEqual(await loopback.query("PRINT 'x'", worker), { columns: [], rows: [] });
});

test('GRANT and DENY through the executor land in the catalog; a refusal names SQL Server\'s error', async () => {
  const f = await fixture();
  await f.run(f.admin, "CREATE LOGIN fay WITH PASSWORD = 'pw'; CREATE USER fay FOR LOGIN fay; GRANT EXECUTE ANY EXTERNAL SCRIPT TO fay;");
  const rows = f.instance.catalog.databases[0]!.permissions.filter((p) => p.permission === 'EXECUTE ANY EXTERNAL SCRIPT');
  assert.deepEqual(rows.map((r) => r.state), ['G']);
  const fay = await loginSession(f, 'fay');
  const ran = await f.run(fay, 'GRANT EXECUTE ANY EXTERNAL SCRIPT TO guest;');
  assert.deepEqual(ran.errors.map((e) => e.number), [4613]);
});
