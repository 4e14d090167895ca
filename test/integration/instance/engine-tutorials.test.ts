// Microsoft's ML Services tutorials, as a new user runs them: the T-SQL of the NYC taxi
// tutorial's user functions, views, every form of @input_data_1 the articles use, the built-ins
// they call, and the semantics they show (TRUNCATE, constraint messages), each checked against
// SQL Server's documented answer on a real engine with real DuckDB files (and Python for the
// external-script parts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { skipReason } from '../../support/requireOrSkip';
import { ENABLE_SCRIPTS, EngineBed, type Session } from './engineBed';

const pandasMissing = spawnSync('/usr/bin/python3', ['-c', 'import pandas']).status !== 0;
const pythonSkip = skipReason(pandasMissing ? 'needs Debian python3-pandas' : undefined);

const bed = new EngineBed('tutorials');
let admin: Session;

before(async () => {
  await bed.open();
  admin = await bed.connect();
  await admin.ok(`${ENABLE_SCRIPTS}
GO
CREATE DATABASE taxi;
GO
USE taxi;
CREATE TABLE dbo.nyctaxi_sample (medallion varchar(50) NOT NULL, passenger_count int, trip_time_in_secs bigint, trip_distance float,
  pickup_latitude varchar(30), pickup_longitude varchar(30), dropoff_latitude varchar(30), dropoff_longitude varchar(30), tipped int, fare_amount money);
INSERT INTO dbo.nyctaxi_sample VALUES
  ('A1', 1, 600, 2.5, '40.7', '-74.0', '40.8', '-73.9', 1, 12.5),
  ('B2', 2, 300, 1.0, '40.75', '-73.98', '40.75', '-73.98', 0, 5.0),
  ('C3', 4, 1200, 6.2, '40.64', '-73.78', '40.76', '-73.97', 1, 45.0);`);
});

after(async () => {
  await bed.remove();
});

// The NYC taxi tutorial's functions, as the article gives them.
const FN_CALCULATE_DISTANCE = `CREATE FUNCTION [dbo].[fnCalculateDistance] (@Lat1 float, @Long1 float, @Lat2 float, @Long2 float)
-- User-defined function that calculates the direct distance between two geographical coordinates
RETURNS float
AS
BEGIN
  DECLARE @distance decimal(28, 10)
  -- Convert to radians
  SET @Lat1 = @Lat1 / 57.2958
  SET @Long1 = @Long1 / 57.2958
  SET @Lat2 = @Lat2 / 57.2958
  SET @Long2 = @Long2 / 57.2958
  -- Calculate distance
  SET @distance = (SIN(@Lat1) * SIN(@Lat2)) + (COS(@Lat1) * COS(@Lat2) * COS(@Long2 - @Long1))
  --Convert to miles
  IF @distance <> 0
  BEGIN
    SET @distance = 3958.75 * ATAN(SQRT(1 - POWER(@distance, 2)) / @distance);
  END
  RETURN @distance
END`;

const FN_ENGINEER_FEATURES = `CREATE FUNCTION [dbo].[fnEngineerFeatures] (
@passenger_count int = 0,
@trip_distance float = 0,
@trip_time_in_secs int = 0,
@pickup_latitude float = 0,
@pickup_longitude float = 0,
@dropoff_latitude float = 0,
@dropoff_longitude float = 0)
RETURNS TABLE
AS
  RETURN
  (
  -- Add the SELECT statement with parameter references here
  SELECT
    @passenger_count AS passenger_count,
    @trip_distance AS trip_distance,
    @trip_time_in_secs AS trip_time_in_secs,
    [dbo].[fnCalculateDistance](@pickup_latitude, @pickup_longitude, @dropoff_latitude, @dropoff_longitude) AS direct_distance
  )`;

/**
 * The distance the article's formula gives, in miles, computed here independently with SQL
 * Server's decimal arithmetic: @distance is decimal(28, 10), POWER(@distance, 2) keeps its type
 * (decimal(38, 10)), 1 - POWER(...) is decimal(38, 9) (precision capped at 38, scale cut), and the
 * result is stored back into the decimal(28, 10).
 */
function miles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = (x: number) => x / 57.2958;
  const exact = Math.sin(r(lat1)) * Math.sin(r(lat2)) + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.cos(r(lon2) - r(lon1));
  const d = Math.round(exact * 1e10) / 1e10;
  const squared = Math.round(d * d * 1e10) / 1e10;
  const rest = Math.round((1 - squared) * 1e9) / 1e9;
  return d === 0 ? 0 : Math.round(3958.75 * Math.atan(Math.sqrt(rest) / d) * 1e10) / 1e10;
}

describe('user functions (NYC taxi tutorial)', () => {
  before(async () => {
    await admin.ok(`USE taxi;\nGO\n${FN_CALCULATE_DISTANCE}\nGO\n${FN_ENGINEER_FEATURES}`);
  });

  test('a scalar function with DECLARE, SET, IF and RETURN runs per row of a query', async () => {
    const ran = await admin.ok(`USE taxi;
SELECT medallion, dbo.fnCalculateDistance(pickup_latitude, pickup_longitude, dropoff_latitude, dropoff_longitude) AS direct_distance
FROM dbo.nyctaxi_sample ORDER BY medallion;`);
    const rows = ran.resultSets[0]!.rows;
    assert.equal(ran.resultSets[0]!.columns[1]!.type, 'float');
    assert.equal(rows[1]![1], 0, 'the same point: 0 miles');
    assert.ok(Math.abs(Number(rows[0]![1]) - miles(40.7, -74.0, 40.8, -73.9)) < 1e-6, String(rows[0]![1]));
    assert.ok(Math.abs(Number(rows[2]![1]) - miles(40.64, -73.78, 40.76, -73.97)) < 1e-6, String(rows[2]![1]));
  });

  test('an inline table-valued function in FROM, and with CROSS APPLY over a table', async () => {
    const direct = await admin.ok('USE taxi;\nSELECT * FROM [dbo].[fnEngineerFeatures](1, 2.5, 600, 40.7, -74.0, 40.8, -73.9);');
    assert.deepEqual(direct.resultSets[0]!.columns.map((c) => [c.name, c.type]), [['passenger_count', 'int'], ['trip_distance', 'float'], ['trip_time_in_secs', 'int'], ['direct_distance', 'float']]);
    assert.deepEqual(direct.resultSets[0]!.rows[0]!.slice(0, 3), [1, 2.5, 600]);
    const applied = await admin.ok(`USE taxi;
SELECT s.medallion, f.passenger_count FROM dbo.nyctaxi_sample AS s
CROSS APPLY dbo.fnEngineerFeatures(s.passenger_count, s.trip_distance, s.trip_time_in_secs, s.pickup_latitude, s.pickup_longitude, s.dropoff_latitude, s.dropoff_longitude) AS f
ORDER BY s.medallion;`);
    assert.deepEqual(applied.resultSets[0]!.rows, [['A1', 1], ['B2', 2], ['C3', 4]]);
  });

  test('shown in sys.objects as FN and IF; CREATE OR ALTER replaces, DROP FUNCTION [IF EXISTS] removes', async () => {
    const objects = await admin.ok("USE taxi;\nSELECT name, type, type_desc FROM sys.objects WHERE type IN ('FN', 'IF') ORDER BY name;");
    assert.deepEqual(objects.resultSets[0]!.rows, [
      ['fnCalculateDistance', 'FN', 'SQL_SCALAR_FUNCTION'],
      ['fnEngineerFeatures', 'IF', 'SQL_INLINE_TABLE_VALUED_FUNCTION'],
    ]);
    await admin.ok('USE taxi;\nGO\nCREATE OR ALTER FUNCTION dbo.twice (@x int) RETURNS int AS BEGIN RETURN @x * 2 END');
    await admin.ok('USE taxi;\nGO\nCREATE OR ALTER FUNCTION dbo.twice (@x int) RETURNS int AS BEGIN RETURN @x * 3 END');
    assert.deepEqual((await admin.ok('USE taxi;\nSELECT dbo.twice(5);')).column(), [15]);
    const created = await admin.run('USE taxi;\nGO\nCREATE FUNCTION dbo.twice (@x int) RETURNS int AS BEGIN RETURN @x END');
    assert.deepEqual(created.errors.map((e) => [e.number, e.text]), [[2714, "There is already an object named 'twice' in the database."]]);
    const dropped = await admin.run('USE taxi;\nDROP FUNCTION dbo.twice;\nDROP FUNCTION IF EXISTS dbo.twice;\nDROP FUNCTION dbo.twice;');
    assert.deepEqual(dropped.errors.map((e) => [e.number, e.severity, e.line]), [[3701, 11, 3]]);
    const gone = await admin.run('USE taxi;\nSELECT dbo.twice(1);');
    assert.equal(gone.errors[0]?.number, 4121);
  });

  test("SQL Server's errors: argument counts (313, 8144), no RETURN at the end (455), not first in the batch (111)", async () => {
    const few = await admin.run('USE taxi;\nSELECT dbo.fnCalculateDistance(1, 2);');
    assert.deepEqual(few.errors.map((e) => [e.number, e.text]), [[313, 'An insufficient number of arguments were supplied for the procedure or function dbo.fnCalculateDistance.']]);
    const many = await admin.run('USE taxi;\nSELECT dbo.fnCalculateDistance(1, 2, 3, 4, 5);');
    assert.equal(many.errors[0]?.number, 8144);
    const noReturn = await admin.run('USE taxi;\nGO\nCREATE FUNCTION dbo.noret (@x int) RETURNS int AS BEGIN SET @x = 1 END');
    assert.equal(noReturn.errors[0]?.number, 455);
    const late = await admin.run('USE taxi;\nCREATE FUNCTION dbo.late () RETURNS int AS BEGIN RETURN 1 END');
    assert.deepEqual(late.errors.map((e) => [e.number, e.text]), [[111, "'CREATE FUNCTION' must be the first statement in a query batch."]]);
  });

  test('what the instance does not inline is refused at CREATE, positioned, with its own message number', async () => {
    const loop = await admin.run('USE taxi;\nGO\nCREATE FUNCTION dbo.loops (@x int) RETURNS int AS\nBEGIN\n  WHILE @x > 0 SET @x = @x - 1;\n  RETURN @x\nEND');
    assert.deepEqual(loop.errors.map((e) => [e.number, e.line]), [[59001, 4]]);
    assert.match(loop.errors[0]!.text, /^WHILE inside a scalar function .* is not supported by the embedded instance\.$/);
    const multi = await admin.run('USE taxi;\nGO\nCREATE FUNCTION dbo.tvm (@x int) RETURNS @t TABLE (a int) AS BEGIN INSERT @t VALUES (@x); RETURN; END');
    assert.equal(multi.errors[0]?.number, 59001);
    assert.match(multi.errors[0]!.text, /multi-statement table-valued function/);
  });
});

describe('views', () => {
  test('CREATE VIEW, SELECT from it (also with its schema), sys.views and sys.objects; ALTER and CREATE OR ALTER; DROP VIEW', async () => {
    await admin.ok('USE taxi;\nGO\nCREATE VIEW dbo.tipped_trips AS SELECT medallion, fare_amount FROM dbo.nyctaxi_sample WHERE tipped = 1');
    const read = await admin.ok('USE taxi;\nSELECT * FROM tipped_trips ORDER BY medallion;\nSELECT dbo.tipped_trips.medallion FROM dbo.tipped_trips ORDER BY 1;');
    assert.deepEqual(read.resultSets[0]!.columns.map((c) => [c.name, c.type]), [['medallion', 'varchar(50)'], ['fare_amount', 'money']]);
    assert.deepEqual(read.resultSets[0]!.rows, [['A1', 12.5], ['C3', 45]]);
    assert.deepEqual(read.resultSets[1]!.rows, [['A1'], ['C3']]);
    const catalog = await admin.ok("USE taxi;\nSELECT name FROM sys.views;\nSELECT type, type_desc FROM sys.objects WHERE name = 'tipped_trips';");
    assert.deepEqual(catalog.resultSets[0]!.rows, [['tipped_trips']]);
    assert.deepEqual(catalog.resultSets[1]!.rows, [['V', 'VIEW']]);
    await admin.ok('USE taxi;\nGO\nALTER VIEW dbo.tipped_trips (m, fare) AS SELECT medallion, fare_amount FROM dbo.nyctaxi_sample');
    const altered = await admin.ok('USE taxi;\nSELECT COUNT(*), MAX(fare) FROM dbo.tipped_trips;');
    assert.deepEqual(altered.resultSets[0]!.rows, [[3, 45]]);
    const unnamed = await admin.run('USE taxi;\nGO\nCREATE OR ALTER VIEW dbo.tipped_trips AS SELECT 1 AS a, 2');
    assert.deepEqual(unnamed.errors.map((e) => [e.number, e.text]), [[4511, 'Create View or Function failed because no column name was specified for column 2.']]);
    const dropped = await admin.run('USE taxi;\nDROP VIEW dbo.tipped_trips;\nDROP VIEW IF EXISTS dbo.tipped_trips;\nSELECT * FROM dbo.tipped_trips;');
    assert.deepEqual(dropped.errors.map((e) => e.number), [208]);
  });

  test('SELECT on a view is enough: the chain to the owner\'s table is not checked again, a broken chain is', async () => {
    await admin.ok(`USE taxi;
CREATE LOGIN viewer WITH PASSWORD = 'Viewer#2024pass';
CREATE USER viewer FOR LOGIN viewer;
GO
CREATE VIEW dbo.fares AS SELECT medallion, fare_amount FROM dbo.nyctaxi_sample
GO
GRANT SELECT ON dbo.fares TO viewer;`);
    const viewer = await bed.connect({ name: 'viewer', password: 'Viewer#2024pass' });
    const viaView = await viewer.run('USE taxi;\nSELECT COUNT(*) FROM dbo.fares;');
    assert.deepEqual(viaView.errors, []);
    assert.deepEqual(viaView.column(), [3]);
    const direct = await viewer.run('USE taxi;\nSELECT COUNT(*) FROM dbo.nyctaxi_sample;');
    assert.deepEqual(direct.errors.map((e) => e.number), [229]);
    const scalar = await viewer.run('USE taxi;\nSELECT dbo.fnCalculateDistance(1, 2, 3, 4);');
    assert.match(scalar.errors[0]?.text ?? '', /^The EXECUTE permission was denied on the object 'fnCalculateDistance'/);
    // A view owned by someone else than the table's owner breaks the chain: the caller needs SELECT on the table.
    await admin.ok(`USE taxi;
CREATE USER other WITHOUT LOGIN;
GO
CREATE SCHEMA sales AUTHORIZATION other;
GO
CREATE VIEW sales.fares AS SELECT medallion FROM dbo.nyctaxi_sample
GO
GRANT SELECT ON sales.fares TO viewer;`);
    const broken = await viewer.run('USE taxi;\nSELECT COUNT(*) FROM sales.fares;');
    assert.match(broken.errors[0]?.text ?? '', /^The SELECT permission was denied on the object 'nyctaxi_sample'/);
  });
});

describe('@input_data_1 forms (Python)', () => {
  const echo = (input: string, resultSets = '') =>
    `USE taxi;\nEXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'${input}'${resultSets};`;

  test('a SELECT with a trailing ;, a WITH CTE, and EXEC of a procedure each give the input rows', { skip: pythonSkip }, async () => {
    await admin.ok('USE taxi;\nGO\nCREATE PROCEDURE dbo.fares_of_tipped AS SELECT medallion, fare_amount FROM dbo.nyctaxi_sample WHERE tipped = 1 ORDER BY medallion;');
    const semicolon = await admin.ok(echo('SELECT passenger_count FROM dbo.nyctaxi_sample ORDER BY passenger_count;'));
    assert.deepEqual(semicolon.column(), [1, 2, 4]);
    const cte = await admin.ok(echo('WITH t AS (SELECT medallion FROM dbo.nyctaxi_sample WHERE tipped = 0) SELECT medallion FROM t'));
    assert.deepEqual(cte.column(), ['B2']);
    const exec = await admin.ok(echo('EXEC dbo.fares_of_tipped'));
    assert.deepEqual(exec.resultSets[0]!.rows, [['A1', 12.5], ['C3', 45]]);
    assert.deepEqual(exec.messages.filter((m) => m.text.endsWith('affected)')).map((m) => m.text), ['(2 rows affected)'], "only the script's own result is counted");
  });

  test("placeholders N'' and N'   ;' mean no input: an empty data frame", { skip: pythonSkip }, async () => {
    for (const input of ['', '   ;']) {
      const ran = await admin.ok(`USE taxi;\nEXEC sp_execute_external_script @language = N'Python', @script = N'print(len(InputDataSet))', @input_data_1 = N'${input}';`);
      assert.ok(ran.messages.some((m) => /^STDOUT message\(s\) from external script:\s*0\s*$/.test(m.text)), JSON.stringify(ran.messages));
    }
  });

  test('"(n rows affected)" follows the rows with and without WITH RESULT SETS', { skip: pythonSkip }, async () => {
    for (const sets of ['', ' WITH RESULT SETS ((passengers int))']) {
      const ran = await admin.ok(echo('SELECT passenger_count FROM dbo.nyctaxi_sample', sets));
      assert.deepEqual(ran.messages.filter((m) => m.text.endsWith('affected)')).map((m) => m.text), ['(3 rows affected)'], sets);
    }
  });
});

describe('built-ins the tutorials call', () => {
  test('FORMAT with .NET format strings (en-US)', async () => {
    const ran = await admin.ok(`SELECT FORMAT(1234.5, 'N2'), FORMAT(1234.5, 'N0'), FORMAT(12.5, 'C'), FORMAT(0.1234, 'P'), FORMAT(1234567.891, '#,##0.00'),
  FORMAT(0.5, '0.##'), FORMAT(7, 'D3'), FORMAT(CAST('2024-03-05 14:07:09' AS datetime), 'yyyy-MM-dd'), FORMAT(CAST('2024-03-05 14:07:09' AS datetime), 'dd/MM/yyyy HH:mm:ss'),
  FORMAT(CAST('2024-03-05' AS date), 'd'), FORMAT(CAST('2024-03-05' AS date), 'D'), FORMAT(CAST(NULL AS int), 'N2');`);
    assert.deepEqual(ran.resultSets[0]!.rows[0], ['1,234.50', '1,235', '$12.50', '12.34%', '1,234,567.89', '0.5', '007', '2024-03-05', '05/03/2024 14:07:09', '3/5/2024', 'Tuesday, March 5, 2024', null]);
    assert.ok(ran.resultSets[0]!.columns.every((c) => c.type === 'nvarchar(4000)'));
  });

  test('FORMAT with another culture where the text does not depend on it (the train-and-score tip names models with en-gb); refused where it would, Msg 9818 for a bad culture', async () => {
    const ran = await admin.ok(`SELECT FORMAT(CAST('2024-03-05 14:07:09' AS datetime), 'yyyy.MM.HH.mm', 'en-gb'), FORMAT(CAST('2024-03-05' AS date), 'dd MMMM yyyy', 'en-GB'),
  FORMAT(CAST('2024-03-05' AS date), 'yyyy-MM-dd', 'de-de'), FORMAT(1234.5, 'N2', 'en-gb'), FORMAT(42, 'D5', 'fr-fr');`);
    assert.deepEqual(ran.resultSets[0]!.rows[0], ['2024.03.14.07', '05 March 2024', '2024-03-05', '1,234.50', '00042']);
    const refused = await admin.run("SELECT FORMAT(CAST('2024-03-05' AS date), 'dd/MM/yyyy', 'de-de');");
    assert.match(refused.errors[0]!.text, /culture 'de-de' for the format 'dd\/MM\/yyyy'/);
    assert.deepEqual(await admin.errorNumbers("SELECT FORMAT(1, 'N', 'en-gb'), FORMAT(12.5, 'C', 'en-gb');"), [refused.errors[0]!.number]);
    assert.deepEqual(await admin.errorNumbers("SELECT FORMAT(1, 'N', 'not a culture!');"), [9818]);
  });

  test('CHECKSUM ignores case, BINARY_CHECKSUM does not; both are int and repeatable', async () => {
    const [row] = (await admin.ok("SELECT CHECKSUM('abc'), CHECKSUM('ABC'), BINARY_CHECKSUM('abc'), BINARY_CHECKSUM('ABC'), CHECKSUM(1, 'x'), CHECKSUM(1, 'x');")).resultSets[0]!.rows;
    assert.equal(row![0], row![1]);
    assert.notEqual(row![2], row![3]);
    assert.equal(row![4], row![5]);
    assert.ok(row!.every((v) => Number.isInteger(v) && Math.abs(Number(v)) <= 2 ** 31));
  });

  test('a table value constructor in FROM: rows typed as their UNION ALL, joined like a table, uneven rows are Msg 10709', async () => {
    const ran = await admin.ok(`USE taxi;
SELECT t.k, t.v, t.label FROM (VALUES (1, 2.5, 'one'), (2, 10, N'two'), (3, NULL, 'three')) AS t(k, v, label) ORDER BY t.k;
SELECT s.medallion, m.weight FROM dbo.nyctaxi_sample AS s JOIN (VALUES ('A1', 3), ('C3', 7)) m (medallion, weight) ON m.medallion = s.medallion ORDER BY s.medallion;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 2.5, 'one'], [2, 10, 'two'], [3, null, 'three']]);
    // As SQL Server types them: int with numeric(2,1) is (11,1); varchar(5) with nvarchar(3) is nvarchar(5).
    const [k, v, label] = ran.resultSets[0]!.columns.map((c) => c.type);
    assert.deepEqual([k, label], ['int', 'nvarchar(5)']);
    assert.match(String(v), /^(decimal|numeric)\(11,1\)$/);
    assert.deepEqual(ran.resultSets[1]!.rows, [['A1', 3], ['C3', 7]]);
    const uneven = await admin.run('SELECT * FROM (VALUES (1, 2), (3)) AS t(a, b);');
    assert.deepEqual(uneven.errors.map((e) => [e.number, e.severity, e.text]), [[10709, 16, 'The number of columns for each row in a table value constructor must be the same.']]);
    assert.equal((await admin.run('SELECT * FROM (VALUES (1), (2)) AS t;')).errors[0]?.number, 8155);
  });

  test('TABLESAMPLE as the R taxi tutorial samples its training rows: about the share asked for, the same rows for the same REPEATABLE seed; views and bad sizes refused', async () => {
    await admin.ok(`USE taxi;
CREATE TABLE dbo.sampled (i int);
INSERT INTO dbo.sampled SELECT d1.i + 10 * d2.i + 100 * d3.i FROM (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) d1(i)
  CROSS JOIN (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) d2(i) CROSS JOIN (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) d3(i);
GO
CREATE VIEW dbo.sampled_view AS SELECT i FROM dbo.sampled;`);
    const ran = await admin.ok(`USE taxi;
SELECT COUNT(*) FROM dbo.sampled TABLESAMPLE (70 PERCENT) REPEATABLE (98052);
SELECT COUNT(*) FROM dbo.sampled TABLESAMPLE (70 PERCENT) REPEATABLE (98052);
SELECT COUNT(*) FROM dbo.sampled AS s TABLESAMPLE SYSTEM (5 ROWS);
SELECT SUM(i) FROM dbo.sampled TABLESAMPLE (30 PERCENT) REPEATABLE (7);
SELECT SUM(i) FROM dbo.sampled TABLESAMPLE (30 PERCENT) REPEATABLE (7);`);
    const [seventy, again, five, sum, sameSum] = ran.resultSets.map((r) => Number(r.rows[0]![0]));
    assert.ok(seventy! > 600 && seventy! < 800, `70 percent of 1000 rows gave ${seventy}`);
    assert.equal(again, seventy, 'the same seed samples the same rows');
    assert.equal(five, 5);
    assert.equal(sameSum, sum);
    assert.deepEqual(await admin.errorNumbers('USE taxi; SELECT * FROM dbo.sampled_view TABLESAMPLE (10 PERCENT);'), [494]);
    assert.deepEqual(await admin.errorNumbers('USE taxi; SELECT * FROM dbo.sampled TABLESAMPLE (150 PERCENT);'), [476]);
  });

  test('STRING_AGG ... WITHIN GROUP, STRING_SPLIT (with enable_ordinal), DATETRUNC, JSON_VALUE, ISJSON, RAND(seed)', async () => {
    const ran = await admin.ok(`USE taxi;
SELECT STRING_AGG(medallion, ',') WITHIN GROUP (ORDER BY medallion DESC) FROM dbo.nyctaxi_sample;
SELECT value FROM STRING_SPLIT('a,b,c', ',');
SELECT value, ordinal FROM STRING_SPLIT('x y', ' ', 1);
SELECT DATETRUNC(month, CAST('2024-05-17 10:11:12' AS datetime)), DATETRUNC(week, CAST('2024-05-17' AS date));
SELECT JSON_VALUE(N'{"a":1,"b":{"c":"x"}}', '$.b.c'), JSON_VALUE(N'{"a":1}', '$.b'), ISJSON(N'{}'), ISJSON(N'abc');
SELECT CASE WHEN RAND(42) = RAND(42) AND RAND(42) <> RAND(7) AND RAND(42) >= 0 AND RAND(42) < 1 THEN 1 ELSE 0 END;`);
    const sets = ran.resultSets.map((s) => s.rows);
    assert.deepEqual(sets[0], [['C3,B2,A1']]);
    assert.deepEqual(sets[1], [['a'], ['b'], ['c']]);
    assert.deepEqual(sets[2], [['x', 1], ['y', 2]]);
    assert.equal(ran.resultSets[3]!.columns[0]!.type, 'datetime');
    assert.match(String(sets[3]![0]![0]), /^2024-05-01/);
    assert.match(String(sets[3]![0]![1]), /^2024-05-12/, 'weeks start on Sunday');
    assert.deepEqual(sets[4], [['x', null, 1, 0]]);
    assert.deepEqual(sets[5], [[1]]);
  });

  test("SOUNDEX and DIFFERENCE give SQL Server's codes (the documented examples and the National Archives' rules)", async () => {
    const ran = await admin.ok(`SELECT SOUNDEX('Smith'), SOUNDEX('Smythe'), SOUNDEX('Green'), SOUNDEX('Blotchet-Halls'), SOUNDEX('Ashcraft'), SOUNDEX('Pfister'), SOUNDEX('Tymczak'), SOUNDEX('Lee'), SOUNDEX(NULL);
SELECT DIFFERENCE('Smithers', 'Smythers'), DIFFERENCE('Anothers', 'Brothers'), DIFFERENCE('Green', 'Greene'), DIFFERENCE('Blotchet-Halls', 'Greene');`);
    assert.deepEqual(ran.resultSets[0]!.rows[0], ['S530', 'S530', 'G650', 'B432', 'A261', 'P236', 'T522', 'L000', null]);
    assert.deepEqual(ran.resultSets[1]!.rows[0], [4, 2, 4, 0]);
    assert.equal(ran.resultSets[1]!.columns[0]!.type, 'int');
  });

  test('PARSE and TRY_PARSE read en-US numbers and dates (no culture or USING en-US); Msg 9819 or NULL when they cannot', async () => {
    const ran = await admin.ok(`SELECT PARSE('1,234.50' AS decimal(10,2)), PARSE('$12.5' AS money USING 'en-US'), PARSE('(42)' AS int), TRY_PARSE('1.5' AS int), TRY_PARSE('abc' AS float), PARSE('1e3' AS float);
SELECT PARSE('Tuesday, March 5, 2024' AS date), PARSE('3/5/2024 2:07 PM' AS datetime2 USING 'en-US'), PARSE('10:30 PM' AS time);`);
    assert.deepEqual(ran.resultSets[0]!.rows[0], [1234.5, 12.5, -42, null, null, 1000]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['decimal(10,2)', 'money', 'int', 'int', 'float', 'float']);
    const [day, moment, time] = ran.resultSets[1]!.rows[0]!;
    assert.match(String(day), /^2024-03-05/);
    assert.match(String(moment), /^2024-03-05 14:07:00/);
    assert.match(String(time), /^22:30:00/);
    const failed = await admin.run("SELECT PARSE('abc' AS int USING 'en-US');");
    assert.deepEqual(failed.errors.map((e) => [e.number, e.text]), [[9819, "Error converting string value 'abc' into data type int using culture 'en-US'."]]);
    assert.deepEqual(await admin.errorNumbers('SELECT PARSE(1 AS int);'), [8116]);
    assert.deepEqual(await admin.errorNumbers("SELECT PARSE('1,5' AS float USING 'de-DE');"), [59001]);
  });

  test('SYSDATETIMEOFFSET is now, as datetimeoffset(7) with its offset', async () => {
    const ran = await admin.ok('SELECT SYSDATETIMEOFFSET(), ABS(DATEDIFF(second, SYSUTCDATETIME(), SYSDATETIMEOFFSET())), CONVERT(varchar(40), SYSDATETIMEOFFSET());');
    assert.equal(ran.resultSets[0]!.columns[0]!.type, 'datetimeoffset(7)');
    const [, drift, text] = ran.resultSets[0]!.rows[0]!;
    assert.ok(Number(drift) <= 1, String(drift));
    assert.match(String(text), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{7} \+00:00$/);
  });

  test('SUSER_ID and SUSER_SID name the login; HOST_NAME answers', async () => {
    const ran = await admin.ok("SELECT SUSER_ID() - principal_id, HOST_NAME() FROM sys.server_principals WHERE name = SUSER_SNAME();\nSELECT CASE WHEN SUSER_SID() = sid THEN 1 ELSE 0 END FROM sys.server_principals WHERE name = SUSER_SNAME();");
    assert.equal(ran.resultSets[0]!.rows[0]![0], 0);
    assert.equal(typeof ran.resultSets[0]!.rows[0]![1], 'string');
    assert.deepEqual(ran.resultSets[1]!.rows, [[1]]);
  });
});

describe('semantics as SQL Server shows them', () => {
  test('TRUNCATE TABLE resets IDENTITY to its seed; a missing table is Msg 4701', async () => {
    const ran = await admin.ok(`USE taxi;
CREATE TABLE dbo.runs (id int IDENTITY(100, 5) PRIMARY KEY, v int);
INSERT dbo.runs (v) VALUES (1), (2);
TRUNCATE TABLE dbo.runs;
INSERT dbo.runs (v) VALUES (3);
SELECT id, v FROM dbo.runs;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[100, 3]]);
    const missing = await admin.run('USE taxi;\nTRUNCATE TABLE dbo.nothere;');
    assert.deepEqual(missing.errors.map((e) => [e.number, e.severity, e.text]), [[4701, 16, 'Cannot find the object "dbo.nothere" because it does not exist or you do not have permissions.']]);
  });

  test('Msg 2627 names the constraint as SQL Server names an unnamed one, then Msg 3621', async () => {
    const ran = await admin.run('USE taxi;\nCREATE TABLE dbo.keyed (id int PRIMARY KEY);\nINSERT dbo.keyed VALUES (1);\nINSERT dbo.keyed VALUES (1);');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.severity]), [[2627, 14]]);
    assert.match(ran.errors[0]!.text, /^Violation of PRIMARY KEY constraint 'PK__keyed__[0-9A-F]{16}'\. Cannot insert duplicate key in object 'dbo\.keyed'\. The duplicate key value is \(1\)\.$/);
    const after = ran.messages.findIndex((m) => m.number === 2627);
    assert.deepEqual([ran.messages[after + 1]?.number, ran.messages[after + 1]?.text], [3621, 'The statement has been terminated.']);
  });

  test('char(n) and nchar(n) are blank-padded; comparisons ignore trailing blanks; LEN ignores them, DATALENGTH counts them', async () => {
    const ran = await admin.ok(`USE taxi;
CREATE TABLE dbo.codes (code char(5), wide nchar(3), free varchar(6));
INSERT dbo.codes VALUES ('ab', N'x', 'ab  ');
DECLARE @c char(4) = 'z';
SELECT '[' + code + ']', '[' + wide + ']', LEN(code), DATALENGTH(code), DATALENGTH(wide), DATALENGTH(free), '[' + @c + ']', '[' + CAST('q' AS char(3)) + ']' FROM dbo.codes;
SELECT COUNT(*) FROM dbo.codes WHERE code = 'ab';
SELECT COUNT(*) FROM dbo.codes WHERE code = free;
SELECT COUNT(*) FROM dbo.codes WHERE free IN ('ab', 'x');
UPDATE dbo.codes SET code = 'abc';
SELECT '[' + code + ']' FROM dbo.codes;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [['[ab   ]', '[x  ]', 2, 5, 6, 4, '[z   ]', '[q  ]']]);
    assert.deepEqual(ran.resultSets.slice(1, 4).map((r) => r.rows[0]![0]), [1, 1, 1]);
    assert.deepEqual(ran.resultSets[4]!.rows, [['[abc  ]']]);
  });

  test('Msg 2627 names a constraint by the name CREATE TABLE gave it, also for duplicates within one INSERT', async () => {
    const ran = await admin.run(`USE taxi;
CREATE TABLE dbo.named_keys (id int CONSTRAINT pk_named PRIMARY KEY, code varchar(10), other int, CONSTRAINT uq_code UNIQUE (code), UNIQUE (other));
INSERT dbo.named_keys VALUES (1, 'a', 1);
INSERT dbo.named_keys VALUES (1, 'b', 2);
INSERT dbo.named_keys VALUES (2, 'a', 3);
INSERT dbo.named_keys VALUES (3, 'c', 1);
INSERT dbo.named_keys VALUES (4, 'd', 4), (4, 'e', 5);`);
    assert.deepEqual(ran.errors.map((e) => e.text.replace(/'UQ__named_ke__[0-9A-F]{16}'/, "'UQ__generated'")), [
      "Violation of PRIMARY KEY constraint 'pk_named'. Cannot insert duplicate key in object 'dbo.named_keys'. The duplicate key value is (1).",
      "Violation of UNIQUE KEY constraint 'uq_code'. Cannot insert duplicate key in object 'dbo.named_keys'. The duplicate key value is (a).",
      "Violation of UNIQUE KEY constraint 'UQ__generated'. Cannot insert duplicate key in object 'dbo.named_keys'. The duplicate key value is (1).",
      "Violation of PRIMARY KEY constraint 'pk_named'. Cannot insert duplicate key in object 'dbo.named_keys'. The duplicate key value is (4).",
    ]);
    assert.equal(ran.messages.filter((m) => m.number === 3621).length, 4);
  });

  test('COLLATE: case-sensitive, accent-insensitive and binary collations compare, sort and match as SQL Server does', async () => {
    const ran = await admin.ok(`USE taxi;
CREATE TABLE dbo.collated (cs varchar(10) COLLATE Latin1_General_CS_AS, ci varchar(10), bin nvarchar(10) COLLATE Latin1_General_BIN2, ai varchar(10) COLLATE Latin1_General_CI_AI);
INSERT dbo.collated VALUES ('a', 'a', 'a', 'é'), ('A', 'A', 'A', 'E'), ('b', 'b', 'b', 'e'), ('B', 'B', 'B', 'x');
SELECT COUNT(*) FROM dbo.collated WHERE cs = 'a';
SELECT COUNT(*) FROM dbo.collated WHERE ci = 'a';
SELECT COUNT(*) FROM dbo.collated WHERE ci = 'a' COLLATE Latin1_General_CS_AS;
SELECT COUNT(*) FROM dbo.collated WHERE ai = 'e';
SELECT COUNT(*) FROM dbo.collated WHERE cs LIKE 'a%';
SELECT cs FROM dbo.collated ORDER BY cs;
SELECT bin FROM dbo.collated ORDER BY bin;
SELECT ci FROM dbo.collated ORDER BY ci COLLATE Latin1_General_BIN2;
SELECT CASE WHEN 'a' = 'A' COLLATE Latin1_General_100_CI_AS_SC_UTF8 THEN 1 ELSE 0 END, CASE WHEN 'a' = 'A' COLLATE SQL_Latin1_General_CP1_CS_AS THEN 1 ELSE 0 END;
SELECT COUNT(DISTINCT cs), COUNT(DISTINCT ci), CHARINDEX('B', 'abAB' COLLATE Latin1_General_CS_AS), CHARINDEX('B', 'abAB'), REPLACE('aAa' COLLATE Latin1_General_BIN2, 'a', 'x') FROM dbo.collated;`);
    const sets = ran.resultSets.map((r) => r.rows.map((row) => row[0]));
    assert.deepEqual(sets.slice(0, 5), [[1], [2], [1], [3], [1]]);
    assert.deepEqual(sets[5], ['a', 'A', 'b', 'B'], 'Latin1_General_CS_AS sorts lower case first, letter by letter');
    assert.deepEqual(sets[6], ['A', 'B', 'a', 'b'], '_BIN2 sorts by code point');
    assert.deepEqual(sets[7], ['A', 'B', 'a', 'b']);
    assert.deepEqual(ran.resultSets[8]!.rows, [[1, 0]]);
    assert.deepEqual(ran.resultSets[9]!.rows, [[4, 2, 4, 2, 'xAx']], 'COUNT(DISTINCT), CHARINDEX and REPLACE respect case only under a case-sensitive collation');
  });

  test("COLLATE errors: SQL Server's 468, 447 and 448; a collation the instance can't honour is refused at its name", async () => {
    const conflict = await admin.run("USE taxi;\nSELECT COUNT(*) FROM dbo.collated WHERE cs = bin;");
    assert.deepEqual(conflict.errors.map((e) => [e.number, e.text]), [[468, 'Cannot resolve the collation conflict between "Latin1_General_CS_AS" and "Latin1_General_BIN2" in the equal to operation.']]);
    assert.deepEqual(await admin.errorNumbers('SELECT 1 COLLATE Latin1_General_BIN2;'), [447]);
    assert.deepEqual(await admin.errorNumbers("SELECT 1 WHERE 'a' = 'b' COLLATE Nonsense;"), [448]);
    const refused = await admin.run("SELECT 1 WHERE 'i' = 'I' COLLATE Turkish_CI_AS;");
    assert.deepEqual(refused.errors.map((e) => e.number), [59001]);
    assert.match(refused.errors[0]!.text, /^The collation Turkish_CI_AS /);
  });
});
