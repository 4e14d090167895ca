// The catalog as SQL Server's clients read it: sys.columns with each column's type, sys.types,
// INFORMATION_SCHEMA.TABLES / COLUMNS / SCHEMATA, and the catalog procedures ODBC drivers call
// (sp_tables, sp_columns), with SQL Server 2019's column names, types and values; a login sees in
// each only what it may see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineBed, type Ran, type Session } from './engineBed';

const bed = new EngineBed('catalog');
let s: Session;

const COLLATION = 'SQL_Latin1_General_CP1_CI_AS';

before(async () => {
  await bed.open();
  s = await bed.connect();
  await s.ok(`CREATE DATABASE catdb;
GO
USE catdb;
CREATE TABLE dbo.readings (id int IDENTITY(1, 1) NOT NULL, label nvarchar(50) NULL, notes varchar(max), amount decimal(10, 2), taken datetime2(3), digest varbinary(16), active bit, logged datetime NOT NULL);
GO
CREATE VIEW dbo.recent AS SELECT id, label, amount FROM dbo.readings;`);
});

after(() => bed.remove());

const rows = (ran: Ran, k = 0) => ran.resultSets[k]!.rows;
const columns = (ran: Ran, k = 0) => ran.resultSets[k]!.columns.map((c) => [c.name, c.type]);

describe('sys.columns', () => {
  test("has each column's type after its first six columns, with SQL Server's types", async () => {
    const ran = await s.ok('SELECT * FROM sys.columns WHERE 1 = 0;');
    assert.deepEqual(columns(ran), [
      ['object_id', 'int'], ['name', 'nvarchar(128)'], ['column_id', 'int'], ['encryption_type', 'int'], ['encryption_type_desc', 'nvarchar(64)'],
      ['column_encryption_key_id', 'int'], ['system_type_id', 'tinyint'], ['user_type_id', 'int'], ['max_length', 'smallint'], ['precision', 'tinyint'],
      ['scale', 'tinyint'], ['collation_name', 'nvarchar(128)'], ['is_nullable', 'bit'], ['is_identity', 'bit'], ['is_computed', 'bit'],
    ]);
  });

  test('a table: type ids, bytes (nvarchar two a character, -1 for max), precision, scale, collation, nullability, identity', async () => {
    const ran = await s.ok(`SELECT name, column_id, system_type_id, user_type_id, max_length, [precision], scale, collation_name, is_nullable, is_identity, is_computed, encryption_type
FROM sys.columns WHERE object_id = OBJECT_ID('dbo.readings') ORDER BY column_id;`);
    assert.deepEqual(rows(ran), [
      ['id', 1, 56, 56, 4, 10, 0, null, false, true, false, null],
      ['label', 2, 231, 231, 100, 0, 0, COLLATION, true, false, false, null],
      ['notes', 3, 167, 167, -1, 0, 0, COLLATION, true, false, false, null],
      ['amount', 4, 106, 106, 9, 10, 2, null, true, false, false, null],
      ['taken', 5, 42, 42, 7, 23, 3, null, true, false, false, null],
      ['digest', 6, 165, 165, 16, 0, 0, null, true, false, false, null],
      ['active', 7, 104, 104, 1, 1, 0, null, true, false, false, null],
      ['logged', 8, 61, 61, 8, 23, 3, null, false, false, false, null],
    ]);
  });

  test("a view: its definition's types; nullability and identity unknown (NULL)", async () => {
    const ran = await s.ok(`SELECT name, system_type_id, max_length, [precision], scale, is_nullable, is_identity FROM sys.columns WHERE object_id = OBJECT_ID('dbo.recent') ORDER BY column_id;`);
    assert.deepEqual(rows(ran), [
      ['id', 56, 4, 10, 0, null, null],
      ['label', 231, 100, 0, 0, null, null],
      ['amount', 106, 9, 10, 2, null, null],
    ]);
  });

  test('joins sys.types by user_type_id, as tools write it', async () => {
    const ran = await s.ok(`SELECT c.name, t.name FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id WHERE c.object_id = OBJECT_ID('dbo.readings') ORDER BY c.column_id;`);
    assert.deepEqual(rows(ran), [
      ['id', 'int'], ['label', 'nvarchar'], ['notes', 'varchar'], ['amount', 'decimal'], ['taken', 'datetime2'], ['digest', 'varbinary'], ['active', 'bit'], ['logged', 'datetime'],
    ]);
  });
});

describe('sys.types', () => {
  test("the system types this instance has, with SQL Server's ids, sizes and collation; sysname is nvarchar(128), not nullable", async () => {
    const ran = await s.ok(`SELECT name, system_type_id, user_type_id, schema_id, principal_id, max_length, [precision], scale, collation_name, is_nullable, is_user_defined, is_assembly_type, default_object_id, rule_object_id, is_table_type
FROM sys.types WHERE name IN ('int', 'bigint', 'nvarchar', 'decimal', 'datetime2', 'sysname', 'varbinary', 'bit') ORDER BY name;`);
    assert.deepEqual(columns(ran).slice(0, 10), [
      ['name', 'nvarchar(128)'], ['system_type_id', 'tinyint'], ['user_type_id', 'int'], ['schema_id', 'int'], ['principal_id', 'int'], ['max_length', 'smallint'],
      ['precision', 'tinyint'], ['scale', 'tinyint'], ['collation_name', 'nvarchar(128)'], ['is_nullable', 'bit'],
    ]);
    const rest = [false, false, 0, 0, false];
    assert.deepEqual(rows(ran), [
      ['bigint', 127, 127, 4, null, 8, 19, 0, null, true, ...rest],
      ['bit', 104, 104, 4, null, 1, 1, 0, null, true, ...rest],
      ['datetime2', 42, 42, 4, null, 8, 27, 7, null, true, ...rest],
      ['decimal', 106, 106, 4, null, 17, 38, 38, null, true, ...rest],
      ['int', 56, 56, 4, null, 4, 10, 0, null, true, ...rest],
      ['nvarchar', 231, 231, 4, null, 8000, 0, 0, COLLATION, true, ...rest],
      ['sysname', 231, 256, 4, null, 256, 0, 0, COLLATION, false, ...rest],
      ['varbinary', 165, 165, 4, null, 8000, 0, 0, null, true, ...rest],
    ]);
  });

  test('lists the types a column can be declared with, and no other', async () => {
    const ran = await s.ok('SELECT name FROM sys.types ORDER BY name;');
    assert.deepEqual(ran.column(), [
      'bigint', 'binary', 'bit', 'char', 'date', 'datetime', 'datetime2', 'decimal', 'float', 'image', 'int', 'money', 'nchar', 'ntext', 'numeric',
      'nvarchar', 'real', 'smalldatetime', 'smallint', 'smallmoney', 'sysname', 'text', 'time', 'tinyint', 'uniqueidentifier', 'varbinary', 'varchar',
    ]);
  });
});

describe('INFORMATION_SCHEMA', () => {
  test('TABLES: base tables and views, in any case and from another database', async () => {
    const expected = [
      ['catdb', 'dbo', 'readings', 'BASE TABLE'],
      ['catdb', 'dbo', 'recent', 'VIEW'],
    ];
    const ran = await s.ok('SELECT * FROM INFORMATION_SCHEMA.TABLES ORDER BY TABLE_NAME;');
    assert.deepEqual(columns(ran), [['TABLE_CATALOG', 'nvarchar(128)'], ['TABLE_SCHEMA', 'nvarchar(128)'], ['TABLE_NAME', 'nvarchar(128)'], ['TABLE_TYPE', 'varchar(10)']]);
    assert.deepEqual(rows(ran), expected);
    assert.deepEqual(rows(await s.ok('select * from information_schema.tables order by table_name;')), expected);
    const fromMaster = await s.ok('USE master; SELECT * FROM catdb.INFORMATION_SCHEMA.TABLES ORDER BY TABLE_NAME; SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = N\'readings\'; USE catdb;');
    assert.deepEqual(fromMaster.resultSets.map((r) => r.rows), [expected, [[0]]]);
  });

  test("COLUMNS: every column of SQL Server's view, a table's columns and a view's", async () => {
    const ran = await s.ok("SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'readings' ORDER BY ORDINAL_POSITION;");
    assert.deepEqual(columns(ran), [
      ['TABLE_CATALOG', 'nvarchar(128)'], ['TABLE_SCHEMA', 'nvarchar(128)'], ['TABLE_NAME', 'nvarchar(128)'], ['COLUMN_NAME', 'nvarchar(128)'],
      ['ORDINAL_POSITION', 'int'], ['COLUMN_DEFAULT', 'nvarchar(4000)'], ['IS_NULLABLE', 'varchar(3)'], ['DATA_TYPE', 'nvarchar(128)'],
      ['CHARACTER_MAXIMUM_LENGTH', 'int'], ['CHARACTER_OCTET_LENGTH', 'int'], ['NUMERIC_PRECISION', 'tinyint'], ['NUMERIC_PRECISION_RADIX', 'smallint'],
      ['NUMERIC_SCALE', 'int'], ['DATETIME_PRECISION', 'smallint'], ['CHARACTER_SET_CATALOG', 'nvarchar(128)'], ['CHARACTER_SET_SCHEMA', 'nvarchar(128)'],
      ['CHARACTER_SET_NAME', 'nvarchar(128)'], ['COLLATION_CATALOG', 'nvarchar(128)'], ['COLLATION_SCHEMA', 'nvarchar(128)'], ['COLLATION_NAME', 'nvarchar(128)'],
      ['DOMAIN_CATALOG', 'nvarchar(128)'], ['DOMAIN_SCHEMA', 'nvarchar(128)'], ['DOMAIN_NAME', 'nvarchar(128)'],
    ]);
    const at = ['catdb', 'dbo', 'readings'];
    const noDomain = [null, null, null];
    assert.deepEqual(rows(ran), [
      [...at, 'id', 1, null, 'NO', 'int', null, null, 10, 10, 0, null, null, null, null, null, null, null, ...noDomain],
      [...at, 'label', 2, null, 'YES', 'nvarchar', 50, 100, null, null, null, null, null, null, 'UNICODE', null, null, COLLATION, ...noDomain],
      [...at, 'notes', 3, null, 'YES', 'varchar', -1, -1, null, null, null, null, null, null, 'iso_1', null, null, COLLATION, ...noDomain],
      [...at, 'amount', 4, null, 'YES', 'decimal', null, null, 10, 10, 2, null, null, null, null, null, null, null, ...noDomain],
      [...at, 'taken', 5, null, 'YES', 'datetime2', null, null, null, null, null, 3, null, null, null, null, null, null, ...noDomain],
      [...at, 'digest', 6, null, 'YES', 'varbinary', 16, 16, null, null, null, null, null, null, null, null, null, null, ...noDomain],
      [...at, 'active', 7, null, 'YES', 'bit', null, null, null, null, null, null, null, null, null, null, null, null, ...noDomain],
      [...at, 'logged', 8, null, 'NO', 'datetime', null, null, null, null, null, 3, null, null, null, null, null, null, ...noDomain],
    ]);
    const view = await s.ok("SELECT COLUMN_NAME, IS_NULLABLE, DATA_TYPE, NUMERIC_PRECISION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'recent' ORDER BY ORDINAL_POSITION;");
    assert.deepEqual(rows(view), [['id', null, 'int', 10], ['label', null, 'nvarchar', null], ['amount', null, 'decimal', 10]]);
  });

  test('SCHEMATA: the schemas with their owners and the character set', async () => {
    const ran = await s.ok('SELECT * FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY SCHEMA_NAME;');
    assert.deepEqual(rows(ran), [
      ['catdb', 'dbo', 'dbo', null, null, 'iso_1'],
      ['catdb', 'guest', 'guest', null, null, 'iso_1'],
      ['catdb', 'INFORMATION_SCHEMA', 'INFORMATION_SCHEMA', null, null, 'iso_1'],
      ['catdb', 'sys', 'sys', null, null, 'iso_1'],
    ]);
  });
});

const TABLES_COLUMNS = [['TABLE_QUALIFIER', 'nvarchar(128)'], ['TABLE_OWNER', 'nvarchar(128)'], ['TABLE_NAME', 'nvarchar(128)'], ['TABLE_TYPE', 'varchar(32)'], ['REMARKS', 'varchar(254)']];

describe('sp_tables', () => {
  test('with a pattern: LIKE on name and owner, character classes too; @fUsePattern = 0 compares names', async () => {
    const readings = ['catdb', 'dbo', 'readings', 'TABLE', null];
    const recent = ['catdb', 'dbo', 'recent', 'VIEW', null];
    const ran = await s.ok(`EXEC sp_tables @table_name = 'rea%';
EXEC sp_tables N're[a-c]%', N'dbo';
EXEC sp_tables @table_name = 're_%', @table_owner = 'dbo', @table_qualifier = 'CATDB';
EXEC sp_tables @table_name = 're%', @fUsePattern = 0;
EXEC sp_tables @table_name = 'READINGS', @fUsePattern = 0;
EXEC sp_tables @table_name = 're%', @table_owner = 'dbo', @table_type = '''VIEW''';
EXEC sp_tables @table_name = 'rea%', @table_owner = 'sys';
EXEC sp_tables @table_name = 'resource%', @table_type = '''TABLE''';`);
    assert.deepEqual(columns(ran), TABLES_COLUMNS);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[readings], [readings, recent], [readings, recent], [], [readings], [recent], [], []]);
  });

  test('without one: tables, then views, the catalog views among them, ordered by type, owner and name', async () => {
    const listed = rows(await s.ok('EXEC sp_tables;'));
    assert.deepEqual(listed.slice(0, 2), [
      ['catdb', 'dbo', 'readings', 'TABLE', null],
      ['catdb', 'dbo', 'recent', 'VIEW', null],
    ]);
    const others = listed.slice(2);
    assert.ok(others.every((r) => r[0] === 'catdb' && (r[1] === 'INFORMATION_SCHEMA' || r[1] === 'sys') && r[3] === 'VIEW'), JSON.stringify(others));
    const names = others.map((r) => `${String(r[1])}.${String(r[2])}`);
    for (const view of ['INFORMATION_SCHEMA.COLUMNS', 'INFORMATION_SCHEMA.TABLES', 'sys.columns', 'sys.tables', 'sys.types']) assert.ok(names.includes(view), view);
    assert.ok(names.indexOf('INFORMATION_SCHEMA.TABLES') < names.indexOf('sys.columns') && names.indexOf('sys.columns') < names.indexOf('sys.tables'), names.join());
  });

  test("the databases with a qualifier of '%', the table types with one of '%'; another database's qualifier is Msg 15250", async () => {
    const ran = await s.run(`EXEC sp_tables @table_name = '', @table_owner = '', @table_qualifier = '%';
EXEC sp_tables @table_name = '', @table_owner = '', @table_qualifier = '', @table_type = '%';
EXEC sp_tables @table_qualifier = 'master';`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [
      [['catdb', null, null, null, null], ['master', null, null, null, null]],
      [[null, null, null, 'SYSTEM TABLE', null], [null, null, null, 'TABLE', null], [null, null, null, 'VIEW', null]],
    ]);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[15250, 'The database name component of the object qualifier must be the name of the current database.']]);
  });

  test('db..sp_tables runs in that database', async () => {
    const ran = await s.ok("USE master; EXEC catdb..sp_tables @table_name = 'readings'; EXEC catdb.sys.sp_tables 'recent'; SELECT DB_NAME(); USE catdb;");
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[['catdb', 'dbo', 'readings', 'TABLE', null]], [['catdb', 'dbo', 'recent', 'VIEW', null]], [['master']]]);
  });
});

describe('sp_columns', () => {
  const COLUMNS = [
    ['TABLE_QUALIFIER', 'nvarchar(128)'], ['TABLE_OWNER', 'nvarchar(128)'], ['TABLE_NAME', 'nvarchar(128)'], ['COLUMN_NAME', 'nvarchar(128)'], ['DATA_TYPE', 'smallint'],
    ['TYPE_NAME', 'nvarchar(128)'], ['PRECISION', 'int'], ['LENGTH', 'int'], ['SCALE', 'smallint'], ['RADIX', 'smallint'], ['NULLABLE', 'smallint'],
    ['REMARKS', 'varchar(254)'], ['COLUMN_DEF', 'nvarchar(4000)'], ['SQL_DATA_TYPE', 'smallint'], ['SQL_DATETIME_SUB', 'smallint'], ['CHAR_OCTET_LENGTH', 'int'],
    ['ORDINAL_POSITION', 'int'], ['IS_NULLABLE', 'varchar(254)'], ['SS_DATA_TYPE', 'tinyint'],
  ];
  const at = ['catdb', 'dbo', 'readings'];

  test('ODBC 2 (the default): the ODBC type of each column as SQL Server 2019 reports it', async () => {
    const ran = await s.ok("EXEC sp_columns @table_name = N'readings';");
    assert.deepEqual(columns(ran), COLUMNS);
    assert.deepEqual(rows(ran), [
      [...at, 'id', 4, 'int identity', 10, 4, 0, 10, 0, null, null, 4, null, null, 1, 'NO', 56],
      [...at, 'label', -9, 'nvarchar', 50, 100, null, null, 1, null, null, -9, null, 100, 2, 'YES', 39],
      [...at, 'notes', -1, 'text', 2147483647, 2147483647, null, null, 1, null, null, -1, null, 2147483647, 3, 'YES', 35],
      [...at, 'amount', 3, 'decimal', 10, 12, 2, 10, 1, null, null, 3, null, null, 4, 'YES', 106],
      // datetime2 as its text form, nvarchar: 23 characters.
      [...at, 'taken', -9, 'datetime2', 23, 46, null, null, 1, null, null, -9, null, 46, 5, 'YES', 0],
      [...at, 'digest', -3, 'varbinary', 16, 16, null, null, 1, null, null, -3, null, 16, 6, 'YES', 37],
      [...at, 'active', -7, 'bit', 1, 1, null, null, 1, null, null, -7, null, null, 7, 'YES', 50],
      [...at, 'logged', 11, 'datetime', 23, 16, 3, null, 0, null, null, 11, null, null, 8, 'NO', 61],
    ]);
  });

  test('ODBC 3 changes the datetime codes only; a column pattern; the owner by position', async () => {
    const ran = await s.ok("EXEC sp_columns @table_name = N'readings', @column_name = N'[lt]%', @ODBCVer = 3;\nEXEC sp_columns readings, dbo, catdb, N'logged', 3;");
    assert.deepEqual(ran.resultSets.map((r) => r.rows.map((row) => [row[3], row[4], row[13], row[14]])), [
      [['label', -9, -9, null], ['taken', -9, -9, null], ['logged', 93, 9, 3]],
      [['logged', 93, 9, 3]],
    ]);
  });

  test("a view's columns: nullability unknown (NULLABLE 2, IS_NULLABLE ''), as ODBC has it; a catalog view's by its owner", async () => {
    const ran = await s.ok("EXEC sp_columns N'recent';\nEXEC sp_columns N'tables', N'INFORMATION_SCHEMA';");
    assert.deepEqual(rows(ran, 0).map((r) => [r[2], r[3], r[4], r[5], r[10], r[17], r[18]]), [
      ['recent', 'id', 4, 'int', 2, '', null],
      ['recent', 'label', -9, 'nvarchar', 2, '', 39],
      ['recent', 'amount', 3, 'decimal', 2, '', null],
    ]);
    assert.deepEqual(rows(ran, 1).map((r) => [r[1], r[2], r[3], r[5], r[6]]), [
      ['INFORMATION_SCHEMA', 'TABLES', 'TABLE_CATALOG', 'nvarchar', 128],
      ['INFORMATION_SCHEMA', 'TABLES', 'TABLE_SCHEMA', 'nvarchar', 128],
      ['INFORMATION_SCHEMA', 'TABLES', 'TABLE_NAME', 'nvarchar', 128],
      ['INFORMATION_SCHEMA', 'TABLES', 'TABLE_TYPE', 'varchar', 10],
    ]);
  });

  test('@table_name is required (Msg 201); no such table lists nothing', async () => {
    const ran = await s.run("EXEC sp_columns;\nEXEC sp_columns N'nowhere';");
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[201, "Procedure or function 'sp_columns' expects parameter '@table_name', which was not supplied."]]);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[]]);
  });
});

describe('what a login may see', () => {
  before(async () => {
    await s.ok(`USE master;
CREATE LOGIN outsider WITH PASSWORD = 'Outsider#Pass1';
CREATE LOGIN reader WITH PASSWORD = 'Reader#Pass1';
USE catdb;
CREATE USER reader FOR LOGIN reader;
GRANT SELECT ON dbo.readings TO reader;`);
  });

  test('a login without access to the database sees none of its tables, columns or schemas; db..sp_tables is Msg 916', async () => {
    const outsider = await bed.connect({ name: 'outsider', password: 'Outsider#Pass1' });
    const ran = await outsider.run(`SELECT COUNT(*) FROM catdb.sys.tables;
SELECT COUNT(*) FROM catdb.sys.columns;
SELECT COUNT(*) FROM catdb.INFORMATION_SCHEMA.TABLES;
SELECT COUNT(*) FROM catdb.INFORMATION_SCHEMA.COLUMNS;
SELECT COUNT(*) FROM catdb.INFORMATION_SCHEMA.SCHEMATA;
EXEC catdb..sp_tables;
EXEC sp_tables @table_qualifier = 'catdb';
EXEC sp_columns N'readings';`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows), [[[0]], [[0]], [[0]], [[0]], [[0]], []]);
    assert.deepEqual(ran.errors.map((e) => e.number), [916, 15250]);
  });

  test('a user sees the table it may read and not the view it may not, in every catalog', async () => {
    const reader = await bed.connect({ name: 'reader', password: 'Reader#Pass1' });
    const ran = await reader.ok(`USE catdb;
SELECT name FROM sys.tables;
SELECT DISTINCT OBJECT_NAME(object_id) FROM sys.columns;
SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES;
SELECT DISTINCT TABLE_NAME FROM INFORMATION_SCHEMA.COLUMNS;
EXEC sp_tables @table_owner = 'dbo';
EXEC sp_columns N're%', @column_name = N'id';
EXEC sp_columns N'recent';`);
    assert.deepEqual(ran.resultSets.map((r) => r.rows.map((row) => (row.length > 3 ? `${String(row[2])}${row.length > 5 ? `.${String(row[3])}` : ''}` : row[0]))), [
      ['readings'],
      ['readings'],
      ['readings'],
      ['readings'],
      ['readings'],
      ['readings.id'],
      [],
    ]);
  });
});
