// ALTER TABLE on the embedded instance: columns added (with SQL Server's rules for the rows already
// there), given another type or nullability (each value converted as storing it converts it),
// dropped; SQL Server's errors; who may; and what survives a rollback and a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, type Ran, type Session } from './engineBed';

const bed = new EngineBed('alter');
let s: Session;

before(async () => {
  await bed.open();
  s = await bed.connect();
  await s.ok('CREATE DATABASE altdb;\nGO\nUSE altdb;');
});

after(async () => {
  await bed.remove();
});

const errors = (ran: Ran) => ran.errors.map((e) => [e.number, e.text]);
const columnsOf = async (table: string) =>
  (await s.ok(`SELECT c.name, t.name AS type, c.max_length, c.is_nullable FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id WHERE c.object_id = OBJECT_ID('${table}') ORDER BY c.column_id;`)).resultSets[0]!.rows;

describe('ADD', () => {
  test('a nullable column\'s default goes to new rows only, unless WITH VALUES; a NOT NULL column\'s default fills the rows already there', async () => {
    const ran = await s.ok(`CREATE TABLE dbo.runs (id int IDENTITY PRIMARY KEY, model nvarchar(20));
INSERT INTO dbo.runs (model) VALUES (N'rpart'), (N'glm');
ALTER TABLE dbo.runs ADD score float NULL DEFAULT 0.5, status nvarchar(10) NOT NULL DEFAULT N'done', tries int DEFAULT 1 WITH VALUES, note nvarchar(3);
INSERT INTO dbo.runs (model) VALUES (N'lm');
SELECT id, model, score, status, tries, note FROM dbo.runs ORDER BY id;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [
      [1, 'rpart', null, 'done', 1, null],
      [2, 'glm', null, 'done', 1, null],
      [3, 'lm', 0.5, 'done', 1, null],
    ]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['int', 'nvarchar(20)', 'float', 'nvarchar(10)', 'int', 'nvarchar(3)']);
    assert.deepEqual(await columnsOf('dbo.runs'), [
      ['id', 'int', 4, false],
      ['model', 'nvarchar', 40, true],
      ['score', 'float', 8, true],
      ['status', 'nvarchar', 20, false],
      ['tries', 'int', 4, true],
      ['note', 'nvarchar', 6, true],
    ]);
    // The added columns are columns like any other: their length and nullability hold.
    const refused = await s.run("INSERT INTO dbo.runs (model, note) VALUES (N'x', N'long');\nGO\nINSERT INTO dbo.runs (model, status) VALUES (N'x', NULL);");
    assert.deepEqual(refused.errors.map((e) => e.number), [2628, 515]);
  });

  test('a NOT NULL column without a default: refused on a table with rows (Msg 4901), added to an empty one; a name the table has is Msg 2705', async () => {
    const ran = await s.run(`ALTER TABLE dbo.runs ADD owner nvarchar(20) NOT NULL;
GO
CREATE TABLE dbo.empty_runs (id int);
ALTER TABLE dbo.empty_runs ADD owner nvarchar(20) NOT NULL;
INSERT INTO dbo.empty_runs VALUES (1, N'ann');
GO
ALTER TABLE dbo.runs ADD Model int;`);
    assert.equal(ran.errors[0]!.number, 4901);
    assert.match(ran.errors[0]!.text, /Column 'owner' cannot be added to non-empty table 'runs' because it does not satisfy these conditions\.$/);
    assert.deepEqual(errors(ran).slice(1), [[2705, "Column names in each table must be unique. Column name 'Model' in table 'runs' is specified more than once."]]);
    assert.deepEqual((await s.ok('SELECT id, owner FROM dbo.empty_runs;')).resultSets[0]!.rows, [[1, 'ann']]);
  });
});

describe('migrations written to run twice', () => {
  test('IF COL_LENGTH(...) IS NULL ALTER TABLE ... ADD: the second run adds nothing; COL_LENGTH is sys.columns\' bytes, COL_NAME the column at a position', async () => {
    const migration = `IF COL_LENGTH('dbo.migrated', 'note') IS NULL ALTER TABLE dbo.migrated ADD note nvarchar(40) NULL;
IF COL_LENGTH('altdb.dbo.migrated', 'body') IS NULL ALTER TABLE dbo.migrated ADD body nvarchar(max) NULL;`;
    await s.ok('CREATE TABLE dbo.migrated (id int);');
    await s.ok(migration);
    await s.ok(migration);
    const ran = await s.ok(`SELECT COL_LENGTH('dbo.migrated', 'id'), COL_LENGTH('dbo.migrated', 'note'), COL_LENGTH('dbo.migrated', 'body'), COL_LENGTH('dbo.migrated', 'none'), COL_LENGTH('dbo.nowhere', 'id'),
  COL_NAME(OBJECT_ID('dbo.migrated'), 2), COL_NAME(OBJECT_ID('dbo.migrated'), 9);
CREATE TABLE #t (a bigint);
SELECT COL_LENGTH('tempdb..#t', 'a'), COL_NAME(OBJECT_ID('tempdb..#t'), 1);
DROP TABLE #t;`);
    assert.deepEqual(ran.resultSets[0]!.rows, [[4, 80, -1, null, null, 'note', null]]);
    assert.deepEqual(ran.resultSets[1]!.rows, [[8, 'a']]);
    assert.deepEqual(await columnsOf('dbo.migrated'), [
      ['id', 'int', 4, true],
      ['note', 'nvarchar', 80, true],
      ['body', 'nvarchar', -1, true],
    ]);
  });
});

describe('ALTER COLUMN', () => {
  test('each value is converted as storing it in the new type converts it; a value too long is Msg 2628 and the column stays as it was', async () => {
    const ran = await s.run(`CREATE TABLE dbo.codes (id int PRIMARY KEY, code nvarchar(20), amount nvarchar(10));
INSERT INTO dbo.codes VALUES (1, N'abc', N'12'), (2, N'abcdefgh', N'7');
GO
ALTER TABLE dbo.codes ALTER COLUMN code nvarchar(5);
GO
ALTER TABLE dbo.codes ALTER COLUMN amount int;
ALTER TABLE dbo.codes ALTER COLUMN code varchar(8) NOT NULL;
SELECT id, code, amount + 1 AS next FROM dbo.codes ORDER BY id;
CREATE TABLE dbo.counted (n int IDENTITY, x int);
ALTER TABLE dbo.counted ALTER COLUMN n bigint;`);
    assert.deepEqual(errors(ran), [
      [2628, "String or binary data would be truncated in table 'altdb.dbo.codes', column 'code'. Truncated value: 'abcde'."],
      [59001, 'ALTER COLUMN of an identity column is not supported by the embedded instance.'],
    ]);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'abc', 13], [2, 'abcdefgh', 8]]);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.type), ['int', 'varchar(8)', 'int']);
  });

  test('NOT NULL over a NULL is Msg 515 ("UPDATE fails"); leaving NOT NULL out makes the column nullable; a value that cannot convert is Msg 245', async () => {
    const ran = await s.run(`CREATE TABLE dbo.notes (id int PRIMARY KEY, body nvarchar(20) NOT NULL, score nvarchar(10));
INSERT INTO dbo.notes VALUES (1, N'a', NULL), (2, N'b', N'x');
GO
ALTER TABLE dbo.notes ALTER COLUMN score nvarchar(10) NOT NULL;
GO
ALTER TABLE dbo.notes ALTER COLUMN score int;
GO
ALTER TABLE dbo.notes ALTER COLUMN body nvarchar(30);
INSERT INTO dbo.notes VALUES (3, NULL, NULL);
SELECT COUNT(*) FROM dbo.notes WHERE body IS NULL;`);
    assert.deepEqual(errors(ran), [
      [515, "Cannot insert the value NULL into column 'score', table 'altdb.dbo.notes'; column does not allow nulls. UPDATE fails."],
      [245, "Conversion failed when converting the nvarchar value 'x' to data type int."],
    ]);
    assert.deepEqual(ran.column(), [1]);
  });
});

describe('DROP COLUMN', () => {
  test('one or several columns, IF EXISTS; an identity column goes with its sequence; SQL Server\'s errors for a missing, key or last column', async () => {
    const ran = await s.run(`CREATE TABLE dbo.wide (id int NOT NULL, n int IDENTITY, a int, b int, c int, CONSTRAINT pk_wide PRIMARY KEY (id));
INSERT INTO dbo.wide (id, a, b, c) VALUES (1, 10, 20, 30);
ALTER TABLE dbo.wide DROP COLUMN a, COLUMN b;
ALTER TABLE dbo.wide DROP COLUMN IF EXISTS nothing, n;
INSERT INTO dbo.wide (id, c) VALUES (2, 40);
SELECT * FROM dbo.wide ORDER BY id;
ALTER TABLE dbo.wide DROP COLUMN nothing;
ALTER TABLE dbo.wide DROP COLUMN id;
ALTER TABLE dbo.wide ALTER COLUMN id bigint;
CREATE TABLE dbo.single (only_one int);
ALTER TABLE dbo.single DROP COLUMN only_one;`);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.name), ['id', 'c']);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 30], [2, 40]]);
    assert.deepEqual(errors(ran), [
      [4924, "ALTER TABLE DROP COLUMN failed because column 'nothing' does not exist in table 'wide'."],
      [5074, "The object 'pk_wide' is dependent on column 'id'."],
      [4922, 'ALTER TABLE DROP COLUMN id failed because one or more objects access this column.'],
      [5074, "The object 'pk_wide' is dependent on column 'id'."],
      [4922, 'ALTER TABLE ALTER COLUMN id failed because one or more objects access this column.'],
      [4923, "ALTER TABLE DROP COLUMN failed because 'only_one' is the only data column in table 'single'. A table must have at least one data column."],
    ]);
  });

  test('a #temp table is altered too', async () => {
    const ran = await s.ok(`CREATE TABLE #scratch (a int, b int);
INSERT INTO #scratch VALUES (1, 2);
ALTER TABLE #scratch ADD c nvarchar(5) NOT NULL DEFAULT N'z';
ALTER TABLE #scratch DROP COLUMN a;
SELECT * FROM #scratch;
DROP TABLE #scratch;`);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.name), ['b', 'c']);
    assert.deepEqual(ran.resultSets[0]!.rows, [[2, 'z']]);
  });
});

describe('permissions, transactions and restarts', () => {
  test('without ALTER the table is "not found" (Msg 4902); GRANT ALTER lets the user; a column permission follows its column', async () => {
    await s.ok(`CREATE TABLE dbo.shared (a int, b int, c int);
CREATE LOGIN alterer WITH PASSWORD = 'Pw-alterer-1!';
CREATE USER alterer FOR LOGIN alterer;
GRANT SELECT (c) ON dbo.shared TO alterer;`);
    const user = await bed.connect({ name: 'alterer', password: 'Pw-alterer-1!' });
    const refused = await user.run('USE altdb;\nALTER TABLE dbo.shared ADD d int;');
    assert.deepEqual(errors(refused), [[4902, 'Cannot find the object "dbo.shared" because it does not exist or you do not have permissions.']]);
    await s.ok('GRANT ALTER ON dbo.shared TO alterer;');
    await user.ok('USE altdb;\nALTER TABLE dbo.shared DROP COLUMN a;');
    const granted = await s.ok(`SELECT c.name FROM sys.database_permissions p JOIN sys.columns c ON c.object_id = p.major_id AND c.column_id = p.minor_id
WHERE p.major_id = OBJECT_ID('dbo.shared') AND p.permission_name = 'SELECT';`);
    assert.deepEqual(granted.column(), ['c']);
  });

  test('ROLLBACK undoes an ALTER TABLE, columns and data; a committed one survives a restart of the instance', async () => {
    const ran = await s.ok(`CREATE TABLE dbo.kept (id int, label nvarchar(10));
INSERT INTO dbo.kept VALUES (1, N'one');
BEGIN TRANSACTION;
ALTER TABLE dbo.kept ADD extra int NOT NULL DEFAULT 5;
ALTER TABLE dbo.kept DROP COLUMN label;
ROLLBACK;
SELECT * FROM dbo.kept;
ALTER TABLE dbo.kept ALTER COLUMN label nvarchar(30) NOT NULL;
ALTER TABLE dbo.kept ADD added datetime2 NULL;`);
    assert.deepEqual(ran.resultSets[0]!.columns.map((c) => c.name), ['id', 'label']);
    assert.deepEqual(ran.resultSets[0]!.rows, [[1, 'one']]);
    await bed.close();
    await bed.open({ fresh: false });
    s = await bed.connect();
    await s.ok('USE altdb;');
    assert.deepEqual(await columnsOf('dbo.kept'), [
      ['id', 'int', 4, true],
      ['label', 'nvarchar', 60, false],
      ['added', 'datetime2', 8, true],
    ]);
  });
});
