// sp_execute_external_script through the engine with the real launcher and real Python and R:
// every parameter, WITH RESULT SETS, OUTPUT parameters, script errors with their script line and
// the @script literal's offset, printed output, the loopback with implied authentication, and
// the external resource pools as the catalog and DMVs show them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENABLE_SCRIPTS, EngineBed, type Session } from './engineBed';

const bed = new EngineBed('scripts');
let s: Session;

before(async () => {
  await bed.open();
  s = await bed.connect();
  await s.ok(`${ENABLE_SCRIPTS}
CREATE DATABASE mldb;
GO
USE mldb;
CREATE TABLE dbo.readings (region varchar(10), sensor int, value float);
INSERT INTO dbo.readings VALUES ('north', 1, 1.0), ('north', 2, 3.0), ('south', 3, 10.0), ('south', 4, 30.0), ('south', 5, 50.0);`);
});

after(async () => {
  await bed.remove();
});

describe('parameters and results', () => {
  test('positional arguments, input and output names, unnamed columns without WITH RESULT SETS', async () => {
    const ran = await s.ok(`EXEC sp_execute_external_script N'Python', N'result = source[source.value > 2]', N'SELECT sensor, value FROM dbo.readings', N'source', @output_data_1_name = N'result';`);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.name), ['', '']);
    assert.deepEqual(ran.resultSets[0]!.rows, [[2, 3], [3, 10], [4, 30], [5, 50]]);
  });

  test('@params: values in, OUTPUT values back into variables of their own types; @params visible to @input_data_1', async () => {
    const ran = await s.ok(`DECLARE @total float, @label nvarchar(20);
EXEC sp_execute_external_script @language = N'Python',
  @script = N'total = float(InputDataSet.value.sum()) * factor
label = "x" + str(len(InputDataSet))',
  @input_data_1 = N'SELECT value FROM dbo.readings WHERE region = @region',
  @params = N'@factor int, @region varchar(10), @total float OUTPUT, @label nvarchar(20) OUTPUT',
  @factor = 2, @region = 'south', @total = @total OUTPUT, @label = @label OUTPUT;
SELECT @total, @label;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[180, 'x3']]);
  });

  test('an argument @params does not declare is Msg 8145', async () => {
    const ran = await s.run(`EXEC sp_execute_external_script @language = N'Python', @script = N'pass', @params = N'@a int', @a = 1, @b = 2;`);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[8145, '@b is not a parameter for procedure sp_execute_external_script.']]);
  });

  test('WITH RESULT SETS names and converts; a column count mismatch is Msg 11537; NONE with output is Msg 11535', async () => {
    const ran = await s.run(`EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(a = c(1.9, 2.2), b = c("p", "q"))'
WITH RESULT SETS ((whole int, letter nchar(1)));
GO
EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(a = 1, b = 2)'
WITH RESULT SETS ((only_one float));
GO
EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- data.frame(a = 1)'
WITH RESULT SETS NONE;`);
    assert.deepEqual(ran.resultSets[0]!.columns, [{ name: 'whole', type: 'int' }, { name: 'letter', type: 'nchar(1)' }]);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'p'], [2, 'q']]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.severity, e.line]), [[11537, 16, 3], [11535, 16, 6]]);
  });

  test('partitioned input runs the script once per partition', async () => {
    const ran = await s.ok(`EXEC sp_execute_external_script @language = N'Python',
  @script = N'OutputDataSet = pandas.DataFrame({"region": [InputDataSet.region.iloc[0]], "n": [len(InputDataSet)]})',
  @input_data_1 = N'SELECT region, value FROM dbo.readings',
  @input_data_1_partition_by_columns = N'region'
WITH RESULT SETS ((region varchar(10), n int));`);
    assert.deepEqual(ran.resultSets[0]!.rows.map((r) => `${r[0]}:${r[1]}`).sort(), ['north:2', 'south:3']);
  });
  test('INSERT ... EXEC of 20,000 script rows keeps their order (IDENTITY follows it) and converts them; a value that does not convert fails the statement', async () => {
    const ran = await s.run(`CREATE TABLE dbo.scored (id int IDENTITY(1,1), n int, label nvarchar(10));
INSERT INTO dbo.scored (n, label) EXEC sp_execute_external_script @language = N'Python',
  @script = N'OutputDataSet = pandas.DataFrame({"n": [20000 - k for k in range(20000)], "label": ["r%d" % k for k in range(20000)]})';
SELECT COUNT(*), MIN(id), MAX(id) FROM dbo.scored;
SELECT id, n, label FROM dbo.scored WHERE id IN (1, 20000) ORDER BY id;
GO
INSERT INTO dbo.scored (n, label) EXEC sp_execute_external_script @language = N'Python',
  @script = N'OutputDataSet = pandas.DataFrame({"n": ["7", "eight"], "label": ["a", "b"]})';
GO
SELECT COUNT(*) FROM dbo.scored;`);
    assert.ok(ran.messages.some((m) => m.text === '(20000 rows affected)'), JSON.stringify(ran.messages.slice(0, 5)));
    assert.deepEqual(ran.resultSets[0]!.rows, [[20000, 1, 20000]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[1, 20000, 'r0'], [20000, 1, 'r19999']]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text, e.line]), [[245, "Conversion failed when converting the nvarchar value 'eight' to data type int.", 6]], JSON.stringify(ran.errors));
    assert.deepEqual(ran.resultSets[2]!.rows, [[20000]], 'the failed INSERT added nothing');
  });
});

describe('messages', () => {
  test('what the script prints arrives as an informational message at the EXEC line', async () => {
    const ran = await s.ok(`PRINT 'before';\nEXEC sp_execute_external_script @language = N'Python', @script = N'print("hello from python")';`);
    const printed = ran.messages.find((m) => m.text.startsWith('STDOUT message(s) from external script:'));
    assert.ok(printed, 'the STDOUT message is there');
    assert.equal(printed.kind, 'info');
    assert.equal(printed.line, 1);
    assert.match(printed.text, /hello from python/);
  });

  test('a script error is Msg 39004 then 39019, with the script line and where the @script content starts', async () => {
    const text = `SELECT 1;
EXEC sp_execute_external_script @language = N'Python', @script = N'x = 1
y = 2
raise ValueError("bad value")';
SELECT 2;`;
    const ran = await s.run(text);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.severity, e.state, e.line]), [[39004, 16, 20, 1], [39019, 16, 2, 1]]);
    for (const e of ran.errors) {
      assert.equal(e.scriptLine, 3);
      assert.equal(e.scriptOffset, text.indexOf("N'x = 1") + 2);
    }
    assert.match(ran.errors[1]!.text, /ValueError: bad value/);
    assert.equal(ran.resultSets.length, 2, 'the batch goes on after the failed call');
  });

  test('an R error is reported the same way', async () => {
    const ran = await s.run(`EXEC sp_execute_external_script @language = N'R', @script = N'stop("no luck")';`);
    assert.deepEqual(ran.errors.map((e) => e.number), [39004, 39019]);
    assert.match(ran.errors[0]!.text, /^A 'R' script error occurred during execution of 'sp_execute_external_script' with HRESULT 0x80004004\./);
    assert.match(ran.errors[1]!.text, /no luck/);
  });

  test('TRY ... CATCH catches a script error', async () => {
    const ran = await s.run(`BEGIN TRY
  EXEC sp_execute_external_script @language = N'Python', @script = N'1/0';
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER();
END CATCH`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[39019]]);
  });
});

describe('loopback', () => {
  const QUERY_BACK = `EXEC sp_execute_external_script @language = N'Python',
  @script = N'OutputDataSet = sqlml_query("SELECT SUSER_SNAME() AS who, COUNT(*) AS n FROM dbo.readings")'
WITH RESULT SETS ((who nvarchar(128), n int));`;

  test('without a login for the worker group, the script\'s connection back fails with Msg 18456', async () => {
    const ran = await s.run(QUERY_BACK);
    assert.deepEqual(ran.errors.map((e) => e.number), [39004, 39019]);
    assert.match(ran.errors[1]!.text, /Msg 18456, Level 14, State 1: Login failed for user 'sqlml\d\d'\./);
  });

  test('with the worker group\'s login, the connection acts as the caller, with the caller\'s permissions', async () => {
    await s.ok('USE master; CREATE LOGIN sqlmlusers FROM OS;');
    const asAdmin = await s.ok(`USE mldb; ${QUERY_BACK}`);
    assert.deepEqual(asAdmin.resultSets[0]!.rows, [[bed.engine.instance.options.owner, 5]]);

    await s.ok(`USE master; CREATE LOGIN looper WITH PASSWORD = 'L00p-back!'; USE mldb; CREATE USER looper FOR LOGIN looper; GRANT EXECUTE ANY EXTERNAL SCRIPT TO looper;`);
    const refused = await s.run(QUERY_BACK, { asLogin: 'looper', database: 'mldb' });
    assert.deepEqual(refused.errors.map((e) => e.number), [39004, 39019]);
    assert.match(refused.errors[1]!.text, /Msg 229, Level 14, State 5: The SELECT permission was denied on the object 'readings', database 'mldb', schema 'dbo'\./);

    await s.ok('USE mldb; GRANT SELECT ON dbo.readings TO looper;');
    const granted = await s.ok(`${QUERY_BACK}`.replace('EXEC', 'EXECUTE AS LOGIN = \'looper\'; EXEC') + ' REVERT;');
    assert.deepEqual(granted.resultSets[0]!.rows, [['looper', 5]]);
  });
});

describe('resource pools', () => {
  test('CREATE / ALTER EXTERNAL RESOURCE POOL show in the catalog view; ALTER RESOURCE GOVERNOR RECONFIGURE puts them into effect', async () => {
    const ran = await s.ok(`USE master;
ALTER EXTERNAL RESOURCE POOL "default" WITH (MAX_MEMORY_PERCENT = 30);
CREATE EXTERNAL RESOURCE POOL ds_pool WITH (MAX_CPU_PERCENT = 40, MAX_PROCESSES = 8);
SELECT name, max_cpu_percent, max_memory_percent, max_processes FROM sys.resource_governor_external_resource_pools ORDER BY name;
ALTER RESOURCE GOVERNOR RECONFIGURE;
SELECT max_memory_percent FROM sys.dm_resource_governor_external_resource_pools WHERE name = 'default';`);
    assert.deepEqual(ran.resultSets[0]!.rows, [['default', 100, 30, 0], ['ds_pool', 40, 100, 8]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[30]]);
    const bad = await s.run('CREATE EXTERNAL RESOURCE POOL bad_pool WITH (MAX_CPU_PERCENT = 0);\nDROP EXTERNAL RESOURCE POOL "default";');
    assert.equal(bad.errors.length, 2);
  });
});
