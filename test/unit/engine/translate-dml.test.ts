// CREATE TABLE, INSERT, UPDATE, DELETE, TRUNCATE and data types to DuckDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTableFromColumns,
  dropTableStatements,
  formatSqlType,
  resolveDataType,
  translateCreateTable,
  translateDeleteStatement,
  translateInsertStaged,
  translateInsertStatement,
  translateTruncateStatement,
  translateUpdateStatement,
  duckdbType,
} from '../../../server/src/core/engine/translate';
import type { DataType } from '../../../server/src/core/engine/ast';
import { fakePorts, statement, type } from './fakes';

const ports = fakePorts({
  tables: {
    'sales.dbo.people': ['id int identity', 'name nvarchar(5)', 'city varchar(30)', 'born date'],
    'sales.dbo.orders': ['id int', 'person_id int', 'amount money'],
  },
  variables: { '@city': 'varchar(30)', '@n': 'int' },
});

function createSql(sql: string, location = { kind: 'database' as const, database: 'sales', schema: 'dbo', name: 't' }) {
  const s = statement(sql);
  assert.ok(s.kind === 'createTable');
  return translateCreateTable(s.definition, location, ports);
}

function insert(sql: string) {
  const s = statement(sql);
  assert.ok(s.kind === 'insert');
  return translateInsertStatement(s, ports);
}

function insertError(sql: string): string {
  const r = insert(sql);
  assert.ok(!r.ok, sql);
  return `Msg ${r.error.number}: ${r.error.message}`;
}

test('T-SQL types map to DuckDB types; strings are VARCHAR COLLATE NOCASE columns', () => {
  const map = (t: string) => duckdbType(type(t));
  assert.deepEqual(
    ['nvarchar(50)', 'varchar(max)', 'char(2)', 'int', 'bigint', 'smallint', 'tinyint', 'bit', 'float', 'real', 'decimal(10,2)', 'money', 'datetime', 'datetime2', 'date', 'time', 'uniqueidentifier', 'varbinary(max)'].map(map),
    ['VARCHAR', 'VARCHAR', 'VARCHAR', 'INTEGER', 'BIGINT', 'SMALLINT', 'UTINYINT', 'BOOLEAN', 'DOUBLE', 'FLOAT', 'DECIMAL(10,2)', 'DECIMAL(19,4)', 'TIMESTAMP', 'TIMESTAMP', 'DATE', 'TIME', 'UUID', 'BLOB'],
  );
  const r = createSql('CREATE TABLE t (a nvarchar(10) NOT NULL, b decimal(10, 2) NULL, c bit)');
  assert.ok(r.ok);
  assert.deepEqual(r.value.statements, ['CREATE TABLE "sales"."dbo"."t" ("a" VARCHAR COLLATE NOCASE NOT NULL, "b" DECIMAL(10,2), "c" BOOLEAN)']);
  assert.deepEqual(r.value.columns.map((c) => [c.name, formatSqlType(c.type), c.nullable]), [
    ['a', 'nvarchar(10)', false],
    ['b', 'decimal(10,2)', true],
    ['c', 'bit', true],
  ]);
});

test('IDENTITY becomes a sequence; DEFAULT, PRIMARY KEY, UNIQUE and CHECK are kept', () => {
  const r = createSql("CREATE TABLE t (id int IDENTITY(10, 5) PRIMARY KEY, name varchar(20) DEFAULT 'n/a' UNIQUE, qty int CHECK (qty >= 0), at datetime DEFAULT GETDATE())");
  assert.ok(r.ok);
  assert.deepEqual(r.value.statements, [
    'CREATE SEQUENCE "sales"."dbo"."t$identity$id" START WITH 10 INCREMENT BY 5',
    `CREATE TABLE "sales"."dbo"."t" ("id" INTEGER DEFAULT nextval('"sales"."dbo"."t$identity$id"') NOT NULL, "name" VARCHAR COLLATE NOCASE DEFAULT 'n/a', "qty" INTEGER, "at" TIMESTAMP DEFAULT make_timestamp((((((epoch_us(current_localtimestamp()) + 69120000000000000) * 3 + 5000) // 10000) * 10 + 1) // 3) * 1000 - 69120000000000000), PRIMARY KEY ("id"), UNIQUE ("name"), CHECK (("qty" >= 0)))`,
  ]);
  assert.deepEqual(r.value.columns.map((c) => c.identity), [true, false, false, false]);
  assert.deepEqual(dropTableStatements({ kind: 'database', database: 'sales', schema: 'dbo', name: 't' }, r.value.columns), [
    'DROP TABLE "sales"."dbo"."t"',
    'DROP SEQUENCE IF EXISTS "sales"."dbo"."t$identity$id"',
  ]);
});

test('#temp tables are DuckDB temporary tables, with temporary sequences', () => {
  const r = createSql('CREATE TABLE #t (id int IDENTITY, v float)', { kind: 'temp', name: '#t' } as never);
  assert.ok(r.ok);
  assert.deepEqual(r.value.statements, [
    'CREATE TEMP SEQUENCE "#t$identity$id" START WITH 1 INCREMENT BY 1',
    `CREATE TEMP TABLE temp.main."#t" ("id" INTEGER DEFAULT nextval('temp.main."#t$identity$id"') NOT NULL, "v" DOUBLE)`,
  ]);
  assert.deepEqual(createTableFromColumns({ kind: 'temp', name: '#x' }, [{ name: 'a', type: type('nvarchar(3)'), nullable: true, identity: false }]), [
    'CREATE TEMP TABLE temp.main."#x" ("a" VARCHAR COLLATE NOCASE)',
  ]);
});

test('table definitions SQL Server refuses', () => {
  const message = (sql: string) => {
    const r = createSql(sql);
    assert.ok(!r.ok, sql);
    return `Msg ${r.error.number}: ${r.error.message}`;
  };
  assert.equal(message('CREATE TABLE t (a int, A int)'), "Msg 2705: Column names in each table must be unique. Column name 'A' in table 't' is specified more than once.");
  assert.equal(message('CREATE TABLE t (a int IDENTITY, b int IDENTITY)'), "Msg 2744: Multiple identity columns specified for table 't'. Only one identity column per table is allowed.");
  assert.equal(message('CREATE TABLE t (a varchar(10) IDENTITY)').split(':')[0], 'Msg 2749');
  assert.equal(message('CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)'), "Msg 8110: Cannot add multiple PRIMARY KEY constraints to table 't'.");
  assert.equal(message('CREATE TABLE t (a widget)'), 'Msg 2715: Column, parameter, or variable #1: Cannot find data type widget.');
  assert.equal(message('CREATE TABLE t (a int, b xml)'), 'Msg 59001: The data type xml is not supported by the embedded instance.');
  assert.equal(message('CREATE TABLE t (a varchar(9000))'), "Msg 131: The size (9000) given to the type 'varchar' exceeds the maximum allowed for any data type (8000).");
  assert.equal(message('CREATE TABLE t (a int DEFAULT @n)'), 'Msg 137: Must declare the scalar variable "@n".');
});

test('data types resolve with SQL Server defaults: varchar means varchar(1) declared and varchar(30) in CAST', () => {
  const dt = (name: string, args: (number | 'max')[] = []): DataType => ({ name, args, schema: null, start: 0, end: 0 });
  const resolve = (d: DataType, context: 'declaration' | 'cast') => {
    const r = resolveDataType(d, context);
    return r.ok ? formatSqlType(r.value) : `Msg ${r.error.number}`;
  };
  assert.deepEqual(
    [resolve(dt('varchar'), 'declaration'), resolve(dt('varchar'), 'cast'), resolve(dt('decimal'), 'declaration'), resolve(dt('float', [24]), 'cast'), resolve(dt('sysname'), 'declaration'), resolve(dt('datetime2'), 'cast'), resolve(dt('char', ['max']), 'cast')],
    ['varchar(1)', 'varchar(30)', 'decimal(18,0)', 'real', 'nvarchar(128)', 'datetime2(7)', 'Msg 2716'],
  );
});

test('INSERT VALUES converts to the column types and refuses strings that would be truncated (Msg 2628)', () => {
  const r = insert("INSERT INTO people (name, city, born) VALUES (N'Ann', @city, '2001-02-03'), ('Bob', DEFAULT, NULL)");
  assert.ok(r.ok && r.value.kind === 'sql');
  assert.equal(
    r.value.sql,
    `INSERT INTO "sales"."dbo"."people" ("name", "city", "born") VALUES ('Ann', CAST($1 AS VARCHAR), CAST('2001-02-03' AS DATE)), ('Bob', DEFAULT, CAST(NULL AS DATE))`,
  );
  assert.deepEqual(r.value.parameters, ['@city']);
  const long = insert("INSERT INTO people (name) VALUES ('Bartholomew')");
  assert.ok(long.ok && long.value.kind === 'sql');
  assert.match(long.value.sql, /CASE WHEN length\('Bartholomew'\) > 5 THEN error\('\[sqlml 2628\/16\/1\] ' \|\| 'String or binary data would be truncated in table ''sales\.dbo\.people'', column ''name''\. Truncated value: '''/);
});

test('INSERT column lists: implicit lists skip the identity; counts must match', () => {
  const r = insert("INSERT INTO people VALUES ('a', 'b', NULL)");
  assert.ok(r.ok && r.value.kind === 'sql');
  assert.match(r.value.sql, /^INSERT INTO "sales"\."dbo"\."people" \("name", "city", "born"\) VALUES/);
  assert.equal(insertError("INSERT INTO people VALUES ('a')"), 'Msg 213: Column name or number of supplied values does not match table definition.');
  assert.equal(insertError("INSERT INTO people (name) VALUES ('a', 'b')").split('.')[0], 'Msg 110: There are fewer columns in the INSERT statement than values specified in the VALUES clause');
  assert.equal(insertError("INSERT INTO people (name, city) VALUES ('a')").split('.')[0], 'Msg 109: There are more columns in the INSERT statement than values specified in the VALUES clause');
  assert.equal(insertError('INSERT INTO people (id, name) VALUES (1, 2)'), "Msg 544: Cannot insert explicit value for identity column in table 'people' when IDENTITY_INSERT is set to OFF.");
  assert.equal(insertError('INSERT INTO people (nom) VALUES (1)'), "Msg 207: Invalid column name 'nom'.");
  assert.equal(insertError('INSERT INTO nobody VALUES (1)'), "Msg 208: Invalid object name 'nobody'.");
});

test('INSERT ... SELECT converts each selected column; INSERT ... EXEC gives the executor an INSERT of its staged rows', () => {
  const r = insert('INSERT INTO orders (id, person_id, amount) SELECT id, id, 10 FROM people');
  assert.ok(r.ok && r.value.kind === 'sql');
  assert.equal(
    r.value.sql,
    'INSERT INTO "sales"."dbo"."orders" ("id", "person_id", "amount") SELECT "s"."c1", "s"."c2", CAST("s"."c3" AS DECIMAL(19,4)) FROM (SELECT "people"."id" AS "id", "people"."id" AS "id", 10 FROM "sales"."dbo"."people" AS "people") AS "s"("c1", "c2", "c3")',
  );
  assert.equal(insertError('INSERT INTO orders (id) SELECT id, name FROM people').split('.')[0], 'Msg 121: The select list for the INSERT statement contains more items than the insert list');
  const text = "INSERT INTO people (name, city) EXEC sp_execute_external_script @language = N'R', @script = N'x'";
  const s = statement(text);
  assert.ok(s.kind === 'insert');
  const plan = translateInsertStatement(s, ports);
  assert.ok(plan.ok && plan.value.kind === 'execute');
  assert.deepEqual(plan.value.columns.map((c) => c.name), ['name', 'city']);
  const row = translateInsertStaged(plan.value, [type('nvarchar(max)'), type('varchar(max)')], 'temp.main."staged"', s);
  assert.ok(row.ok);
  assert.match(row.value, /^INSERT INTO "sales"\."dbo"\."people" \("name", "city"\) SELECT CASE WHEN length\(CAST\("s"\."c1" AS VARCHAR\)\) > 5 THEN error/);
  // A plain scan: the storage keeps the staged rows in order without a sort (see the staged-order test in engine-tsql).
  assert.match(row.value, / FROM temp\.main\."staged" AS "s"$/);
  const wrong = translateInsertStaged(plan.value, [type('int')], 'temp.main."staged"', s);
  assert.ok(!wrong.ok && wrong.error.number === 120);
});

test('UPDATE and DELETE, alone or joined: DuckDB UPDATE ... FROM and DELETE ... USING', () => {
  const update = (sql: string) => {
    const s = statement(sql);
    assert.ok(s.kind === 'update');
    return translateUpdateStatement(s, ports);
  };
  const remove = (sql: string) => {
    const s = statement(sql);
    assert.ok(s.kind === 'delete');
    return translateDeleteStatement(s, ports);
  };
  const simple = update("UPDATE people SET city = LOWER(city), born = DEFAULT WHERE name = 'ann'");
  assert.ok(simple.ok);
  assert.equal(simple.value.sql, `UPDATE "sales"."dbo"."people" AS "people" SET "city" = lower("people"."city"), "born" = DEFAULT WHERE (rtrim("people"."name", ' ') COLLATE NOCASE = 'ann')`);
  const joined = update('UPDATE o SET amount += 1 FROM orders o JOIN people p ON p.id = o.person_id WHERE p.city = @city');
  assert.ok(joined.ok);
  assert.equal(
    joined.value.sql,
    `UPDATE "sales"."dbo"."orders" AS "o" SET "amount" = CAST(("o"."amount" + 1) AS DECIMAL(19,4)) FROM "sales"."dbo"."people" AS "p" WHERE ("p"."id" = "o"."person_id") AND (rtrim("p"."city", ' ') COLLATE NOCASE = rtrim(CAST($1 AS VARCHAR), ' '))`,
  );
  const identity = update('UPDATE people SET id = 5');
  assert.ok(!identity.ok && identity.error.message === "Cannot update identity column 'id'.");
  const outer = update('UPDATE o SET amount = 0 FROM orders o LEFT JOIN people p ON p.id = o.person_id');
  assert.ok(!outer.ok && outer.error.number === 59001);
  const deleted = remove('DELETE p FROM people AS p INNER JOIN orders o ON o.person_id = p.id WHERE o.amount > 100');
  assert.ok(deleted.ok);
  assert.equal(
    deleted.value.sql,
    'DELETE FROM "sales"."dbo"."people" AS "p" USING "sales"."dbo"."orders" AS "o" WHERE ("o"."person_id" = "p"."id") AND ("o"."amount" > 100)',
  );
  const all = remove('DELETE FROM orders');
  assert.ok(all.ok && all.value.sql === 'DELETE FROM "sales"."dbo"."orders" AS "orders"');
  const truncate = statement('TRUNCATE TABLE orders');
  assert.ok(truncate.kind === 'truncate');
  const t = translateTruncateStatement(truncate, ports);
  assert.ok(t.ok && t.value === 'DELETE FROM "sales"."dbo"."orders"');
});
