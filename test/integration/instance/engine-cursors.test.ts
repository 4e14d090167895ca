// T-SQL cursors on the embedded instance: the FETCH loop legacy code is written with, scrolling,
// the connection's and the batch's cursors, and SQL Server's errors for cursors used wrongly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, type Ran, type Session } from './engineBed';

const bed = new EngineBed('cursors');
let s: Session;

before(async () => {
  await bed.open();
  s = await bed.connect();
  await s.ok(`CREATE DATABASE curdb;
GO
USE curdb;
CREATE TABLE dbo.models (id int PRIMARY KEY, name nvarchar(30), score decimal(5, 2));
INSERT INTO dbo.models VALUES (1, N'rpart', 0.81), (2, N'glm', 0.77), (3, N'rxDTree', 0.92), (4, N'lm', NULL);`);
});

after(async () => {
  await bed.remove();
});

/** What PRINT said, in order. */
const printed = (ran: Ran) => ran.messages.filter((m) => m.kind === 'info' && m.number !== null).map((m) => m.text);
const errors = (ran: Ran) => ran.errors.map((e) => [e.number, e.line, e.text]);

describe('the FETCH loop', () => {
  test('FETCH NEXT ... INTO walks the rows in the query\'s order, converting each value to its variable\'s type; @@FETCH_STATUS is 0 per row, then -1', async () => {
    const ran = await s.ok(`DECLARE @id int, @name nvarchar(10), @score nvarchar(20), @label varchar(3);
DECLARE models CURSOR LOCAL FAST_FORWARD FOR SELECT id, name, score, name FROM dbo.models ORDER BY score DESC;
OPEN models;
FETCH NEXT FROM models INTO @id, @name, @score, @label;
WHILE @@FETCH_STATUS = 0
BEGIN
  PRINT CONCAT(@id, ' ', @name, ' ', ISNULL(@score, 'none'), ' ', @label, ' ', @@FETCH_STATUS);
  FETCH NEXT FROM models INTO @id, @name, @score, @label;
END
PRINT CONCAT('status ', @@FETCH_STATUS, ', still ', @id);
CLOSE models;
DEALLOCATE models;`);
    // decimal(5,2) into nvarchar keeps its two digits; a varchar(3) variable takes the first three characters.
    assert.deepEqual(printed(ran), ['3 rxDTree 0.92 rxD 0', '1 rpart 0.81 rpa 0', '2 glm 0.77 glm 0', '4 lm none lm 0', 'status -1, still 4']);
  });

  test('the rows are those OPEN read: a loop that updates and inserts rows of its own table sees its first reading', async () => {
    const ran = await s.ok(`CREATE TABLE #queue (n int);
INSERT INTO #queue VALUES (1), (2), (3);
DECLARE @n int;
DECLARE q CURSOR LOCAL FOR SELECT n FROM #queue ORDER BY n;
OPEN q;
FETCH q INTO @n;
WHILE @@FETCH_STATUS = 0
BEGIN
  UPDATE #queue SET n = n * 10 WHERE n = @n;
  INSERT INTO #queue VALUES (@n + 100);
  PRINT @n;
  FETCH q INTO @n;
END
CLOSE q;
DEALLOCATE q;
SELECT n FROM #queue ORDER BY n;
DROP TABLE #queue;`);
    assert.deepEqual(printed(ran), ['1', '2', '3']);
    assert.deepEqual(ran.column(), [10, 20, 30, 101, 102, 103]);
  });

  test('the query\'s variables keep the values they had at DECLARE; OPEN after CLOSE reads the table again', async () => {
    const ran = await s.ok(`DECLARE @min int = 2, @n int = 0, @id int;
DECLARE above CURSOR LOCAL STATIC FOR SELECT id FROM dbo.models WHERE id > @min ORDER BY id;
SET @min = 0;
OPEN above;
FETCH NEXT FROM above INTO @id;
WHILE @@FETCH_STATUS = 0 BEGIN SET @n += 1; FETCH NEXT FROM above INTO @id; END
CLOSE above;
PRINT CONCAT('first pass ', @n);
INSERT INTO dbo.models VALUES (5, N'nnet', 0.5);
SET @n = 0;
OPEN above;
FETCH NEXT FROM above INTO @id;
WHILE @@FETCH_STATUS = 0 BEGIN SET @n += 1; FETCH NEXT FROM above INTO @id; END
DEALLOCATE above;
DELETE FROM dbo.models WHERE id = 5;
PRINT CONCAT('second pass ', @n);`);
    assert.deepEqual(printed(ran), ['first pass 2', 'second pass 3']);
  });
});

describe('scrolling', () => {
  test('FIRST, LAST, PRIOR, ABSOLUTE (from either end) and RELATIVE; without INTO each FETCH is a one-row result set, none past the ends', async () => {
    const ran = await s.ok(`DECLARE @k int = -2;
DECLARE sc CURSOR LOCAL SCROLL FOR SELECT id, name FROM dbo.models ORDER BY id;
OPEN sc;
FETCH LAST FROM sc;
FETCH PRIOR FROM sc;
FETCH FIRST FROM sc;
FETCH RELATIVE 2 FROM sc;
FETCH ABSOLUTE @k FROM sc;
FETCH ABSOLUTE 9 FROM sc;
SELECT @@FETCH_STATUS AS status;
FETCH PRIOR FROM sc;
FETCH ABSOLUTE 0 FROM sc;
FETCH NEXT FROM sc;
DEALLOCATE sc;`);
    const fetched = ran.resultSets.filter((r) => r.columns.length === 2);
    assert.deepEqual(fetched[0]!.columns.map((c) => [c.name, c.type]), [['id', 'int'], ['name', 'nvarchar(30)']]);
    assert.deepEqual(fetched.map((r) => r.rows.map((row) => row[0])), [[4], [3], [1], [3], [3], [], [4], [], [1]]);
    assert.deepEqual(ran.resultSets.find((r) => r.columns[0]!.name === 'status')!.rows, [[-1]]);
  });

  test('@@CURSOR_ROWS: the rows of the last cursor opened when SQL Server would know them (STATIC, KEYSET), -1 for a dynamic one, 0 once it is closed', async () => {
    const ran = await s.ok(`DECLARE st CURSOR LOCAL STATIC FOR SELECT id FROM dbo.models;
DECLARE dy CURSOR LOCAL DYNAMIC FOR SELECT id FROM dbo.models;
OPEN st;
PRINT @@CURSOR_ROWS;
OPEN dy;
PRINT @@CURSOR_ROWS;
CLOSE dy;
PRINT @@CURSOR_ROWS;
DEALLOCATE st; DEALLOCATE dy;`);
    assert.deepEqual(printed(ran), ['4', '-1', '0']);
  });

  test('the ISO form: INSENSITIVE SCROLL scrolls, and FOR READ ONLY / FOR UPDATE OF are accepted; a query with a WITH clause', async () => {
    const ran = await s.ok(`DECLARE iso INSENSITIVE SCROLL CURSOR FOR SELECT name FROM dbo.models ORDER BY id FOR READ ONLY;
OPEN iso; FETCH LAST FROM iso; CLOSE iso; DEALLOCATE iso;
DECLARE upd CURSOR LOCAL FOR WITH best AS (SELECT TOP (1) name FROM dbo.models ORDER BY score DESC) SELECT name FROM best FOR UPDATE OF name;
OPEN upd; FETCH FROM upd; DEALLOCATE upd;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[['lm']], [['rxDTree']]]);
  });
});

describe('scope', () => {
  test('a GLOBAL cursor (the default) outlives its batch until DEALLOCATE; a LOCAL one ends with its batch', async () => {
    const ran = await s.run(`DECLARE g CURSOR FOR SELECT id FROM dbo.models ORDER BY id;
DECLARE l CURSOR LOCAL FOR SELECT id FROM dbo.models;
OPEN g;
GO
FETCH NEXT FROM g;
FETCH NEXT FROM GLOBAL g;
OPEN l;
GO
DEALLOCATE g;
GO
FETCH NEXT FROM g;`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[1]], [[2]]]);
    assert.deepEqual(errors(ran), [
      [16916, 6, "A cursor with the name 'l' does not exist."],
      [16916, 10, "A cursor with the name 'g' does not exist."],
    ]);
  });

  test('a name finds the LOCAL cursor before the GLOBAL one, GLOBAL name the global one; a procedure\'s LOCAL cursor ends when it returns', async () => {
    const ran = await s.run(`CREATE PROCEDURE dbo.first_model @name nvarchar(30) OUTPUT AS
BEGIN
  DECLARE c CURSOR LOCAL FOR SELECT name FROM dbo.models ORDER BY id;
  OPEN c;
  FETCH NEXT FROM c INTO @name;
END
GO
DECLARE @a nvarchar(30), @b nvarchar(30), @x int;
DECLARE c CURSOR GLOBAL FOR SELECT 10;
DECLARE c CURSOR LOCAL FOR SELECT 30;
OPEN GLOBAL c; OPEN c;
FETCH c INTO @x; PRINT @x;
FETCH GLOBAL c INTO @x; PRINT @x;
EXEC dbo.first_model @a OUTPUT;
EXEC dbo.first_model @b OUTPUT;
PRINT CONCAT(@a, ' ', @b);
DEALLOCATE c; DEALLOCATE c;
GO
DROP PROCEDURE dbo.first_model;`);
    assert.deepEqual(errors(ran), []);
    assert.deepEqual(printed(ran), ['30', '10', 'rpart rpart']);
  });
});

describe('errors', () => {
  test('SQL Server\'s messages for a cursor used wrongly, each ending only its statement', async () => {
    const ran = await s.run(`DECLARE @a int, @b int;
DECLARE f CURSOR LOCAL FOR SELECT id, name FROM dbo.models;
DECLARE f CURSOR LOCAL FOR SELECT 1;
FETCH NEXT FROM f INTO @a, @b;
OPEN f;
OPEN f;
FETCH PRIOR FROM f;
FETCH NEXT FROM f INTO @a;
CLOSE f;
CLOSE f;
OPEN nowhere;
PRINT 'the batch went on';`);
    assert.deepEqual(errors(ran), [
      [16915, 2, "A cursor with the name 'f' already exists."],
      [16917, 3, 'Cursor is not open.'],
      [16905, 5, 'The cursor is already open.'],
      [16911, 6, 'fetch: The fetch type PRIOR cannot be used with forward only cursors.'],
      [16924, 7, 'Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.'],
      [16917, 9, 'Cursor is not open.'],
      [16916, 10, "A cursor with the name 'nowhere' does not exist."],
    ]);
    assert.deepEqual(printed(ran), ['the batch went on']);
  });

  test('a cursor\'s query is checked at DECLARE: a missing table (208), SELECT INTO or assignment (154); a cursor variable and WHERE CURRENT OF are Msg 59001', async () => {
    const ran = await s.run(`DECLARE m CURSOR FOR SELECT * FROM dbo.nowhere;
GO
DECLARE i CURSOR FOR SELECT id INTO #copy FROM dbo.models;
GO
DECLARE @v int;
DECLARE a CURSOR FOR SELECT @v = id FROM dbo.models;
GO
DECLARE @c CURSOR;
GO
UPDATE dbo.models SET score = 1 WHERE CURRENT OF m;
GO
FETCH NEXT FROM m;`);
    assert.deepEqual(ran.errors.map((e) => e.number), [208, 154, 154, 59001, 59001, 16916]);
    assert.equal(ran.errors[4]!.text, 'A positioned UPDATE or DELETE (WHERE CURRENT OF) is not supported by the embedded instance.');
    assert.equal(ran.errors[1]!.text, 'INTO clause is not allowed in a cursor declaration.');
    assert.equal(ran.errors[2]!.text, 'variable assignment is not allowed in a cursor declaration.');
  });

  test('OPEN reads with the caller\'s permissions: a login without SELECT on the table is refused there (Msg 229)', async () => {
    await s.ok(`CREATE LOGIN cursor_reader WITH PASSWORD = 'Pw-cursor-1!';
CREATE USER cursor_reader FOR LOGIN cursor_reader;`);
    const reader = await bed.connect({ name: 'cursor_reader', password: 'Pw-cursor-1!' });
    const ran = await reader.run('USE curdb;\nDECLARE r CURSOR LOCAL FOR SELECT id FROM dbo.models;\nOPEN r;\nFETCH NEXT FROM r;');
    assert.deepEqual(ran.errors.map((e) => [e.number, e.line]), [[229, 2], [16917, 3]]);
    // A global cursor declared in an earlier batch: the error is still OPEN's, at its own line.
    const later = await reader.run('DECLARE g CURSOR FOR SELECT id FROM dbo.models;\nGO\nPRINT 1;\nBEGIN TRY OPEN g; END TRY BEGIN CATCH PRINT CONCAT(ERROR_NUMBER(), \' at line \', ERROR_LINE()); END CATCH\nOPEN g;\nDEALLOCATE g;');
    assert.deepEqual(printed(later), ['1', '229 at line 2']);
    assert.deepEqual(later.errors.map((e) => [e.number, e.line]), [[229, 4]]);
  });
});
