// The monitoring DMVs, Resource Governor and the binary data exchange through the engine with the
// real launcher and real Python and R, each held to SQL Server's documented answer:
// sys.dm_exec_sessions / sys.dm_exec_requests (every session with VIEW SERVER STATE, one's own
// without), the External Scripts performance counters counting real calls, the host's facts;
// workload groups with an external pool and a classifier function that really routes one login's
// scripts into a pool with other limits (its cgroup, and the DMVs, show it); an R raw vector and
// Python bytes returned as varbinary(max); Microsoft's proprietary packages refused by name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ENABLE_SCRIPTS, EngineBed, type Session } from './engineBed';

const bed = new EngineBed('monitoring');
let admin: Session;
let alice: Session;
const ALICE = { name: 'alice', password: 'Alice!Passw0rd' };

before(async () => {
  await bed.open();
  admin = await bed.connect();
  await admin.ok(`${ENABLE_SCRIPTS}
CREATE LOGIN alice WITH PASSWORD = '${ALICE.password}';
CREATE DATABASE mon;
GO
USE mon;
CREATE USER alice FOR LOGIN alice;
GRANT EXECUTE ANY EXTERNAL SCRIPT TO alice;`);
});

after(async () => {
  await bed.remove();
});

/** Polls `read` until `done` holds of its answer (a script is starting in another session). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt === 200) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const counters = async () =>
  new Map((await admin.ok(`SELECT RTRIM(counter_name), cntr_value FROM sys.dm_os_performance_counters WHERE object_name LIKE '%External Scripts%';`)).resultSets[0]!.rows.map((r) => [r[0] as string, Number(r[1])]));

describe('DMVs', () => {
  test('sys.dm_exec_sessions: every session with VIEW SERVER STATE, only its own without; sys.dm_exec_requests shows the running request', async () => {
    const own = await bed.connect(ALICE);
    alice = own;
    const all = await admin.ok('SELECT session_id, login_name, status, database_id FROM sys.dm_exec_sessions ORDER BY session_id;');
    const rows = all.resultSets[0]!.rows;
    assert.ok(rows.some((r) => r[1] === 'alice' && r[2] === 'sleeping'), 'the other session is listed, idle');
    const mine = rows.find((r) => r[2] === 'running')!;
    assert.notEqual(mine[1], 'alice');

    const seen = await alice.ok('SELECT login_name, original_login_name FROM sys.dm_exec_sessions;');
    assert.deepEqual(seen.resultSets[0]!.rows, [['alice', 'alice']]);
    const request = await alice.ok('SELECT r.session_id, r.status, r.command FROM sys.dm_exec_requests AS r WHERE r.session_id = @@SPID;');
    assert.deepEqual(request.resultSets[0]!.rows.map((r) => [r[1], r[2]]), [['running', 'SELECT']]);
  });

  test('the server-state DMVs refuse a login without VIEW SERVER STATE (Msg 300)', async () => {
    const ran = await alice.run('SELECT * FROM sys.dm_os_performance_counters;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'."]]);
  });

  test('the External Scripts counters count real calls: total, parallel, streaming, time; R and Python errors are not execution errors', async () => {
    const names = ['Total Executions', 'Parallel Executions', 'Streaming Executions', 'SQL CC Executions', 'Implied Auth. Logins', 'Total Execution Time (ms)', 'Execution Errors'];
    const before = await counters();
    assert.deepEqual([...before.keys()].sort(), [...names].sort());
    await admin.ok(`USE mon;
EXEC sp_execute_external_script @language = N'Python', @script = N'import time; time.sleep(0.2)';
EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- InputDataSet', @input_data_1 = N'SELECT 1 AS x', @parallel = 1 WITH RESULT SETS ((x int));
EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT 1 AS x',
  @params = N'@r_rowsPerRead int', @r_rowsPerRead = 10 WITH RESULT SETS ((x int));`);
    await admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'raise ValueError(1)';`);
    const after = await counters();
    const delta = (name: string) => after.get(name)! - before.get(name)!;
    assert.equal(delta('Total Executions'), 4);
    assert.equal(delta('Parallel Executions'), 1);
    assert.equal(delta('Streaming Executions'), 1);
    assert.equal(delta('Execution Errors'), 0);
    assert.ok(delta('Total Execution Time (ms)') >= 200, `the sleeping script's time is counted (${delta('Total Execution Time (ms)')} ms)`);
  });

  test('sys.dm_os_sys_info reports the host; sys.dm_external_script_execution_stats counts only RevoScaleR functions (none here)', async () => {
    const info = await admin.ok('SELECT cpu_count, physical_memory_kb, sqlserver_start_time, committed_kb, committed_target_kb FROM sys.dm_os_sys_info;');
    const [cpus, memory, started, committed, target] = info.resultSets[0]!.rows[0]!;
    assert.equal(cpus, availableParallelism());
    assert.ok(Number(memory) > 0);
    // What this process holds (the bed's engine runs in the test's own process).
    assert.ok(Number(committed) > 10_000 && Number(committed) < Number(memory), `committed_kb ${String(committed)}`);
    assert.equal(target, memory);
    assert.ok(started !== null);
    const stats = await admin.ok('SELECT language, counter_name, counter_value FROM sys.dm_external_script_execution_stats;');
    assert.deepEqual(stats.resultSets[0]!.rows, []);
    const registry = await admin.ok(`SELECT COALESCE((SELECT CAST(r.value_data AS INT) FROM sys.dm_server_registry AS r
  WHERE r.registry_key LIKE 'HKLM\\Software\\Microsoft\\Microsoft SQL Server\\%\\SuperSocketNetLib\\Tcp' AND r.value_name = 'Enabled'), -1);`);
    assert.deepEqual(registry.column(), [0], 'the bed runs no TDS endpoint: TCP is not enabled');
  });
});

describe('Resource Governor', () => {
  test('pools and workload groups get user ids from 256; the catalog views show the group with its external pool', async () => {
    await admin.ok(`CREATE EXTERNAL RESOURCE POOL ep_small WITH (MAX_CPU_PERCENT = 50, MAX_MEMORY_PERCENT = 10, MAX_PROCESSES = 40);
CREATE RESOURCE POOL rp_small WITH (MAX_CPU_PERCENT = 30);
CREATE WORKLOAD GROUP wg_small WITH (IMPORTANCE = LOW) USING rp_small, EXTERNAL ep_small;`);
    const groups = await admin.ok(`SELECT g.name, g.importance, g.pool_id, p.name, g.external_pool_id, e.name
FROM sys.resource_governor_workload_groups AS g
JOIN sys.resource_governor_resource_pools AS p ON p.pool_id = g.pool_id
JOIN sys.resource_governor_external_resource_pools AS e ON e.external_pool_id = g.external_pool_id
ORDER BY g.group_id;`);
    assert.deepEqual(groups.resultSets[0]!.rows, [
      ['internal', 'MEDIUM', 1, 'internal', 2, 'default'],
      ['default', 'MEDIUM', 2, 'default', 2, 'default'],
      ['wg_small', 'LOW', 256, 'rp_small', 256, 'ep_small'],
    ]);
    const refused = await admin.run('DROP EXTERNAL RESOURCE POOL ep_small;');
    assert.match(refused.errors[0]!.text, /workload group 'wg_small' uses it/);
    assert.deepEqual((await admin.ok('SELECT * FROM sys.resource_governor_external_resource_pool_affinity;')).resultSets[0]!.rows, []);
  });

  test("a classifier function routes alice's sessions to the group's external pool: her script runs in it, the DMVs show it; DISABLE sends new sessions back to default", async () => {
    await admin.ok(`USE master;
GO
CREATE FUNCTION dbo.route_logins() RETURNS sysname WITH SCHEMABINDING AS
BEGIN
  DECLARE @group sysname = N'default';
  IF SUSER_SNAME() = N'alice' SET @group = N'wg_small';
  RETURN @group;
END
GO
ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = dbo.route_logins);
ALTER RESOURCE GOVERNOR RECONFIGURE;`);
    const configuration = await admin.ok('SELECT classifier_function_id, is_enabled FROM sys.resource_governor_configuration;');
    assert.notEqual(configuration.resultSets[0]!.rows[0]![0], 0);
    assert.equal(configuration.resultSets[0]!.rows[0]![1], true);

    // Classification happens at login: a new session of alice's.
    const routed = await bed.connect(ALICE);
    const group = await routed.ok('SELECT group_id FROM sys.dm_exec_sessions;');
    assert.deepEqual(group.column(), [256], 'wg_small');

    const where = `import time
print([line.split(":")[2] for line in open("/proc/self/cgroup") if ":pids:" in line or ":memory:" in line][0])
time.sleep(2)`;
    const running = routed.run(`USE mon; EXEC sp_execute_external_script @language = N'Python', @script = N'${where}';`);
    const seen = await until(
      () =>
        admin.ok(`SELECT s.login_name, g.name, e.name, r.external_script_request_id
FROM sys.dm_exec_requests AS r
JOIN sys.dm_exec_sessions AS s ON s.session_id = r.session_id
JOIN sys.resource_governor_workload_groups AS g ON g.group_id = s.group_id
JOIN sys.resource_governor_external_resource_pools AS e ON e.external_pool_id = g.external_pool_id
WHERE s.login_name = N'alice';
SELECT name, active_processes_count FROM sys.dm_resource_governor_external_resource_pools ORDER BY external_pool_id;`),
      (ran) => ran.resultSets[0]!.rows.some((r) => r[3] !== null),
    );
    const [login, groupName, pool, requestId] = seen.resultSets[0]!.rows[0]!;
    assert.deepEqual([login, groupName, pool], ['alice', 'wg_small', 'ep_small']);
    assert.match(String(requestId), /^[0-9A-F-]{36}$/i);
    assert.deepEqual(seen.resultSets[1]!.rows, [['default', 0], ['ep_small', 1]]);
    const done = await running;
    assert.deepEqual(done.errors, []);
    const cgroupOf = (ran: typeof done) => ran.messages.map((m) => m.text).join('\n');
    // The pool's own counters, from its cgroup: the script above ran in it.
    const usage = await admin.ok("SELECT statistics_start_time, peak_memory_kb, total_cpu_user_ms, total_cpu_kernel_ms FROM sys.dm_resource_governor_external_resource_pools WHERE name = N'ep_small';");
    const [since, peakKb, userMs, kernelMs] = usage.resultSets[0]!.rows[0]!;
    assert.ok(since instanceof Date || typeof since === 'string', 'statistics start when the launcher made the pool');
    const adminRun = await admin.ok(`USE mon; EXEC sp_execute_external_script @language = N'Python', @script = N'${where.replace('time.sleep(2)', '')}';`);
    if (existsSync('/sys/fs/cgroup/pids') || existsSync('/sys/fs/cgroup/cgroup.controllers')) {
      assert.match(cgroupOf(done), /\/ep_small\/[0-9A-F-]{36}/, "alice's script runs in the cgroup of pool ep_small");
      assert.match(cgroupOf(adminRun), /\/default\/[0-9A-F-]{36}/, "the administrator's script stays in the default pool's");
      assert.ok(Number(peakKb) > 1000, `a Python session peaked at ${String(peakKb)} KB in the pool`);
      assert.ok(Number(userMs) + Number(kernelMs) > 0, `the pool used ${String(userMs)} + ${String(kernelMs)} ms of CPU`);
    }

    await admin.ok('ALTER RESOURCE GOVERNOR DISABLE;');
    const after = await bed.connect(ALICE);
    const back = await after.ok('SELECT group_id FROM sys.dm_exec_sessions;');
    assert.deepEqual(back.column(), [2]);
    const disabled = await admin.ok('SELECT is_enabled FROM sys.resource_governor_configuration;');
    assert.deepEqual(disabled.column(), [false]);
  });

  test("sys.configurations has the memory options the monitoring article reads, advanced for sp_configure as in SQL Server", async () => {
    const memory = await admin.ok("SELECT name, value_in_use, minimum, maximum, is_advanced FROM sys.configurations WHERE name LIKE N'%server memory%' ORDER BY configuration_id;");
    assert.deepEqual(memory.resultSets[0]!.rows, [
      ['min server memory (MB)', 0, 0, 2147483647, true],
      ['max server memory (MB)', 2147483647, 128, 2147483647, true],
    ]);
    // Two options contain 'server memory': sp_configure refuses to guess.
    assert.equal((await admin.run("EXEC sp_configure 'show advanced options', 1; RECONFIGURE; EXEC sp_configure 'server memory';")).errors[0]?.number, 15124);
  });

  test('the client says who it is at login: APP_NAME(), PROGRAM_NAME(), HOST_NAME() and sys.dm_exec_sessions answer from it, and a classifier routes by program_name() as the external-pool article does', async () => {
    const rstudio = { programName: 'RStudio', hostName: 'analyst-pc', interfaceName: 'ODBC', processId: 4242 };
    const described = await bed.connect(ALICE, rstudio);
    const said = await described.ok(`SELECT APP_NAME(), PROGRAM_NAME(), HOST_NAME();
SELECT program_name, host_name, client_interface_name, host_process_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID;`);
    assert.deepEqual(said.resultSets[0]!.rows, [['RStudio', 'RStudio', 'analyst-pc']]);
    assert.deepEqual(said.resultSets[1]!.rows, [['RStudio', 'analyst-pc', 'ODBC', 4242]]);

    await admin.ok(`USE master;
GO
CREATE FUNCTION dbo.is_ds_apps() RETURNS sysname WITH SCHEMABINDING AS
BEGIN
  IF program_name() IN ('Microsoft R Host', 'RStudio') RETURN 'wg_small';
  RETURN 'default';
END
GO
ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = dbo.is_ds_apps);
ALTER RESOURCE GOVERNOR RECONFIGURE;`);
    try {
      const fromRStudio = await bed.connect(ALICE, rstudio);
      assert.deepEqual((await fromRStudio.ok('SELECT group_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID;')).column(), [256], 'RStudio goes to wg_small');
      const fromElsewhere = await bed.connect(ALICE, { ...rstudio, programName: 'sqlcmd' });
      assert.deepEqual((await fromElsewhere.ok('SELECT group_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID;')).column(), [2], 'any other program stays in default');
    } finally {
      await admin.ok('ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = NULL); ALTER RESOURCE GOVERNOR RECONFIGURE; USE master; DROP FUNCTION dbo.is_ds_apps;');
    }
  });

  test('ALTER RESOURCE GOVERNOR needs CONTROL SERVER and no transaction; the classifier must be a scalar function of master', async () => {
    assert.deepEqual(await alice.errorNumbers('ALTER RESOURCE GOVERNOR RECONFIGURE;'), [300]);
    assert.deepEqual(await admin.errorNumbers('BEGIN TRAN; ALTER RESOURCE GOVERNOR RECONFIGURE; ROLLBACK;'), [574]);
    const missing = await admin.run('ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = dbo.no_such_function);');
    assert.match(missing.errors[0]!.text, /not a scalar user function in master/);
  });
});

describe('binary data exchange', () => {
  test('an R raw column of the output data frame is one varbinary(max) value: a serialized model stored, read back and used', async () => {
    const ran = await admin.ok(`USE mon;
CREATE TABLE dbo.models (name varchar(20), model varbinary(max));
INSERT INTO dbo.models (model) EXEC sp_execute_external_script @language = N'R',
  @script = N'fit <- lm(y ~ x, data.frame(x = 1:4, y = c(2, 4, 6, 8)))
trained_model <- data.frame(payload = as.raw(serialize(fit, connection = NULL)))',
  @output_data_1_name = N'trained_model';
SELECT COUNT(*), MIN(DATALENGTH(model)) FROM dbo.models;
DECLARE @model varbinary(max) = (SELECT TOP 1 model FROM dbo.models);
EXEC sp_execute_external_script @language = N'R', @script = N'fit <- unserialize(model)
OutputDataSet <- data.frame(p = predict(fit, data.frame(x = 10)))',
  @params = N'@model varbinary(max)', @model = @model WITH RESULT SETS ((prediction float));`);
    const [count, length] = ran.resultSets[0]!.rows[0]!;
    assert.equal(count, 1, 'one row: the whole serialized model');
    assert.ok(Number(length) > 1000);
    assert.ok(Math.abs(Number(ran.resultSets[1]!.rows[0]![0]) - 20) < 1e-9);
  });

  test('a raw column beside a column of several values is refused with the reason', async () => {
    const ran = await admin.run(`EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(id = 1:3, payload = as.raw(1:3))';`);
    assert.match(ran.errors.map((e) => e.text).join('\n'), /raw column, returned as one varbinary\(max\) value, so its column 'id' must hold a single value/);
  });

  test('an R raw OUTPUT parameter and Python bytes (OUTPUT and a data frame column) come back as varbinary(max)', async () => {
    const ran = await admin.ok(`DECLARE @r varbinary(max), @p varbinary(max);
EXEC sp_execute_external_script @language = N'R', @script = N'model <- as.raw(serialize(1:3, connection = NULL))',
  @params = N'@model varbinary(max) OUTPUT', @model = @r OUTPUT;
EXEC sp_execute_external_script @language = N'Python', @script = N'import pickle
model = pickle.dumps({"k": 3})', @params = N'@model varbinary(max) OUTPUT', @model = @p OUTPUT;
SELECT DATALENGTH(@r), DATALENGTH(@p);
EXEC sp_execute_external_script @language = N'Python', @script = N'import pickle
OutputDataSet = pandas.DataFrame({"m": [pickle.loads(model)["k"]], "blob": [model]})',
  @params = N'@model varbinary(max)', @model = @p WITH RESULT SETS ((k int, blob varbinary(max)));`);
    const [rLength, pickleLength] = ran.resultSets[0]!.rows[0]!;
    assert.ok(Number(rLength) > 20);
    assert.ok(Number(pickleLength) > 10);
    assert.equal(ran.resultSets[1]!.rows[0]![0], 3);
    assert.match(String(ran.resultSets[1]!.rows[0]![1]), /^0x80/, 'the pickle, byte for byte: it starts with the PROTO opcode');
  });
});

describe("Microsoft's proprietary packages", () => {
  test('R: library(RevoScaleR) fails naming the package and what to use instead', async () => {
    const ran = await admin.run(`EXEC sp_execute_external_script @language = N'R', @script = N'library(RevoScaleR)';`);
    const text = ran.errors.map((e) => e.text).join('\n');
    assert.deepEqual(ran.errors.map((e) => e.number), [39004, 39019]);
    assert.match(text, /there is no package called .RevoScaleR.: RevoScaleR is one of Microsoft's proprietary packages .*; use base R's lm\(\) and glm\(\)/);
  });

  test('Python: from revoscalepy import ... and import microsoftml fail naming the package, not a bare ModuleNotFoundError', async () => {
    for (const [script, name, advice] of [
      ['from revoscalepy import RxSqlServerData', 'revoscalepy', /use pandas, scikit-learn/],
      ['import microsoftml.modules', 'microsoftml', /use scikit-learn/],
    ] as const) {
      const ran = await admin.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'${script}';`);
      const text = ran.errors.map((e) => e.text).join('\n');
      assert.match(text, new RegExp(`ModuleNotFoundError: No module named '${name}[.a-z]*': ${name} is one of Microsoft's proprietary packages`));
      assert.match(text, advice);
    }
  });
});
