// The OUTPUT clause of INSERT, UPDATE and DELETE on the embedded instance: the changed rows as a
// result set (identity values included), or put into a table or table variable together with the
// change; what it does not run, and SQL Server's errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, type Ran, type Session } from './engineBed';

const bed = new EngineBed('output');
let s: Session;

before(async () => {
  await bed.open();
  s = await bed.connect();
  await s.ok(`CREATE DATABASE outdb;
GO
USE outdb;
CREATE TABLE dbo.models (id int IDENTITY(10, 5) PRIMARY KEY, name nvarchar(20) NOT NULL, score decimal(5, 2) NULL);`);
});

after(async () => {
  await bed.remove();
});

/** "(n rows affected)" notices, in order. */
const affected = (ran: Ran) => ran.messages.filter((m) => m.kind === 'info' && m.number === null).map((m) => m.text);
const errors = (ran: Ran) => ran.errors.map((e) => [e.number, e.text]);

describe('OUTPUT to the client', () => {
  test('INSERT ... OUTPUT returns each inserted row as stored (identity values, defaults, expressions, aliases), counted once', async () => {
    const ran = await s.ok(`INSERT INTO dbo.models (name, score) OUTPUT inserted.id, inserted.name AS model, inserted.score * 2 AS doubled VALUES (N'rpart', 0.81), (N'glm', NULL);
INSERT INTO dbo.models (name) OUTPUT inserted.* SELECT N'lm';`);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => [c.name, c.type]), [['id', 'int'], ['model', 'nvarchar(20)'], ['doubled', 'decimal(16,2)']]);
    assert.deepEqual(ran.resultSets[0]!.rows, [[10, 'rpart', 1.62], [15, 'glm', null]]);
    assert.deepEqual(ran.resultSets[1]!.columns.map((c) => c.name), ['id', 'name', 'score']);
    assert.deepEqual(ran.resultSets[1]!.rows, [[20, 'lm', null]]);
    assert.deepEqual(affected(ran), ['(2 rows affected)', '(1 row affected)']);
  });

  test('UPDATE ... OUTPUT inserted.… gives the rows as the UPDATE left them, with FROM joins; DELETE ... OUTPUT deleted.* the rows removed', async () => {
    const ran = await s.ok(`CREATE TABLE #bonus (model nvarchar(20), plus decimal(5, 2));
INSERT INTO #bonus VALUES (N'rpart', 0.1);
UPDATE m SET score = m.score + b.plus OUTPUT inserted.id, inserted.score FROM dbo.models AS m JOIN #bonus AS b ON b.model = m.name;
INSERT INTO dbo.models (name) VALUES (N'gone');
DELETE FROM dbo.models OUTPUT deleted.* WHERE name = N'gone';
DROP TABLE #bonus;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[10, 0.91]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[25, 'gone', null]]);
  });
});

describe('OUTPUT ... INTO', () => {
  test('the rows go into a table variable or a table (by its column list or in column order); nothing reaches the client', async () => {
    const ran = await s.ok(`DECLARE @log TABLE (model_id int, what nvarchar(10), at_least int DEFAULT 1);
UPDATE dbo.models SET score = 0.5 OUTPUT inserted.id, N'scored' INTO @log (model_id, what) WHERE score IS NULL;
CREATE TABLE dbo.archive (id int, name nvarchar(20), score decimal(5, 2));
INSERT INTO dbo.models (name, score) OUTPUT inserted.id, inserted.name, inserted.score INTO dbo.archive VALUES (N'nnet', 0.7);
SELECT model_id, what, at_least FROM @log ORDER BY model_id;
SELECT id, name, score FROM dbo.archive;`);
    assert.equal(ran.resultSets.length, 2);
    assert.deepEqual(ran.resultSets[0]!.rows, [[15, 'scored', 1], [20, 'scored', 1]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[30, 'nnet', 0.7]]);
  });

  test('the change and its OUTPUT ... INTO happen together: when the rows do not fit the INTO table, the change is undone too', async () => {
    const ran = await s.run(`DECLARE @short TABLE (name nvarchar(3));
DELETE FROM dbo.models OUTPUT deleted.name INTO @short WHERE name = N'nnet';
GO
SELECT COUNT(*) FROM dbo.models WHERE name = N'nnet';`);
    assert.deepEqual(errors(ran), [[2628, "String or binary data would be truncated in table 'tempdb.dbo.@short', column 'name'. Truncated value: 'nne'."]]);
    assert.deepEqual(ran.column(), [1]);
  });

  test('INSERT on the INTO table is checked before anything changes (Msg 229); a wrong column count is Msg 213', async () => {
    await s.ok(`CREATE TABLE dbo.audit (id int);
CREATE LOGIN writer WITH PASSWORD = 'Pw-writer-1!';
CREATE USER writer FOR LOGIN writer;
GRANT SELECT, UPDATE ON dbo.models TO writer;`);
    const writer = await bed.connect({ name: 'writer', password: 'Pw-writer-1!' });
    const refused = await writer.run("USE outdb;\nUPDATE dbo.models SET score = 0.99 OUTPUT inserted.id INTO dbo.audit WHERE name = N'lm';");
    assert.deepEqual(errors(refused), [[229, "The INSERT permission was denied on the object 'audit', database 'outdb', schema 'dbo'."]]);
    const counted = await s.run("UPDATE dbo.models SET score = 0.98 OUTPUT inserted.id, inserted.name INTO dbo.audit WHERE name = N'lm';\nGO\nSELECT score FROM dbo.models WHERE name = N'lm';");
    assert.equal(counted.errors[0]!.number, 213);
    assert.deepEqual(counted.column(), [0.5]);
  });
});

describe('what OUTPUT does not run', () => {
  test('deleted.… in an INSERT is Msg 4104; an UPDATE\'s deleted.… and OUTPUT with INSERT ... EXEC are Msg 59001', async () => {
    const ran = await s.run(`INSERT INTO dbo.models (name) OUTPUT deleted.id VALUES (N'x');
GO
UPDATE dbo.models SET score = 0 OUTPUT deleted.score, inserted.score;
GO
INSERT INTO dbo.archive (id) OUTPUT inserted.id EXEC ('SELECT 1');`);
    assert.deepEqual(ran.errors.map((e) => e.number), [4104, 59001, 59001]);
    assert.equal(ran.errors[1]!.text, 'OUTPUT deleted.… of an UPDATE (the rows as they were before it) is not supported by the embedded instance.');
    assert.deepEqual((await s.ok("SELECT COUNT(*) FROM dbo.models WHERE score = 0 OR name = N'x';")).column(), [0]);
  });
});
