// The T-SQL the embedded instance runs, statement kind by statement kind, and how it fails: syntax
// errors stop their batch only, run-time errors end their statement or their batch as in SQL
// Server, every error carries SQL Server's number and the line in the submitted text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, type Session } from './engineBed';

const bed = new EngineBed('tsql');
let s: Session;

before(async () => {
  await bed.open({ maxRows: 50 });
  s = await bed.connect();
  await s.ok('CREATE DATABASE appdb;\nGO\nUSE appdb;');
});

after(async () => {
  await bed.remove();
});

/** What PRINT and RAISERROR said (row counts and notices have no message number). */
const texts = (ran: { messages: { kind: string; number: number | null; text: string }[] }) => ran.messages.filter((m) => m.kind === 'info' && m.number !== null).map((m) => m.text);
const notices = (ran: { messages: { kind: string; number: number | null; text: string }[] }) => ran.messages.filter((m) => m.kind === 'info' && m.number === null).map((m) => m.text);

describe('batches and errors', () => {
  test('a syntax error is Msg 102 at its line; its batch does not run, the next one does', async () => {
    const ran = await s.run("PRINT 'first';\nSELEC 1;\nGO\nPRINT 'second';");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [[102, 1, "Incorrect syntax near 'SELEC'."]]);
    assert.deepEqual(texts(ran), ['second']);
    assert.deepEqual(ran.outcome.batches.map((b) => b.line), [0, 3]);
  });

  test('an invalid object name ends the batch at that statement (Msg 208); GO n repeats a batch', async () => {
    const ran = await s.run("PRINT 'a';\nSELECT * FROM dbo.nowhere;\nPRINT 'not reached';\nGO\nPRINT 'b';\nGO 2");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.severity, e.line, e.text]), [[208, 16, 1, "Invalid object name 'dbo.nowhere'."]]);
    assert.deepEqual(texts(ran), ['a', 'b', 'b']);
  });

  test('a statement-level error lets the batch go on; @@ERROR tells it', async () => {
    const ran = await s.run("CREATE TABLE #k (id int PRIMARY KEY);\nINSERT INTO #k VALUES (1);\nINSERT INTO #k VALUES (1);\nPRINT CONCAT('error ', @@ERROR);\nDROP TABLE #k;");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[2627, 2]]);
    assert.match(ran.errors[0]!.text, /^Violation of PRIMARY KEY constraint .*The duplicate key value is \(1\)\.$/);
    assert.ok(texts(ran).includes('error 2627'));
  });

  test('NOT NULL: Msg 515 with the column and table', async () => {
    const ran = await s.run('CREATE TABLE dbo.nn (id int NOT NULL);\nINSERT INTO dbo.nn VALUES (NULL);\nDROP TABLE dbo.nn;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[515, "Cannot insert the value NULL into column 'id', table 'appdb.dbo.nn'; column does not allow nulls. INSERT fails."]]);
  });

  test('XACT_STATE() in a CATCH block tells whether a transaction is open to roll back; ROWCOUNT_BIG() is @@ROWCOUNT as bigint; TYPE_NAME and TYPE_ID', async () => {
    const ran = await s.ok(`CREATE TABLE #x (id int PRIMARY KEY);
BEGIN TRY
  BEGIN TRANSACTION;
  INSERT INTO #x VALUES (1), (2);
  PRINT CONCAT('rows ', ROWCOUNT_BIG(), ', state ', XACT_STATE());
  THROW 50001, 'stop here', 1;
  COMMIT;
END TRY
BEGIN CATCH
  PRINT CONCAT('caught ', ERROR_NUMBER(), ', state ', XACT_STATE());
  IF XACT_STATE() <> 0 ROLLBACK;
END CATCH
PRINT CONCAT('after: ', XACT_STATE(), ' ', @@TRANCOUNT, ' ', (SELECT COUNT(*) FROM #x));
SELECT TYPE_NAME(56), TYPE_NAME(231), TYPE_ID('nvarchar'), TYPE_ID('datetime2'), TYPE_NAME(9999);
DROP TABLE #x;`);
    assert.deepEqual(texts(ran), ['rows 2, state 1', 'caught 50001, state 1', 'after: 0 0 0']);
    assert.deepEqual(ran.resultSets[0]!.rows, [['int', 'nvarchar', 231, 42, null]]);
  });

  test('a table variable is named in messages as written, not by the name it is stored under', async () => {
    const ran = await s.run('DECLARE @nn TABLE (id int NOT NULL);\nINSERT INTO @nn VALUES (NULL);');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[515, "Cannot insert the value NULL into column 'id', table 'tempdb.dbo.@nn'; column does not allow nulls. INSERT fails."]]);
  });

  test('what the instance does not run is a positioned Msg 59001, and the batch goes on', async () => {
    const ran = await s.run("CREATE TRIGGER dbo.tr ON dbo.t AFTER INSERT AS SELECT 1 AS x;\nGO\nPRINT 'after';\nDBCC CHECKDB;\nPRINT 'still';");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[59001, 0], [59001, 3]]);
    assert.match(ran.errors[0]!.text, /not supported by the embedded instance\.$/);
    assert.deepEqual(texts(ran), ['after', 'still']);
  });

  test('variables belong to their batch: Msg 137 in the next one', async () => {
    const ran = await s.run('DECLARE @x int = 41;\nSET @x += 1;\nSELECT @x;\nGO\nSELECT @x;');
    assert.deepEqual(ran.resultSets[0]!.rows, [[42]]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [[137, 4, 'Must declare the scalar variable "@x".']]);
  });

  test('a cancelled run stops where it is and says so', async () => {
    const controller = new AbortController();
    const outcome = await s.inner.run({
      text: "PRINT 'go';\nWAITFOR DELAY '00:10:00';\nPRINT 'never';",
      signal: controller.signal,
      onMessage: (m) => m.text === 'go' && controller.abort(),
    });
    const messages = outcome.batches.flatMap((b) => b.messages).map((m) => m.text);
    assert.deepEqual(messages, ['go', 'Query was cancelled by user.']);
  });
});

describe('control of flow', () => {
  test('IF / ELSE, WHILE with BREAK and CONTINUE, BEGIN ... END', async () => {
    const ran = await s.ok(`DECLARE @i int = 0, @total int = 0;
WHILE @i < 10
BEGIN
  SET @i += 1;
  IF @i % 2 = 0 CONTINUE;
  IF @i > 7 BREAK;
  SET @total += @i;
END
IF @total = 16 PRINT 'sum of odd numbers below 8' ELSE PRINT 'wrong';`);
    assert.deepEqual(texts(ran), ['sum of odd numbers below 8']);
  });

  test('TRY ... CATCH sees ERROR_NUMBER, ERROR_MESSAGE and ERROR_LINE; THROW re-raises', async () => {
    const ran = await s.run(`BEGIN TRY
  SELECT 1 / 0;
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER(), ERROR_MESSAGE(), ERROR_LINE();
END CATCH
GO
BEGIN TRY
  THROW 50001, N'custom failure', 3;
END TRY
BEGIN CATCH
  PRINT CONCAT(ERROR_NUMBER(), ' ', ERROR_STATE());
  THROW;
END CATCH
PRINT 'not reached';`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[8134, 'Divide by zero error encountered.', 2]]);
    assert.deepEqual(texts(ran), ['50001 3']);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.state, e.text]), [[50001, 3, 'custom failure']]);
  });

  test('RAISERROR: severity 10 or less is a message, above it an error that lets the batch go on', async () => {
    const ran = await s.run("RAISERROR('note %s %d', 10, 1, N'x', 5);\nRAISERROR('bad thing', 16, 2);\nPRINT 'after';");
    assert.deepEqual(texts(ran), ['note x 5', 'after']);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.severity, e.state, e.text]), [[50000, 16, 2, 'bad thing']]);
  });

  test('transactions: ROLLBACK undoes, COMMIT keeps, COMMIT without BEGIN is Msg 3902', async () => {
    const ran = await s.run(`CREATE TABLE dbo.tx (x int);
BEGIN TRANSACTION; INSERT INTO dbo.tx VALUES (1); ROLLBACK;
BEGIN TRAN; INSERT INTO dbo.tx VALUES (2); SELECT @@TRANCOUNT; COMMIT;
SELECT x FROM dbo.tx;
COMMIT;
DROP TABLE dbo.tx;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[1]], [[2]]]);
    assert.deepEqual(ran.errors.map((e) => e.number), [3902]);
  });
});

describe('tables and data', () => {
  test('CREATE TABLE, INSERT VALUES and SELECT, UPDATE, DELETE, TRUNCATE with row counts', async () => {
    const ran = await s.ok(`CREATE TABLE dbo.people (id int IDENTITY(1, 1) PRIMARY KEY, [name] nvarchar(50) NOT NULL, score decimal(5, 2), joined datetime DEFAULT '2024-01-05');
INSERT INTO dbo.people (name, score) VALUES (N'Ann', 9.5), (N'Bob', 7.25), (N'Cy', NULL);
UPDATE dbo.people SET score = score + 1 WHERE name = N'bob';
DELETE FROM dbo.people WHERE score IS NULL;
SELECT TOP 1 id, [name], score, joined FROM dbo.people ORDER BY score;
INSERT INTO dbo.people (name) SELECT UPPER(name) FROM dbo.people;
SELECT COUNT(*) FROM dbo.people;
TRUNCATE TABLE dbo.people;
SELECT COUNT(*) FROM dbo.people;`);
    assert.deepEqual(notices(ran).slice(0, 4), ['(3 rows affected)', '(1 row affected)', '(1 row affected)', '(1 row affected)']);
    assert.deepEqual(ran.resultSets[0]!.columns, [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'nvarchar(50)' },
      { name: 'score', type: 'decimal(5,2)' },
      { name: 'joined', type: 'datetime' },
    ]);
    assert.deepEqual(ran.resultSets[0]!.rows, [[2, 'Bob', 8.25, '2024-01-05 00:00:00.000']]);
    assert.deepEqual(ran.resultSets.slice(1).map((r) => r.rows), [[[4]], [[0]]]);
  });

  test('SELECT ... INTO, #temp tables per connection, table variables per batch', async () => {
    await s.ok("SELECT 1 AS n, N'one' AS word INTO #words; INSERT INTO #words VALUES (2, N'two');");
    assert.deepEqual((await s.ok('SELECT word FROM #words ORDER BY n;')).column(), ['one', 'two']);
    const other = await bed.connect();
    const elsewhere = await other.run('SELECT * FROM #words;');
    assert.deepEqual(elsewhere.errors.map((e) => e.number), [208]);
    const ran = await s.run('DECLARE @t TABLE (x int); INSERT INTO @t VALUES (5); SELECT x FROM @t;\nGO\nSELECT x FROM @t;');
    assert.deepEqual(ran.resultSets[0]!.rows, [[5]]);
    assert.deepEqual(ran.errors.map((e) => e.number), [1087]);
    await s.ok('DROP TABLE #words;');
  });

  test('CREATE TABLE twice is Msg 2714; DROP TABLE of a missing table is Msg 3701 unless IF EXISTS', async () => {
    const ran = await s.run('CREATE TABLE dbo.twice (x int);\nCREATE TABLE dbo.twice (x int);\nDROP TABLE dbo.twice;\nDROP TABLE dbo.twice;\nDROP TABLE IF EXISTS dbo.twice;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [
      [2714, 1, "There is already an object named 'twice' in the database."],
      [3701, 3, "Cannot drop the table 'dbo.twice', because it does not exist or you do not have permission."],
    ]);
  });

  test('a huge result is cut at the instance\'s row limit, with a message', async () => {
    const ran = await s.ok('CREATE TABLE dbo.many (x int); DECLARE @i int = 0; WHILE @i < 60 BEGIN INSERT INTO dbo.many VALUES (@i); SET @i += 1; END\nSELECT x FROM dbo.many;');
    assert.equal(ran.resultSets[0]!.rows.length, 50);
    assert.ok(notices(ran).includes("The result set was cut at 50 rows (the instance's row limit)."));
  });

  test('sys.tables, SCHEMA_NAME, OBJECT_ID and sp_describe_first_result_set describe what exists', async () => {
    const ran = await s.ok(`CREATE TABLE dbo.described (id int NOT NULL, label nvarchar(30), price decimal(10, 2), blob varbinary(max));
SELECT t.name, SCHEMA_NAME(t.schema_id) FROM sys.tables t WHERE t.name = 'described';
SELECT CASE WHEN OBJECT_ID('dbo.described') IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN OBJECT_ID('dbo.missing') IS NULL THEN 1 ELSE 0 END;
EXEC sp_describe_first_result_set @tsql = N'SELECT id, label AS name, price * 2 AS doubled, blob FROM dbo.described';`);
    assert.deepEqual(ran.resultSets[0]!.rows, [['described', 'dbo']]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[1, 1]]);
    const described = ran.resultSets[2]!;
    assert.deepEqual(described.columns.map((c) => c.name), ['is_hidden', 'column_ordinal', 'name', 'is_nullable', 'system_type_name']);
    assert.deepEqual(described.rows.map((r) => [r[2], r[4]]), [['id', 'int'], ['name', 'nvarchar(30)'], ['doubled', 'decimal(21,2)'], ['blob', 'varbinary(max)']]);
  });
});

describe('queries: order and set operations', () => {
  test('a bare NULL in a UNION takes the other query\'s type: binary, date and uniqueidentifier columns', async () => {
    const ran = await s.ok(
      "SELECT 0x01 AS b UNION ALL SELECT NULL;\nSELECT NULL AS d UNION ALL SELECT CAST('2020-01-01' AS date);\nSELECT NULL AS g UNION ALL SELECT NULL UNION ALL SELECT CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier);",
    );
    assert.deepEqual(ran.resultSets.map((r) => r.columns.map((c) => c.type)), [['varbinary(1)'], ['date'], ['uniqueidentifier']]);
    assert.deepEqual(ran.resultSets.map((r) => r.rows.length), [2, 2, 3]);
    assert.deepEqual(ran.resultSets[0]!.rows, [['0x01'], [null]]);
  });

  test('NULL sorts below every value, as in SQL Server: first ascending, last descending, in ORDER BY and OVER', async () => {
    const ran = await s.ok(
      'DECLARE @v TABLE (x int);\nINSERT INTO @v VALUES (2), (NULL), (1);\n' +
        'SELECT x FROM @v ORDER BY x;\nSELECT x FROM @v ORDER BY x DESC;\nSELECT x, ROW_NUMBER() OVER (ORDER BY x) AS n FROM @v ORDER BY n;',
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [[null], [1], [2]],
      [[2], [1], [null]],
      [[null, 1], [1, 2], [2, 3]],
    ]);
  });
});

describe('functions', () => {
  test('STR right-aligns a rounded number in its length, with fewer decimals or stars when it does not fit', async () => {
    const ran = await s.ok("SELECT STR(3.14159), STR(2.5), STR(-1.5, 5, 1), STR(123.456, 8, 2), STR(123.456, 5, 2), STR(12345.6, 3), STR(CAST(NULL AS float)), STR(1, 0);");
    assert.deepEqual(ran.resultSets[0]!.rows, [['         3', '         3', ' -1.5', '  123.46', '123.5', '***', null, null]]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type).slice(0, 4), ['varchar(10)', 'varchar(10)', 'varchar(5)', 'varchar(8)']);
  });

  test('UPPER maps one character to one and leaves ß as it is, in nvarchar and varchar; LOWER of the capital ẞ is ß', async () => {
    const ran = await s.ok("SELECT UPPER(N'straße äöü'), UPPER('maß'), UPPER(N'ẞ'), LOWER(N'STRAẞE'), UPPER(CAST(NULL AS nvarchar(5)));");
    assert.deepEqual(ran.resultSets[0]!.rows, [['STRAßE ÄÖÜ', 'MAß', 'ẞ', 'straße', null]]);
  });

  test('PERCENTILE_CONT interpolates and PERCENTILE_DISC picks a value, per partition, in either order; NULLs are left out', async () => {
    const ran = await s.run(
      [
        "DECLARE @t TABLE (g char(1), x tinyint); INSERT INTO @t VALUES ('a', 1), ('a', 2), ('a', 3), ('a', 4), ('b', 10), ('b', NULL);",
        "SELECT g, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY g), PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY x DESC) OVER (PARTITION BY g),",
        '  PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY g), PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x DESC) OVER (PARTITION BY g)',
        'FROM @t ORDER BY g, x;',
        "SELECT TOP 1 PERCENTILE_DISC(0.6) WITHIN GROUP (ORDER BY d) OVER () FROM (VALUES (CAST('2024-01-01' AS date)), ('2024-03-01'), ('2024-02-01')) v(d);",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY s) OVER () FROM (VALUES (N'a')) v(s);",
        'GO',
        'SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1)) v(x);',
        'GO',
        'SELECT PERCENTILE_DISC(0.5) OVER () FROM (VALUES (1)) v(x);',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets[0]!.rows.map((r) => r.slice(1)), [
      [2.5, 3.25, 2, 3],
      [2.5, 3.25, 2, 3],
      [2.5, 3.25, 2, 3],
      [2.5, 3.25, 2, 3],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type).slice(1), ['float', 'float', 'tinyint', 'tinyint']);
    assert.deepEqual([ran.resultSets[1]!.columns[0]!.type, ran.resultSets[1]!.rows], ['date', [['2024-02-01 00:00:00.000']]]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [
      [8117, 5, 'Operand data type nvarchar is invalid for percentile_cont operator.'],
      [10753, 7, "The function 'PERCENTILE_CONT' must have an OVER clause."],
      [10754, 9, "The function 'PERCENTILE_DISC' must have a WITHIN GROUP clause."],
    ]);
  });
});

describe('MERGE', () => {
  test('MERGE updates, deletes and inserts by its WHEN clauses (with AND conditions, BY SOURCE), values stored as the columns\' types; the row count is every row it changed', async () => {
    const ran = await s.run(
      [
        "CREATE TABLE dbo.scores (id int PRIMARY KEY, score decimal(5,2) NOT NULL, note varchar(10)); INSERT dbo.scores VALUES (1, 0.5, 'old'), (2, 0.25, 'old'), (5, 0.75, 'old'), (6, 0.1, 'old');",
        'DECLARE @fresh TABLE (id int, score float); INSERT @fresh VALUES (1, 0.9), (2, -1), (3, 0.333);',
        "MERGE dbo.scores AS t USING @fresh AS s ON t.id = s.id WHEN MATCHED AND s.score < 0 THEN DELETE WHEN MATCHED THEN UPDATE SET score = s.score, note = 'new'",
        "  WHEN NOT MATCHED THEN INSERT (id, score, note) VALUES (s.id, s.score, 'new') WHEN NOT MATCHED BY SOURCE AND t.id > 5 THEN DELETE;",
        'SELECT id, score, note FROM dbo.scores ORDER BY id;',
        'MERGE INTO dbo.scores USING (SELECT 1 AS id UNION ALL SELECT 1) AS s ON scores.id = s.id WHEN MATCHED THEN UPDATE SET score = 0;',
        'MERGE INTO dbo.scores USING (SELECT 4 AS id) AS s ON scores.id = s.id WHEN NOT MATCHED THEN INSERT (id, score) VALUES (s.id, NULL);',
        'SELECT COUNT(*) FROM dbo.scores WHERE score = 0;',
        'DROP TABLE dbo.scores;',
        'GO',
        'MERGE dbo.scores USING dbo.scores s ON 1 = 1 WHEN MATCHED THEN DELETE',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [
        [1, 0.9, 'new'],
        [3, 0.33, 'new'],
        [5, 0.75, 'old'],
      ],
      [[0]],
    ]);
    assert.deepEqual(notices(ran).filter((n) => /affected/.test(n)).slice(2, 3), ['(4 rows affected)']);
    assert.deepEqual(ran.errors.map((e) => e.number), [8672, 515, 10713]);
  });

  test('a WITH clause before INSERT ... SELECT, MERGE, UPDATE and DELETE runs; writing through a CTE over no table is Msg 59001', async () => {
    const ran = await s.run(
      [
        'CREATE TABLE dbo.totals (g char(1) PRIMARY KEY, n int);',
        "WITH t AS (SELECT 'a' AS g, 1 AS n UNION ALL SELECT 'b', 2) INSERT INTO dbo.totals (g, n) SELECT g, n FROM t;",
        "WITH fresh AS (SELECT 'b' AS g, 20 AS n UNION ALL SELECT 'c', 30) MERGE dbo.totals AS d USING fresh ON d.g = fresh.g WHEN MATCHED THEN UPDATE SET n = fresh.n WHEN NOT MATCHED THEN INSERT VALUES (fresh.g, fresh.n);",
        "WITH fresh AS (SELECT 'a' AS g) MERGE dbo.totals AS d USING (SELECT g FROM fresh) AS f ON d.g = f.g WHEN MATCHED THEN DELETE;",
        'SELECT g, n FROM dbo.totals ORDER BY g;',
        // The CTE joined in FROM; a second CTE reading the first; a CTE in a WHERE subquery.
        "WITH bonus AS (SELECT 'b' AS g, 5 AS extra), doubled AS (SELECT g, extra * 2 AS extra FROM bonus) UPDATE d SET n = d.n + doubled.extra FROM dbo.totals AS d JOIN doubled ON doubled.g = d.g;",
        "WITH gone (g) AS (SELECT 'c') DELETE FROM dbo.totals WHERE g IN (SELECT g FROM gone);",
        'SELECT g, n FROM dbo.totals ORDER BY g;',
        'GO',
        // A CTE over no table has no rows of a table to write: refused with what it is, not as an unknown table.
        "WITH c AS (SELECT 1 AS a) UPDATE c SET a = 2;",
        'GO',
        'DROP TABLE dbo.totals;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [
        ['b', 20],
        ['c', 30],
      ],
      [['b', 30]],
    ]);
    assert.deepEqual(notices(ran).filter((n) => /affected/.test(n)).slice(-2), ['(1 row affected)', '(1 row affected)']);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [
      [59001, 'UPDATE or DELETE of a common table expression that does not read exactly one table (with no DISTINCT, GROUP BY or set operator) is not supported by the embedded instance.'],
    ]);
  });
});

describe('UPDATE and DELETE through a common table expression', () => {
  test('the ROW_NUMBER() way of removing duplicates deletes the table\'s rows the CTE\'s WHERE chooses (keys compared as the column\'s collation compares)', async () => {
    const ran = await s.ok(`CREATE TABLE dbo.readings (id int IDENTITY, sensor nvarchar(10), value float);
INSERT INTO dbo.readings (sensor, value) VALUES (N'a', 1), (N'a', 2), (N'A', 3), (N'b', 4), (N'c', 5), (N'c', 6);
WITH ranked AS (SELECT sensor, ROW_NUMBER() OVER (PARTITION BY sensor ORDER BY id) AS rn FROM dbo.readings)
DELETE FROM ranked WHERE rn > 1;
SELECT id, sensor, value FROM dbo.readings ORDER BY id;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'a', 1], [4, 'b', 4], [5, 'c', 5]]);
    assert.deepEqual(notices(ran).slice(1, 2), ['(3 rows affected)']);
  });

  test('UPDATE through a CTE: TOP ... ORDER BY chooses the rows, a column renamed by the CTE or its column list is the table\'s, += works; a computed column is Msg 4406; a column list beside * is not run', async () => {
    const ran = await s.run(`WITH top2 AS (SELECT TOP (2) * FROM dbo.readings ORDER BY value DESC) UPDATE top2 SET value = value * 100;
WITH named (name_, reading) AS (SELECT sensor, value FROM dbo.readings WHERE sensor = N'a') UPDATE named SET reading += 0.5, name_ = N'a2';
WITH renamed AS (SELECT id, value AS v FROM dbo.readings AS r WHERE r.id = 4) UPDATE renamed SET v = -1;
SELECT id, sensor, value FROM dbo.readings ORDER BY id;
GO
WITH calc AS (SELECT id, value * 2 AS twice FROM dbo.readings) UPDATE calc SET twice = 1;
GO
WITH calc AS (SELECT id FROM dbo.readings) UPDATE calc SET id = 1;
GO
WITH listed (a, b, c) AS (SELECT * FROM dbo.readings) DELETE FROM listed WHERE a = 1;
GO
DROP TABLE dbo.readings;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'a2', 1.5], [4, 'b', -1], [5, 'c', 500]]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [
      [4406, "Update or insert of view or function 'calc' failed because it contains a derived or constant field."],
      [8102, "Cannot update identity column 'id'."],
      [59001, 'UPDATE or DELETE through a common table expression with a column list and * is not supported by the embedded instance.'],
    ]);
  });

  test('the table under the CTE needs the permission: DELETE through a CTE without DELETE on it is Msg 229', async () => {
    await s.ok(`CREATE TABLE dbo.guarded (id int, k int);
INSERT INTO dbo.guarded VALUES (1, 1), (2, 1);
CREATE LOGIN cte_reader WITH PASSWORD = 'Pw-cte-reader-1!';
CREATE USER cte_reader FOR LOGIN cte_reader;
GRANT SELECT ON dbo.guarded TO cte_reader;`);
    const reader = await bed.connect({ name: 'cte_reader', password: 'Pw-cte-reader-1!' });
    const ran = await reader.run('USE appdb;\nWITH d AS (SELECT k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY id) AS rn FROM dbo.guarded) DELETE FROM d WHERE rn > 1;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[229, "The DELETE permission was denied on the object 'guarded', database 'appdb', schema 'dbo'."]]);
    assert.deepEqual((await s.ok('SELECT COUNT(*) FROM dbo.guarded;\nDROP TABLE dbo.guarded;')).column(), [2]);
  });
});

describe('identity values', () => {
  test('IDENT_CURRENT is the last identity value any session drew for the table (the seed before the first, again after TRUNCATE); IDENT_SEED and IDENT_INCR; NULL without one or for a table the caller may not see', async () => {
    await s.ok('CREATE TABLE dbo.tickets (id int IDENTITY(100, 10), note nvarchar(10));\nCREATE TABLE dbo.plain (id int);');
    const before = await s.ok("SELECT IDENT_CURRENT('dbo.tickets'), IDENT_SEED('dbo.tickets'), IDENT_INCR('[dbo].[tickets]'), IDENT_CURRENT('dbo.plain'), IDENT_CURRENT('dbo.nowhere');");
    assert.deepEqual(before.resultSets[0]!.rows, [[100, 100, 10, null, null]]);
    const other = await bed.connect();
    await other.ok("USE appdb;\nINSERT INTO dbo.tickets (note) VALUES (N'a'), (N'b');");
    assert.deepEqual((await s.ok("SELECT IDENT_CURRENT('appdb.dbo.tickets');")).column(), [110], "another session's inserts count");
    await s.ok("CREATE LOGIN ticket_peeker WITH PASSWORD = 'Pw-peek-1!';\nCREATE USER ticket_peeker FOR LOGIN ticket_peeker;");
    const peeker = await bed.connect({ name: 'ticket_peeker', password: 'Pw-peek-1!' });
    assert.deepEqual((await peeker.ok("USE appdb;\nSELECT IDENT_CURRENT('dbo.tickets');")).column(), [null]);
    assert.deepEqual((await s.ok("TRUNCATE TABLE dbo.tickets;\nSELECT IDENT_CURRENT('dbo.tickets');\nDROP TABLE dbo.tickets, dbo.plain;")).column(), [100]);
  });

  test('SCOPE_IDENTITY() is the last identity value this batch or procedure inserted, @@IDENTITY the session\'s; an INSERT of no rows changes neither', async () => {
    const ran = await s.run(
      [
        'CREATE TABLE dbo.models (id int IDENTITY(100, 5) PRIMARY KEY, name nvarchar(20));',
        'GO',
        "CREATE PROCEDURE dbo.add_model AS INSERT dbo.models (name) VALUES (N'inner');",
        'GO',
        "SELECT SCOPE_IDENTITY(); INSERT dbo.models (name) VALUES (N'a'), (N'b'); SELECT SCOPE_IDENTITY(), @@IDENTITY;",
        'EXEC dbo.add_model; SELECT SCOPE_IDENTITY(), @@IDENTITY;',
        'INSERT dbo.models (name) SELECT name FROM dbo.models WHERE 1 = 0; SELECT SCOPE_IDENTITY();',
        'GO',
        'SELECT SCOPE_IDENTITY(), @@IDENTITY;',
        'DROP PROCEDURE dbo.add_model; DROP TABLE dbo.models;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]), [
      [null],
      [105, 105],
      [105, 110],
      [105],
      [null, 110],
    ]);
  });
});

describe('window frames and patterns', () => {
  test('ROWS and RANGE frames: running totals, moving averages, peers, LAST_VALUE to the end; SQL Server\'s errors for frames it refuses', async () => {
    const ran = await s.run(
      [
        "DECLARE @t TABLE (g char(1), id int, v int); INSERT @t VALUES ('a',1,10),('a',2,20),('a',3,30),('b',4,5),('b',5,5),('b',6,7);",
        'SELECT id, SUM(v) OVER (PARTITION BY g ORDER BY id ROWS UNBOUNDED PRECEDING), AVG(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING),',
        '  SUM(v) OVER (PARTITION BY g ORDER BY v RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),',
        '  LAST_VALUE(v) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), COUNT(*) OVER (ORDER BY id ROWS 2 PRECEDING)',
        'FROM @t ORDER BY id;',
        'GO',
        'SELECT SUM(1) OVER (ROWS UNBOUNDED PRECEDING);',
        'GO',
        'SELECT ROW_NUMBER() OVER (ORDER BY (SELECT 1) ROWS UNBOUNDED PRECEDING);',
        'GO',
        'SELECT SUM(1) OVER (ORDER BY 1 RANGE 1 PRECEDING);',
        'GO',
        'SELECT SUM(1) OVER (ORDER BY 1 ROWS 1 FOLLOWING);',
        'GO',
        'SELECT SUM(1) OVER (ORDER BY 1 ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING);',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [
      [1, 10, 15, 10, 30, 1],
      [2, 30, 20, 30, 30, 2],
      [3, 60, 18, 60, 30, 3],
      [4, 5, 13, 10, 7, 3],
      [5, 10, 5, 10, 7, 3],
      [6, 17, 6, 17, 7, 3],
    ]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [
      [10756, 6, 'Window frame with ROWS or RANGE must have an ORDER BY clause.'],
      [10752, 8, "The function 'ROW_NUMBER' may not have a window frame."],
      [4194, 10, 'RANGE is only supported with UNBOUNDED and CURRENT ROW window frame delimiters.'],
      [102, 12, "Incorrect syntax near 'FOLLOWING'."],
      [102, 14, "Incorrect syntax near 'PRECEDING'."],
    ]);
  });

  test('recursive CTEs: a hierarchy walked level by level, paths built, MAXRECURSION (100 by default, 0 for none) and SQL Server\'s refusals', async () => {
    const ran = await s.run(
      [
        "CREATE TABLE dbo.emp (id int, boss int, name nvarchar(20)); INSERT dbo.emp VALUES (1, NULL, N'ceo'), (2, 1, N'vp'), (3, 2, N'dev'), (4, 2, N'qa');",
        'WITH tree AS (SELECT id, name, 0 AS depth, CAST(name AS nvarchar(100)) AS path FROM dbo.emp WHERE boss IS NULL',
        "  UNION ALL SELECT e.id, e.name, t.depth + 1, CAST(t.path + N'/' + e.name AS nvarchar(100)) FROM dbo.emp e JOIN tree t ON e.boss = t.id)",
        'SELECT * FROM tree ORDER BY depth, id;',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 101) SELECT COUNT(*), MAX(n) FROM r;',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 1000) SELECT COUNT(*) FROM r OPTION (MAXRECURSION 0);',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 102) SELECT COUNT(*) FROM r;',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT COUNT(*) FROM r OPTION (MAXRECURSION 5);',
        'DROP TABLE dbo.emp;',
        'GO',
        'WITH r AS (SELECT 1 AS n UNION SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r;',
        'GO',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT MAX(n) + 1 FROM r WHERE n < 3) SELECT * FROM r;',
        'GO',
        'WITH r AS (SELECT 1 AS n UNION ALL SELECT 2 WHERE EXISTS (SELECT 1 FROM r)) SELECT * FROM r;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [
        [1, 'ceo', 0, 'ceo'],
        [2, 'vp', 1, 'ceo/vp'],
        [3, 'dev', 2, 'ceo/vp/dev'],
        [4, 'qa', 2, 'ceo/vp/qa'],
      ],
      [[101, 101]],
      [[1000]],
    ]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.name), ['id', 'name', 'depth', 'path']);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [
      [530, 'The statement terminated. The maximum recursion 100 has been exhausted before statement completion.'],
      [530, 'The statement terminated. The maximum recursion 5 has been exhausted before statement completion.'],
      [252, "Recursive common table expression 'r' does not contain a top-level UNION ALL operator."],
      [467, "GROUP BY, HAVING, or aggregate functions are not allowed in the recursive part of a recursive common table expression 'r'."],
      [465, 'Recursive references are not allowed in subqueries.'],
    ]);
  });

  test('PIVOT turns values into columns (grouped by the other columns, COUNT 0 where none) and UNPIVOT columns into rows without NULLs', async () => {
    const ran = await s.run(
      [
        "CREATE TABLE dbo.sales (region nvarchar(10), quarter char(2), amount decimal(10,2), yr int);",
        "INSERT dbo.sales VALUES (N'east','Q1',10,2024),(N'east','Q2',20,2024),(N'west','Q1',5,2024),(N'east','Q1',1,2025),(N'west','Q3',7,2025);",
        'SELECT region, [Q1], [Q2], [Q3] FROM (SELECT region, quarter, amount FROM dbo.sales) s PIVOT (SUM(amount) FOR quarter IN ([Q1], [Q2], [Q3])) AS p ORDER BY region;',
        'SELECT * FROM dbo.sales PIVOT (COUNT(amount) FOR quarter IN ([Q1], [q2])) p ORDER BY region, yr;',
        'CREATE TABLE dbo.wide (id int, a int, b int, c int); INSERT dbo.wide VALUES (1, 10, NULL, 30), (2, 40, 50, 60);',
        'SELECT id, k, v FROM dbo.wide UNPIVOT (v FOR k IN (a, b, c)) AS u ORDER BY id, k;',
        'SELECT * FROM (SELECT id, a, CAST(b AS bigint) AS b FROM dbo.wide) w UNPIVOT (v FOR k IN (a, b)) AS u;',
        'DROP TABLE dbo.sales; DROP TABLE dbo.wide;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [
        ['east', 11, 20, null],
        ['west', 5, null, 7],
      ],
      [
        ['east', 2024, 1, 1],
        ['east', 2025, 1, 0],
        ['west', 2024, 1, 0],
        ['west', 2025, 0, 0],
      ],
      [
        [1, 'a', 10],
        [1, 'c', 30],
        [2, 'a', 40],
        [2, 'b', 50],
        [2, 'c', 60],
      ],
    ]);
    assert.deepEqual(ran.resultSets.map((r) => r.columns.map((c) => `${c.name}:${c.type}`)), [
      ['region:nvarchar(10)', 'Q1:decimal(38,2)', 'Q2:decimal(38,2)', 'Q3:decimal(38,2)'],
      ['region:nvarchar(10)', 'yr:int', 'Q1:int', 'q2:int'],
      ['id:int', 'k:nvarchar(128)', 'v:int'],
    ]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[8167, 'The type of column "b" conflicts with the type of other columns specified in the UNPIVOT list.']]);
  });

  test('FOR XML PATH builds lists (escaped as text, read back by .value()), elements and attributes in the query\'s order; a dynamic PIVOT from such a list runs', async () => {
    const ran = await s.run(
      [
        "CREATE TABLE dbo.f (id int, name nvarchar(20), grp char(1)); INSERT dbo.f VALUES (3, N'c&d', 'x'), (1, N'a<b', 'x'), (2, N'b', 'y'), (4, NULL, 'y');",
        "SELECT STUFF((SELECT ',' + name FROM dbo.f ORDER BY id FOR XML PATH('')), 1, 1, ''), STUFF((SELECT ',' + name FROM dbo.f ORDER BY id FOR XML PATH(''), TYPE).value('.', 'NVARCHAR(MAX)'), 1, 1, '');",
        "SELECT grp, STUFF((SELECT ', ' + QUOTENAME(name) FROM dbo.f i WHERE i.grp = o.grp ORDER BY id DESC FOR XML PATH(''), TYPE).value('(./text())[1]', 'nvarchar(max)'), 1, 2, '') FROM dbo.f o GROUP BY grp ORDER BY grp;",
        "SELECT id, name AS [@n], grp AS [my grp] FROM dbo.f WHERE id < 5 ORDER BY id DESC FOR XML PATH('item'), ROOT('items');",
        "SELECT (SELECT id FROM dbo.f WHERE id > 10 FOR XML PATH('')), (SELECT id AS [text()] FROM dbo.f ORDER BY id FOR XML PATH(''));",
        "DECLARE @cols nvarchar(max) = STUFF((SELECT DISTINCT ',' + QUOTENAME(grp) FROM dbo.f FOR XML PATH('')), 1, 1, '');",
        "EXEC (N'SELECT * FROM (SELECT grp, id FROM dbo.f) s PIVOT (SUM(id) FOR grp IN (' + @cols + N')) p');",
        "SELECT CAST('2024-01-02 10:11:12.123' AS datetime) AS at, CAST(1 AS bit) AS b FOR XML PATH('r');",
        "SELECT id AS [@id] FROM dbo.f FOR XML PATH('');",
        'DROP TABLE dbo.f;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [['a&lt;b,b,c&amp;d', 'a<b,b,c&d']],
      [
        ['x', '[c&d], [a<b]'],
        ['y', '[b]'],
      ],
      [['<items><item><id>4</id><my_x0020_grp>y</my_x0020_grp></item><item n="c&amp;d"><id>3</id><my_x0020_grp>x</my_x0020_grp></item><item n="b"><id>2</id><my_x0020_grp>y</my_x0020_grp></item><item n="a&lt;b"><id>1</id><my_x0020_grp>x</my_x0020_grp></item></items>']],
      [[null, '1234']],
      [[4, 6]],
      [['<r><at>2024-01-02T10:11:12.123</at><b>1</b></r>']],
    ]);
    assert.equal(ran.resultSets[2]!.columns[0]!.name, 'XML_F52E2B61-18A1-11d1-B105-00805F49916B');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[6864, 'Row tag omission (empty row tag name) cannot be used with attribute-centric FOR XML serialization.']]);
  });

  test('FOR JSON PATH writes rows as SQL Server does (nested by dotted names, NULLs left out or kept, ROOT, no wrapper) and OPENJSON reads JSON back as rows, by default or WITH typed paths', async () => {
    const ran = await s.run(
      [
        "CREATE TABLE dbo.j (id int, name nvarchar(20), score decimal(5,2), ok bit, born date, at datetime, note nvarchar(10));",
        "INSERT dbo.j VALUES (1, N'a\"b', 1.5, 1, '2024-01-02', '2024-01-02 10:11:12.123', NULL), (2, N'c', NULL, 0, NULL, NULL, N'x');",
        'SELECT id, name, score, ok, born, at, note FROM dbo.j ORDER BY id FOR JSON PATH;',
        "SELECT id AS [k.id], name AS [k.name], note FROM dbo.j ORDER BY id DESC FOR JSON PATH, ROOT('rows'), INCLUDE_NULL_VALUES;",
        'SELECT (SELECT id FROM dbo.j WHERE id = 1 FOR JSON PATH, WITHOUT_ARRAY_WRAPPER), (SELECT id FROM dbo.j WHERE id > 5 FOR JSON PATH);',
        'SELECT [key], value, type FROM OPENJSON(N\'{"a":1,"b":"x","c":[1,2],"d":null,"e":true,"f":{"g":1}}\');',
        'SELECT * FROM OPENJSON(N\'[{"id":1,"n":"a","tags":[1,2],"p":{"q":"deep"}},{"id":2,"n":"b"}]\') WITH (id int, n nvarchar(10), tags nvarchar(max) AS JSON, q nvarchar(10) \'$.p.q\') AS r;',
        "SELECT j.id, o.value FROM dbo.j CROSS APPLY OPENJSON(CONCAT(N'{\"n\":', j.id, N'}')) o ORDER BY j.id;",
        'DROP TABLE dbo.j;',
        'GO',
        "SELECT * FROM OPENJSON(N'{bad');",
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      ['[{"id":1,"name":"a\\"b","score":1.50,"ok":true,"born":"2024-01-02","at":"2024-01-02T10:11:12.123"},{"id":2,"name":"c","ok":false,"note":"x"}]'].map((v) => [v]),
      ['{"rows":[{"k":{"id":2,"name":"c"},"note":"x"},{"k":{"id":1,"name":"a\\"b"},"note":null}]}'].map((v) => [v]),
      [['{"id":1}', null]],
      [
        ['a', '1', 2],
        ['b', 'x', 1],
        ['c', '[1,2]', 4],
        ['d', null, 0],
        ['e', 'true', 3],
        ['f', '{"g":1}', 5],
      ],
      [
        [1, 'a', '[1,2]', 'deep'],
        [2, 'b', null, null],
      ],
      [
        [1, '1'],
        [2, '2'],
      ],
    ]);
    assert.equal(ran.resultSets[0]!.columns[0]!.name, 'JSON_F52E2B61-18A1-11d1-B105-00805F49916B');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[13609, 'JSON text is not properly formatted.']]);
  });

  test('the FROMPARTS functions build dates and times (NULL for a NULL part, datetime on its ticks); a part out of range is Msg 289, a precision not constant Msg 10760', async () => {
    const ran = await s.run(
      [
        'SELECT DATEFROMPARTS(2024, 2, 29), DATETIMEFROMPARTS(2024, 1, 2, 3, 4, 5, 2), DATETIME2FROMPARTS(2024, 1, 2, 3, 4, 5, 5, 1), SMALLDATETIMEFROMPARTS(2024, 1, 2, 3, 4), TIMEFROMPARTS(13, 14, 15, 123, 3), DATEFROMPARTS(2024, NULL, 1);',
        'GO',
        'SELECT DATEFROMPARTS(2023, 2, 29);',
        'GO',
        'SELECT TIMEFROMPARTS(1, 2, 3, 1000, 3);',
        'GO',
        'DECLARE @p int = 3; SELECT TIMEFROMPARTS(1, 2, 3, 1, @p);',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [['2024-02-29 00:00:00.000', '2024-01-02 03:04:05.003', '2024-01-02 03:04:05.500', '2024-01-02 03:04:00.000', '13:14:15.123', null]]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['date', 'datetime', 'datetime2(1)', 'smalldatetime', 'time(3)', 'date']);
    assert.deepEqual(ran.errors.map((e) => e.number), [289, 289, 10760]);
  });

  test('ROLLUP, CUBE and GROUPING SETS add subtotal rows (NULL where rolled up); GROUPING and GROUPING_ID tell them apart', async () => {
    const ran = await s.ok(
      [
        "DECLARE @t TABLE (region char(1), yr int, amt int); INSERT @t VALUES ('a', 2024, 1), ('a', 2025, 2), ('b', 2024, 4);",
        'SELECT region, yr, SUM(amt), GROUPING(region), GROUPING_ID(region, yr) FROM @t GROUP BY ROLLUP (region, yr) ORDER BY GROUPING(region), region, GROUPING(yr), yr;',
        'SELECT region, SUM(amt) FROM @t GROUP BY region WITH ROLLUP ORDER BY GROUPING(region), region;',
        'SELECT region, yr, SUM(amt) FROM @t GROUP BY CUBE (region, yr) HAVING GROUPING_ID(region, yr) = 2 ORDER BY yr;',
        'SELECT region, yr, SUM(amt) FROM @t GROUP BY GROUPING SETS ((region), (yr), ()) ORDER BY region, yr;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [
        ['a', 2024, 1, 0, 0],
        ['a', 2025, 2, 0, 0],
        ['a', null, 3, 0, 1],
        ['b', 2024, 4, 0, 0],
        ['b', null, 4, 0, 1],
        [null, null, 7, 1, 3],
      ],
      [
        ['a', 3],
        ['b', 4],
        [null, 7],
      ],
      [
        [null, 2024, 5],
        [null, 2025, 2],
      ],
      [
        [null, null, 7],
        [null, 2024, 5],
        [null, 2025, 2],
        ['a', null, 3],
        ['b', null, 4],
      ],
    ]);
  });

  test('PATINDEX finds where a LIKE pattern first matches, classes and case as LIKE has them; 0 when none, NULL for NULL', async () => {
    const ran = await s.ok(
      "SELECT PATINDEX('%ter%', 'interesting'), PATINDEX('ter%', 'interesting'), PATINDEX('%ing', 'interesting'), PATINDEX('abc', 'ABC'), PATINDEX('%[0-9]%', 'abc123'), PATINDEX('%[^a-z]%', 'abc-d'), PATINDEX('%e_t%', 'interesting'), PATINDEX('%x%', NULL), PATINDEX('%z%', 'abc'), PATINDEX('%b%', 'a' + CHAR(10) + 'b');",
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [[3, 0, 9, 1, 4, 4, 6, null, 0, 3]]);
  });
});

describe('binary values', () => {
  test('strings become bytes as SQL Server encodes them: nvarchar UTF-16LE, varchar code page 1252 (? for what it lacks); and back', async () => {
    const ran = await s.ok(
      [
        "SELECT CAST(N'ab' AS varbinary(10)), CAST('ab' AS varbinary(10)), CAST(N'é€😀' AS varbinary(20)), CAST('é€ж' AS varbinary(10)), CAST(N'' AS varbinary(4));",
        "SELECT CAST(0x61006200 AS nvarchar(10)), CAST(0x6162E980 AS varchar(10)), CAST(0xE900AC203DD800DE AS nvarchar(10)), CAST(CAST(N'héllo 😀' AS varbinary(40)) AS nvarchar(20));",
        "SELECT CAST(N'abc' AS varbinary(4)), CAST(0x010203 AS varbinary(2)), CAST(0x0102 AS binary(4)), CAST('ab' AS binary(3));",
        "SELECT CONVERT(varbinary(4), '0x6162', 1), CONVERT(varbinary(4), '6162', 2), TRY_CONVERT(varbinary(4), 'zz', 2);",
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [['0x61006200', '0x6162', '0xE900AC203DD800DE', '0xE9803F', '0x']],
      [['ab', 'abé€', 'é€😀', 'héllo 😀']],
      [['0x61006200', '0x0102', '0x01020000', '0x616200']],
      [['0x6162', '0x6162', null]],
    ]);
    const badHex = await s.run("SELECT CONVERT(varbinary(4), '616', 2);");
    assert.deepEqual(badHex.errors.map((e) => [e.number, e.text]), [[8114, 'Error converting data type varchar to varbinary.']]);
  });

  test('HASHBYTES hashes those bytes (MD5, SHA1, SHA2_256, by a constant or a variable); SHA2_512 is not supported', async () => {
    const ran = await s.run(
      [
        "DECLARE @md5 varchar(10) = 'md5';",
        "SELECT HASHBYTES('SHA2_256', N'abc'), HASHBYTES('SHA2_256', 'abc'), HASHBYTES(@md5, 'é€'), HASHBYTES('SHA1', 0x616263), HASHBYTES('nope', 'abc'), HASHBYTES('MD5', CAST(NULL AS varchar(3)));",
        'GO',
        "SELECT HASHBYTES('SHA2_512', 'abc');",
        'GO',
        "SELECT HASHBYTES('MD5', 42);",
      ].join('\n'),
    );
    // Computed by Python's hashlib over 'abc'.encode('utf-16-le'), b'abc' and 'é€'.encode('cp1252').
    assert.deepEqual(ran.resultSets[0]!.rows, [
      [
        '0x13E228567E8249FCE53337F25D7970DE3BD68AB2653424C7B8F9FD05E33CAEDF',
        '0xBA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD',
        '0xC17CA5490B95AA07BB32D9127125086F',
        '0xA9993E364706816ABA3E25717850C26C9CD0D89D',
        null,
        null,
      ],
    ]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type)[0], 'varbinary(8000)');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.text]), [
      [59001, 3, 'HASHBYTES with SHA2_512 is not supported by the embedded instance.'],
      [8116, 5, 'Argument data type int is invalid for argument 2 of hashbytes function.'],
    ]);
  });

  test('+ joins two binaries and reads one beside an integer as that integer; SUBSTRING cuts bytes and stays binary', async () => {
    const ran = await s.ok("SELECT 0x01 + 0x02, 0x01 + 1, 2 * 0x0003, SUBSTRING(0x010203, 2, 1), SUBSTRING(0x010203, 0, 2), SUBSTRING(0x010203, 3, 5), SUBSTRING('hello', 2, 3);");
    assert.deepEqual(ran.resultSets[0]!.rows, [['0x0102', 2, 6, '0x02', '0x01', '0x03', 'ell']]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type).slice(0, 4), ['varbinary(2)', 'int', 'int', 'varbinary(3)']);
  });

  test('an integer becomes its big-endian bytes, cut or padded on the left; binary reads back as its rightmost bytes', async () => {
    const ran = await s.ok(
      'DECLARE @b varbinary(4) = 7;\n' +
        'SELECT CAST(1 AS varbinary(4)), CAST(-1 AS varbinary(4)), CAST(258 AS binary(1)), CAST(1 AS binary(6)), CAST(CAST(-2 AS bigint) AS varbinary(8)), @b;\n' +
        'SELECT CAST(0xFFFFFFFF AS int), CAST(0x01 AS int), CAST(0xFFFFFFFFFFFFFFFF AS bigint), CAST(0x0102030405 AS int), CAST(0x8000 AS smallint), CAST(0xFF AS tinyint), CAST(0x AS int);',
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [['0x00000001', '0xFFFFFFFF', '0x02', '0x000000000001', '0xFFFFFFFFFFFFFFFE', '0x00000007']]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[-1, 1, -1, 33752069, -32768, 255, 0]]);
  });
});

describe('decimals', () => {
  test('past 15 digits a decimal keeps every digit: in sums and products, variables, INSERT ... EXEC and conversions', async () => {
    const ran = await s.ok(
      [
        'DECLARE @t TABLE (v decimal(18,2)); INSERT @t VALUES (9999999999999999.99), (9999999999999999.99);',
        'SELECT SUM(v), -SUM(v), SUM(v) / 2, MAX(v) * 2, MAX(v) + MAX(v), 2 * MAX(v) - 0.01, CAST(1.5 AS decimal(5,1)) * 3 FROM @t;',
        'DECLARE @s decimal(38,2); SELECT @s = SUM(v) FROM @t;',
        'SELECT @s + 0.01, CAST(@s AS varchar(40)), CAST(99999999999999999999999999999999999.99 AS decimal(38,2)) * 10;',
        'CREATE TABLE #d (v decimal(38,2)); INSERT INTO #d EXEC (N\'SELECT CAST(12345678901234567890.12 AS decimal(38,2)) * 2\'); SELECT v FROM #d; DROP TABLE #d;',
      ].join('\n'),
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [['19999999999999999.98', '-19999999999999999.98', '9999999999999999.990000', '19999999999999999.98', '19999999999999999.98', '19999999999999999.97', 4.5]],
      [['19999999999999999.99', '19999999999999999.98', '999999999999999999999999999999999999.90']],
      [['24691357802469135780.24']],
    ]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['decimal(38,2)', 'decimal(38,2)', 'decimal(38,6)', 'decimal(29,2)', 'decimal(19,2)', 'decimal(30,2)', 'decimal(16,1)']);
  });

  test('a sum or product past 38 digits is Msg 8115, as in SQL Server', async () => {
    const ran = await s.run('SELECT CAST(99999999999999999999999999999999999.99 AS decimal(38,2)) * 10000;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[8115, 'Arithmetic overflow error converting expression to data type numeric.']]);
  });
});

describe('date and time precision', () => {
  // CONVERT(…, 121) shows every digit a value keeps; the results are SQL Server 2019's.
  const digits = async (expression: string) => (await s.ok(`SELECT CONVERT(varchar(30), ${expression}, 121);`)).resultSets[0]!.rows[0]![0];

  test('datetime rounds to ticks of 1/300 second: .995 is .997, .999 is the next second, .0025 is .003', async () => {
    assert.equal(await digits("CAST('2020-01-02 12:34:56.995' AS datetime)"), '2020-01-02 12:34:56.997');
    assert.equal(await digits("CAST('2020-01-02 12:34:56.994' AS datetime)"), '2020-01-02 12:34:56.993');
    assert.equal(await digits("CAST('2020-12-31 23:59:59.999' AS datetime)"), '2021-01-01 00:00:00.000');
    assert.equal(await digits("CAST(CAST('1800-06-01 10:00:00.0025' AS datetime2) AS datetime)"), '1800-06-01 10:00:00.003');
    assert.equal(await digits("CAST('2020-01-02 12:34:56.1234567' AS datetime)"), '2020-01-02 12:34:56.123');
  });

  test('what DATEADD, datetime + days and GETDATE compute lands on datetime ticks too', async () => {
    assert.equal(await digits("DATEADD(millisecond, 7, CAST('2020-01-02 03:04:05.997' AS datetime))"), '2020-01-02 03:04:06.003');
    assert.equal(await digits("CAST('2020-01-02 00:00:00' AS datetime) + 0.00000001"), '2020-01-02 00:00:00.000', '0.864 ms is below half a tick');
    assert.equal(await digits("DATEADD(second, 31, CAST('2020-01-02 12:34:00' AS smalldatetime))"), '2020-01-02 12:35:00.000');
    const now = await s.ok('SELECT DATEPART(millisecond, GETDATE()) % 10, DATEPART(millisecond, GETUTCDATE()) % 10;');
    for (const last of now.resultSets[0]!.rows[0]!) assert.ok([0, 3, 7].includes(last as number), `GETDATE()'s milliseconds end in ${last}`);
  });

  test('smalldatetime rounds to the minute: 29.998 seconds down, 29.999 up, in a CAST and in a column', async () => {
    assert.equal(await digits("CAST('2020-01-02 12:34:29.998' AS smalldatetime)"), '2020-01-02 12:34:00.000');
    assert.equal(await digits("CAST('2020-01-02 12:34:29.999' AS smalldatetime)"), '2020-01-02 12:35:00.000');
    const ran = await s.ok("DECLARE @t TABLE (d smalldatetime);\nINSERT INTO @t VALUES ('2021-03-04 05:06:31');\nSELECT CONVERT(varchar(30), d, 121) FROM @t;");
    assert.deepEqual(ran.resultSets[0]!.rows, [['2021-03-04 05:07:00.000']]);
  });

  test('datetime2(n) and time(n) round to n digits, half up, in a CAST, a variable and a column', async () => {
    assert.equal(await digits("CAST('2020-01-02 12:34:56.7' AS datetime2(0))"), '2020-01-02 12:34:57');
    assert.equal(await digits("CAST('2020-01-02 12:34:56.125' AS datetime2(2))"), '2020-01-02 12:34:56.13');
    assert.equal(await digits("CAST('0001-01-01 00:00:00.45' AS datetime2(0))"), '0001-01-01 00:00:00', 'the first day SQL Server has');
    const ran = await s.ok(
      "DECLARE @v datetime2(1) = '2021-03-04 05:06:07.86';\nDECLARE @t TABLE (e datetime2(1), t time(0));\nINSERT INTO @t VALUES (@v, '23:59:59.5');\nSELECT CONVERT(varchar(30), e, 121), CAST(t AS varchar(20)) FROM @t;",
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [['2021-03-04 05:06:07.9', '00:00:00']], 'time wraps past midnight as it rounds');
  });

  test('datetime2 keeps its microseconds on their way to the client: a constant, a variable, a column, before 1970 and at the ends of its range', async () => {
    const ran = await s.ok(
      "DECLARE @d datetime2 = '2020-01-02 12:34:56.123456';\nDECLARE @t TABLE (d datetime2(6));\n" +
        "INSERT INTO @t VALUES (@d), ('1969-12-31 23:59:59.999999'), ('0001-01-01 00:00:00.000001'), ('9999-12-31 23:59:59.999999');\n" +
        "SELECT @d AS v, CAST('2020-01-02 12:34:56.000007' AS datetime2) AS c;\nSELECT d FROM @t;",
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [['2020-01-02 12:34:56.123456', '2020-01-02 12:34:56.000007']]);
    assert.deepEqual(ran.resultSets[1]!.rows, [['2020-01-02 12:34:56.123456'], ['1969-12-31 23:59:59.999999'], ['0001-01-01 00:00:00.000001'], ['9999-12-31 23:59:59.999999']]);
  });

  test('a value already of a coarser type is not moved: datetime into datetime2(3), date into smalldatetime', async () => {
    assert.equal(await digits("CAST(CAST('2020-01-02 12:34:56.997' AS datetime) AS datetime2(3))"), '2020-01-02 12:34:56.997');
    assert.equal(await digits("CAST(CAST('2020-01-02' AS date) AS smalldatetime)"), '2020-01-02 00:00:00.000');
  });
});

describe('databases', () => {
  test('USE of a missing database is Msg 911; CREATE DATABASE twice is 1801; the database in use cannot be dropped', async () => {
    const ran = await s.run('USE nowhere;\nGO\nCREATE DATABASE appdb;\nGO\nDROP DATABASE appdb;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[911, 0], [1801, 2], [3702, 4]]);
    assert.equal(ran.errors[0]!.text, "Database 'nowhere' does not exist. Make sure that the name is entered correctly.");
  });

  test('CREATE and DROP DATABASE, and DB_NAME() following USE', async () => {
    const ran = await s.ok('CREATE DATABASE scratchdb;\nGO\nUSE scratchdb; SELECT DB_NAME();\nUSE appdb; DROP DATABASE scratchdb; SELECT COUNT(*) FROM sys.databases WHERE name = \'scratchdb\';');
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[['scratchdb']], [[0]]]);
  });

  test('sys.databases has the columns tools and the TDE question read; HAS_DBACCESS follows CONNECT in the database', async () => {
    const ran = await s.ok(
      "SELECT name, compatibility_level, collation_name, user_access_desc, is_read_only, state_desc, recovery_model_desc, is_encrypted, containment_desc FROM sys.databases WHERE name IN ('master', 'appdb') ORDER BY name;",
    );
    assert.deepEqual(ran.resultSets[0]!.rows, [
      ['appdb', 150, 'SQL_Latin1_General_CP1_CI_AS', 'MULTI_USER', false, 'ONLINE', 'FULL', false, 'NONE'],
      ['master', 150, 'SQL_Latin1_General_CP1_CI_AS', 'MULTI_USER', false, 'ONLINE', 'SIMPLE', false, 'NONE'],
    ]);
    await s.ok("CREATE LOGIN outsider WITH PASSWORD = 'Outsider#Pass1';");
    const outsider = await bed.connect({ name: 'outsider', password: 'Outsider#Pass1' });
    const access = await outsider.ok("SELECT HAS_DBACCESS('master'), HAS_DBACCESS('appdb'), HAS_DBACCESS('nowhere');");
    assert.deepEqual(access.resultSets[0]!.rows, [[1, 0, null]]);
  });

  test('a plain column is not encrypted (sys.columns.encryption_type NULL); SERVERPROPERTY tells the release and mixed-mode logins', async () => {
    const ran = await s.ok(
      "CREATE TABLE dbo.plain (a int);\nSELECT name, encryption_type, encryption_type_desc FROM sys.columns WHERE object_id = OBJECT_ID('dbo.plain');\nSELECT SERVERPROPERTY('ProductLevel'), SERVERPROPERTY('ProductMajorVersion'), SERVERPROPERTY('IsIntegratedSecurityOnly');\nDROP TABLE dbo.plain;",
    );
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[['a', null, null]], [['RTM', '15', '0']]]);
  });
});

describe('statements run again (the session keeps their prepared statements)', () => {
  test('the same SELECT in two databases reads each one\'s table', async () => {
    await s.ok("CREATE DATABASE otherdb;\nGO\nUSE otherdb; CREATE TABLE dbo.same (v nvarchar(10)); INSERT INTO dbo.same VALUES (N'other');\nUSE appdb; CREATE TABLE dbo.same (v int); INSERT INTO dbo.same VALUES (7);");
    try {
      const ran = await s.ok('SELECT v FROM dbo.same;\nUSE otherdb;\nSELECT v FROM dbo.same;\nUSE appdb;\nSELECT v FROM dbo.same;');
      assert.deepEqual(ran.resultSets.map((r) => [r.columns[0]!.type, r.rows]), [['int', [[7]]], ['nvarchar(10)', [['other']]], ['int', [[7]]]]);
    } finally {
      await s.ok('USE appdb; DROP TABLE dbo.same; DROP DATABASE otherdb;');
    }
  });

  test('a table dropped and made again with other columns between two runs of one SELECT', async () => {
    const ran = await s.ok(`CREATE TABLE #again (a int); INSERT INTO #again VALUES (1);
SELECT * FROM #again;
DROP TABLE #again;
CREATE TABLE #again (label nvarchar(5), n bigint); INSERT INTO #again VALUES (N'x', 5000000000);
SELECT * FROM #again;
DROP TABLE #again;`);
    assert.deepEqual(ran.resultSets.map((r) => [r.columns.map((c) => c.name), r.rows]), [[['a'], [[1]]], [['label', 'n'], [['x', 5000000000]]]]);
  });

  test('a query run again after the data changed answers from the data as it is now, in this session or after another\'s write', async () => {
    const other = await bed.connect();
    const read = 'SELECT id, v FROM dbo.grown ORDER BY id;\nSELECT v, COUNT(*) FROM dbo.grown GROUP BY v ORDER BY v;';
    const first = await s.ok(`CREATE TABLE dbo.grown (id int, v int);\nINSERT INTO dbo.grown VALUES (1, 1), (2, 2);\n${read}`);
    assert.deepEqual(first.resultSets.map((r) => r.rows), [[[1, 1], [2, 2]], [[1, 1], [2, 1]]]);
    const mine = await s.ok(`UPDATE dbo.grown SET v = v * 1000;\n${read}`);
    assert.deepEqual(mine.resultSets.map((r) => r.rows), [[[1, 1000], [2, 2000]], [[1000, 1], [2000, 1]]]);
    await other.ok('USE appdb;\nUPDATE dbo.grown SET v = v * 1000;');
    const theirs = await s.ok(`${read}\nDROP TABLE dbo.grown;`);
    assert.deepEqual(theirs.resultSets.map((r) => r.rows), [[[1, 1000000], [2, 2000000]], [[1000000, 1], [2000000, 1]]]);
  });

  test('a loop runs its statements with each pass\'s values', async () => {
    const ran = await s.ok(`DECLARE @i int = 0, @sum bigint = 0, @text nvarchar(20) = N'';
WHILE @i < 40
BEGIN
  SET @i += 1;
  SET @sum += @i * @i;
  IF @i % 10 = 0 SET @text = CONCAT(@text, @i, N';');
END
SELECT @sum, @text;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[22140, '10;20;30;40;']]);
  });

  test('a value assigned to a variable or passed to a parameter is kept when it fits, and cut to the type\'s length when not', async () => {
    await s.ok(`CREATE PROCEDURE dbo.echo @short nvarchar(3), @wide nvarchar(max), @narrow varchar(10), @n bigint, @fixed nchar(4)
AS SELECT @short, @wide, @narrow, @n, @fixed + N'|';`);
    const ran = await s.ok(`DECLARE @long nvarchar(10) = N'abcdef', @c char(3) = 'ab', @i int = 42, @s nvarchar(2) = N'xy', @cut nvarchar(3) = N'uvwxyz';
EXEC dbo.echo @long, @c, @s, @i, @s;
EXEC dbo.echo @s, @long, @long, @i, @long;
EXEC dbo.echo NULL, NULL, NULL, NULL, NULL;
SET @s = @long;
SELECT @cut, @s;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows[0]), [
      ['abc', 'ab ', 'xy', 42, 'xy  |'],
      ['xy', 'abcdef', 'abcdef', 42, 'abcd|'],
      [null, null, null, null, null],
      ['uvw', 'ab'],
    ]);
  });
});

describe('procedures and dynamic SQL', () => {
  test('parameters by position and name, defaults, OUTPUT and the return status', async () => {
    await s.ok(`CREATE PROCEDURE dbo.scale @x int, @factor int = 10, @result int OUTPUT
AS
BEGIN
  SET @result = @x * @factor;
  RETURN @result + 1;
END`);
    const ran = await s.ok(`DECLARE @r int, @status int;
EXEC dbo.scale 4, @result = @r OUTPUT; SELECT @r;
EXEC @status = dbo.scale @x = 2, @factor = 3, @result = @r OUTPUT; SELECT @r, @status;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[40]], [[6, 7]]]);
  });

  test('calling wrongly: Msg 201, 8145, 8144, 2812', async () => {
    const ran = await s.run('EXEC dbo.scale;\nEXEC dbo.scale 1, @nope = 2;\nDECLARE @r int; EXEC dbo.scale 1, 2, @r OUTPUT, 4;\nEXEC dbo.no_such_proc;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[201, 0], [8145, 1], [8144, 2], [2812, 3]]);
    assert.equal(ran.errors[0]!.text, "Procedure or function 'scale' expects parameter '@x', which was not supplied.");
    assert.equal(ran.errors[3]!.text, "Could not find stored procedure 'dbo.no_such_proc'.");
  });

  test('an error inside a procedure names it and its own line; CREATE OR ALTER replaces it', async () => {
    await s.ok('CREATE PROCEDURE dbo.fails AS\nBEGIN\n  PRINT 1;\n  SELECT * FROM dbo.nothing_here;\nEND');
    const ran = await s.run('PRINT 0;\nEXEC dbo.fails;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line, e.procedure, e.procedureLine]), [[208, 1, 'fails', 4]]);
    await s.ok("CREATE OR ALTER PROCEDURE dbo.fails AS PRINT 'fixed';");
    assert.deepEqual(texts(await s.ok('EXEC dbo.fails;')), ['fixed']);
    assert.deepEqual((await s.run('CREATE PROCEDURE dbo.fails AS SELECT 1;')).errors.map((e) => e.number), [2714]);
  });

  test('CREATE PROCEDURE must start its batch: Msg 111', async () => {
    const ran = await s.run("PRINT 'x';\nCREATE PROCEDURE dbo.late AS SELECT 1;");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[111, 1]]);
    assert.deepEqual(texts(ran), []);
  });

  test('INSERT ... EXEC takes a procedure\'s rows, and refuses rows of the wrong shape (Msg 213)', async () => {
    await s.ok("CREATE PROCEDURE dbo.pairs AS SELECT 1, N'a' UNION ALL SELECT 2, N'b';");
    const ran = await s.run('CREATE TABLE #pairs (n int, s nvarchar(5));\nINSERT INTO #pairs EXEC dbo.pairs;\nSELECT COUNT(*) FROM #pairs;\nCREATE TABLE #one (n int);\nINSERT INTO #one EXEC dbo.pairs;');
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[2]]]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[213, 4]]);
  });

  test('WITH RESULT SETS renames and converts a procedure\'s result; a wrong column count is Msg 11537', async () => {
    const ran = await s.run('EXEC dbo.pairs WITH RESULT SETS ((id bigint, label nvarchar(10)));\nGO\nEXEC dbo.pairs WITH RESULT SETS ((id int));\nGO\nEXEC dbo.pairs WITH RESULT SETS NONE;');
    assert.deepEqual(ran.resultSets[0]!.columns, [{ name: 'id', type: 'bigint' }, { name: 'label', type: 'nvarchar(10)' }]);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'a'], [2, 'b']]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[11537, 2], [11535, 4]]);
    assert.equal(ran.errors[0]!.text, 'EXECUTE statement failed because its WITH RESULT SETS clause specified 1 column(s) for result set number 1, but the statement sent 2 column(s) at run time.');
  });

  test('INSERT ... EXEC and WITH RESULT SETS keep the order of a result set of many storage row groups', async () => {
    // 300,000 rows: DuckDB scans a table in parallel by row groups of 122,880, so only the
    // storage's insertion order (not a sort) keeps the rows as the procedure sent them.
    const wide = new EngineBed('tsql-order');
    try {
      await wide.open({ maxRows: 400_000 });
      const w = await wide.connect();
      await w.ok(`CREATE TABLE dbo.digit (d int); INSERT INTO dbo.digit VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
GO
CREATE PROCEDURE dbo.countdown AS
SELECT 300000 - n AS n, CONCAT(N'r', n % 7) AS tag
FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n
      FROM dbo.digit a CROSS JOIN dbo.digit b CROSS JOIN dbo.digit c CROSS JOIN dbo.digit e CROSS JOIN dbo.digit f CROSS JOIN dbo.digit g) AS numbers
WHERE n < 300000 ORDER BY n DESC;`);
      const ran = await w.ok(`CREATE TABLE #down (n int, tag nvarchar(5));
INSERT INTO #down EXEC dbo.countdown;
SELECT n, tag FROM #down;
EXEC dbo.countdown WITH RESULT SETS ((n bigint, tag nvarchar(5)));`);
      const expected = Array.from({ length: 300_000 }, (_, k) => [300_000 - k, `r${k % 7}`]);
      for (const [k, resultSet] of ran.resultSets.entries()) {
        const misplaced = resultSet.rows.findIndex((row, i) => row[0] !== expected[i]![0] || row[1] !== expected[i]![1]);
        assert.equal(resultSet.rows.length, 300_000, `result set ${k}`);
        assert.equal(misplaced, -1, `result set ${k}: row ${misplaced} is out of place: ${JSON.stringify(resultSet.rows[misplaced])}`);
      }
    } finally {
      await wide.remove();
    }
  });

  test('EXEC (string) and sp_executesql with an OUTPUT parameter', async () => {
    const ran = await s.ok(`EXEC ('SELECT 6 * 7');
DECLARE @out int;
EXEC sp_executesql N'SET @o = @a + @b', N'@a int, @b int, @o int OUTPUT', @a = 1, @b = 2, @o = @out OUTPUT;
SELECT @out;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[42]], [[3]]]);
  });
});
