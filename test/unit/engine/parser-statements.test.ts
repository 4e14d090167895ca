// The statement forms the embedded instance runs, parsed into the AST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch, parseScript } from '../../../server/src/core/engine/parser';
import type { Statement } from '../../../server/src/core/engine/ast';

function parse(sql: string): Statement[] {
  const { statements, errors } = parseBatch(sql);
  assert.deepEqual(errors, [], `unexpected errors in: ${sql}`);
  return statements;
}

function one<K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  const statements = parse(sql);
  assert.equal(statements.length, 1, sql);
  assert.equal(statements[0]!.kind, kind, sql);
  return statements[0] as Extract<Statement, { kind: K }>;
}

test('a script splits at GO lines into batches with their start line and repeat count', () => {
  const text = 'SELECT 1\nGO\n\nPRINT 2\nPRINT 3\ngo 3\nGO\nUSE master';
  const batches = parseScript(text);
  assert.deepEqual(
    batches.map((b) => [b.startLine, b.repeat, b.statements.map((s) => s.kind)]),
    [
      [0, 1, ['select']],
      [2, 3, ['print', 'print']],
      [7, 1, ['use']],
    ],
  );
  assert.equal(text.slice(batches[1]!.start, batches[1]!.start + 1), '\n');
});

test('every node carries its offsets in the text', () => {
  const text = 'PRINT 1;\n  SELECT a FROM t';
  const [print, select] = parse(text);
  assert.equal(text.slice(print!.start, print!.end), 'PRINT 1');
  assert.equal(text.slice(select!.start, select!.end), 'SELECT a FROM t');
  if (select!.kind !== 'select' || select!.query.body.kind !== 'select') return assert.fail();
  const from = select!.query.body.from[0]!;
  assert.equal(text.slice(from.start, from.end), 't');
});

test('DECLARE, SET, SELECT @v = and PRINT', () => {
  const declare = one("DECLARE @a int = 5, @b nvarchar(max), @t TABLE (id int PRIMARY KEY, name varchar(10))", 'declare');
  assert.deepEqual(
    declare.variables.map((v) => [v.kind, v.name.name]),
    [
      ['scalar', '@a'],
      ['scalar', '@b'],
      ['table', '@t'],
    ],
  );
  const a = declare.variables[0]!;
  assert.ok(a.kind === 'scalar' && a.type.name === 'int' && a.value?.kind === 'number');
  const b = declare.variables[1]!;
  assert.ok(b.kind === 'scalar' && b.type.name === 'nvarchar' && b.type.args[0] === 'max');
  const set = one('SET @a += 1', 'setVariable');
  assert.equal(set.op, '+=');
  const select = one('SELECT @a = COUNT(*), @b = MAX(name) FROM t', 'select');
  assert.ok(select.query.body.kind === 'select' && select.query.body.items.every((i) => i.kind === 'assignment'));
  assert.equal(one("PRINT N'done ' + CAST(@a AS nvarchar(10))", 'print').value.kind, 'binaryOp');
});

test('SET options are accepted: NOCOUNT, lists, isolation level, IDENTITY_INSERT, values', () => {
  const forms: [string, string[], string][] = [
    ['SET NOCOUNT ON', ['NOCOUNT'], 'ON'],
    ['SET ANSI_NULLS, QUOTED_IDENTIFIER OFF', ['ANSI_NULLS', 'QUOTED_IDENTIFIER'], 'OFF'],
    ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', ['TRANSACTION ISOLATION LEVEL'], 'READ COMMITTED'],
    ['SET DATEFORMAT dmy', ['DATEFORMAT'], 'dmy'],
    ['SET ROWCOUNT 10', ['ROWCOUNT'], '10'],
    ['SET STATISTICS IO ON', ['STATISTICS IO'], 'ON'],
  ];
  for (const [sql, options, value] of forms) {
    const s = one(sql, 'setOption');
    assert.deepEqual([s.options, s.value], [options, value], sql);
  }
  assert.equal(one('SET IDENTITY_INSERT dbo.t ON', 'setOption').table?.name.name, 't');
});

test('IF ... ELSE, BEGIN ... END, WHILE with BREAK and CONTINUE, RETURN', () => {
  const s = one("IF @x > 1 AND EXISTS (SELECT 1 FROM t) BEGIN PRINT 'a'; PRINT 'b' END; ELSE PRINT 'c'", 'if');
  assert.equal(s.condition.kind, 'logical');
  assert.ok(s.then.kind === 'block' && s.then.statements.length === 2);
  assert.equal(s.else?.kind, 'print');
  const w = one('WHILE @i < 10 BEGIN SET @i = @i + 1; IF @i = 5 CONTINUE; IF @i = 8 BREAK END', 'while');
  assert.ok(w.body.kind === 'block' && w.body.statements.length === 3);
  const statements = parse('RETURN\nRETURN @rc\nRETURN 5');
  assert.deepEqual(statements.map((r) => (r.kind === 'return' ? r.value?.kind ?? null : r.kind)), [null, 'variable', 'number']);
});

test('TRY/CATCH, THROW, RAISERROR, transactions and WAITFOR', () => {
  const s = one("BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH THROW; END CATCH", 'tryCatch');
  assert.deepEqual([s.try.length, s.catch.length, s.catch[0]?.kind], [1, 1, 'throw']);
  const t = one("THROW 50001, N'Bad thing', 1", 'throw');
  assert.equal(t.error?.number.kind, 'number');
  const r = one("RAISERROR (N'Value %d', 16, 1, @v) WITH NOWAIT", 'raiserror');
  assert.deepEqual([r.args.length, r.options], [1, ['NOWAIT']]);
  assert.deepEqual(parse('BEGIN TRAN; COMMIT TRANSACTION; ROLLBACK').map((x) => x.kind === 'transaction' && x.action), ['begin', 'commit', 'rollback']);
  assert.equal(one("WAITFOR DELAY '00:00:01'", 'waitFor').delay.kind, 'string');
});

test('USE, CREATE/DROP DATABASE and SCHEMA', () => {
  assert.equal(one('USE [ML Data]', 'use').database.name, 'ML Data');
  const c = one('CREATE DATABASE sales COLLATE Latin1_General_CI_AS', 'createDatabase');
  assert.deepEqual([c.name.name, c.collation?.name], ['sales', 'Latin1_General_CI_AS']);
  const d = one('DROP DATABASE IF EXISTS a, b', 'dropDatabase');
  assert.deepEqual([d.ifExists, d.names.map((n) => n.name)], [true, ['a', 'b']]);
  assert.equal(one('CREATE SCHEMA ml AUTHORIZATION dbo', 'createSchema').owner?.name, 'dbo');
});

test('CREATE TABLE with identity, defaults, nullability, keys and checks; #temp; DROP TABLE', () => {
  const s = one(
    `CREATE TABLE #scores (
       id int IDENTITY(100, 5) NOT NULL PRIMARY KEY,
       name nvarchar(50) COLLATE Latin1_General_CI_AS NULL,
       score decimal(5, 2) CONSTRAINT df_score DEFAULT (0.0) CHECK (score >= 0),
       model varbinary(max),
       CONSTRAINT uq UNIQUE (name),
       FOREIGN KEY (id) REFERENCES dbo.other (id),
     ) ON [PRIMARY]`,
    'createTable',
  );
  assert.equal(s.name.name.name, '#scores');
  const [id, name, score, model] = s.definition.columns;
  assert.deepEqual(id!.identity, { seed: 100, increment: 5 });
  assert.deepEqual([id!.nullable, name!.nullable, score!.nullable], [false, true, null]);
  assert.deepEqual(score!.type.args, [5, 2]);
  assert.equal(score!.default?.kind, 'number');
  assert.deepEqual(model!.type.args, ['max']);
  assert.deepEqual(id!.constraints.map((c) => c.kind), ['primaryKey']);
  assert.deepEqual(score!.constraints.map((c) => c.kind), ['check']);
  assert.deepEqual(s.definition.constraints.map((c) => c.kind), ['unique', 'foreignKey']);
  const d = one('DROP TABLE IF EXISTS #scores, dbo.t', 'dropTable');
  assert.deepEqual(d.names.map((n) => n.name.name), ['#scores', 't']);
});

test('INSERT ... VALUES | SELECT | EXEC | DEFAULT VALUES', () => {
  const v = one("INSERT INTO dbo.t (a, b) VALUES (1, N'x'), (2, DEFAULT)", 'insert');
  assert.ok(v.source.kind === 'values' && v.source.rows.length === 2 && v.source.rows[1]![1]!.kind === 'default');
  assert.deepEqual(v.columns.map((c) => c.name), ['a', 'b']);
  assert.equal(one('INSERT t SELECT * FROM u', 'insert').source.kind, 'query');
  const e = one("INSERT INTO #out (id, species) EXEC sp_execute_external_script @language = N'R', @script = N'x'", 'insert');
  assert.ok(e.source.kind === 'execute' && e.source.statement.kind === 'execute');
  assert.equal(one('INSERT INTO @t DEFAULT VALUES', 'insert').target.kind, 'variable');
});

test('UPDATE and DELETE, with FROM and joins; TRUNCATE TABLE', () => {
  const u = one('UPDATE t SET a = 1, b += 2, c = DEFAULT FROM t JOIN u ON t.id = u.id WHERE u.x > 0', 'update');
  assert.deepEqual(u.assignments.map((a) => a.op), ['=', '+=', '=']);
  assert.equal(u.assignments[2]!.value.kind, 'default');
  assert.ok(u.from[0]!.kind === 'join' && u.where?.kind === 'comparison');
  const d = one('DELETE FROM t WHERE a IS NULL', 'delete');
  assert.equal(d.where?.kind, 'isNull');
  const d2 = one('DELETE t FROM t INNER JOIN u ON u.id = t.id', 'delete');
  assert.equal(d2.from.length, 1);
  assert.equal(d.ctes.length, 0);
  // A WITH clause before them belongs to the statement, which begins at WITH.
  const w = one('WITH gone (id) AS (SELECT 1), kept AS (SELECT 2 AS id) DELETE FROM t WHERE id IN (SELECT id FROM gone)', 'delete');
  assert.deepEqual([w.ctes.map((c) => c.name.name), w.start], [['gone', 'kept'], 0]);
  assert.deepEqual(one('WITH c AS (SELECT 1 AS a) UPDATE t SET a = c.a FROM t, c', 'update').ctes.map((c) => c.columns.length), [0]);
  assert.equal(one('TRUNCATE TABLE dbo.t', 'truncate').table.name.name, 't');
});

test('CREATE [OR ALTER] PROCEDURE with parameters, OUTPUT, options, and the body with its range', () => {
  const text = `CREATE OR ALTER PROCEDURE dbo.train @rows int = 10, @model varbinary(max) OUTPUT, @name nvarchar(50) = N'm'
WITH EXECUTE AS OWNER
AS
BEGIN
  SET NOCOUNT ON;
  SELECT TOP (@rows) * FROM t;
END`;
  const s = one(text, 'createProcedure');
  assert.equal(s.mode, 'createOrAlter');
  assert.equal(s.name.schema?.name, 'dbo');
  assert.deepEqual(s.parameters.map((p) => [p.name.name, p.type.name, p.output, p.default?.kind ?? null]), [
    ['@rows', 'int', false, 'number'],
    ['@model', 'varbinary', true, null],
    ['@name', 'nvarchar', false, 'string'],
  ]);
  assert.deepEqual(s.options, ['EXECUTE AS OWNER']);
  assert.equal(text.slice(s.bodyStart, s.bodyEnd), 'BEGIN\n  SET NOCOUNT ON;\n  SELECT TOP (@rows) * FROM t;\nEND');
  assert.ok(s.body[0]!.kind === 'block' && s.body[0]!.statements.length === 2);
  assert.equal(one('ALTER PROC p (@a int) AS SELECT @a', 'createProcedure').mode, 'alter');
  assert.equal(one('DROP PROCEDURE IF EXISTS dbo.train', 'dropProcedure').ifExists, true);
});

test('EXEC with named, positional, OUTPUT and DEFAULT arguments, a return value, and WITH RESULT SETS', () => {
  const s = one(
    `EXEC @rc = dbo.score @model = @m OUTPUT, 5, DEFAULT, N'text', -1.5
     WITH RESULT SETS ((id int NOT NULL, species nvarchar(100)))`,
    'execute',
  );
  assert.equal(s.returnVariable?.name, '@rc');
  assert.deepEqual(s.args.map((a) => [a.name, a.value.kind, a.output]), [
    ['@model', 'variable', true],
    [null, 'number', false],
    [null, 'default', false],
    [null, 'string', false],
    [null, 'unary', false],
  ]);
  assert.ok(s.resultSets?.kind === 'sets');
  assert.deepEqual(s.resultSets.sets[0]!.columns.map((c) => [c.name.name, c.type.name, c.nullable]), [
    ['id', 'int', false],
    ['species', 'nvarchar', null],
  ]);
  const none = one('EXECUTE p WITH RESULT SETS NONE', 'execute');
  assert.equal(none.resultSets?.kind, 'none');
});

test('sp_execute_external_script with every parameter', () => {
  const s = one(
    `EXEC sp_execute_external_script
       @language = N'Python', @script = N'OutputDataSet = InputDataSet',
       @input_data_1 = N'SELECT 1 AS x', @input_data_1_name = N'InputDataSet',
       @input_data_1_order_by_columns = N'x', @input_data_1_partition_by_columns = N'x',
       @output_data_1_name = N'OutputDataSet', @parallel = 0,
       @params = N'@n int, @out int OUTPUT', @n = 3, @out = @result OUTPUT
     WITH RESULT SETS ((x int))`,
    'execute',
  );
  assert.ok(s.procedure.kind === 'objectName' && s.procedure.name.name === 'sp_execute_external_script');
  assert.equal(s.args.length, 11);
  assert.deepEqual(s.args.filter((a) => a.output).map((a) => a.name), ['@out']);
});

test('a procedure named first in a batch runs without EXEC; bare words are strings', () => {
  const s = one("sp_configure 'external scripts enabled', 1", 'execute');
  assert.ok(s.procedure.kind === 'objectName' && s.procedure.name.name === 'sp_configure');
  const r = one('EXEC sp_addrolemember db_datareader, alice', 'execute');
  assert.deepEqual(r.args.map((a) => a.value.kind === 'string' && a.value.value), ['db_datareader', 'alice']);
  assert.deepEqual(parse("EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE WITH OVERRIDE").map((x) => x.kind), ['execute', 'reconfigure']);
  const dynamic = one("EXEC (N'SELECT ' + @cols + N' FROM t')", 'executeString');
  assert.equal(dynamic.parts.length, 3);
});

test('logins, users, roles and memberships', () => {
  const l = one("CREATE LOGIN alice WITH PASSWORD = N'S3cret!' MUST_CHANGE, CHECK_POLICY = OFF, DEFAULT_DATABASE = [sales]", 'createLogin');
  assert.ok(l.source.kind === 'password' && l.source.password.value === 'S3cret!' && l.source.mustChange);
  assert.deepEqual(l.options.map((o) => [o.name, o.value.kind === 'word' ? o.value.value : null]), [
    ['CHECK_POLICY', 'OFF'],
    ['DEFAULT_DATABASE', 'sales'],
  ]);
  assert.equal(one('CREATE LOGIN [bob] FROM OS', 'createLogin').source.kind, 'os');
  assert.equal(one('CREATE LOGIN [HOST\\bob] FROM WINDOWS', 'createLogin').name.name, 'HOST\\bob');
  const u = one('CREATE USER alice FOR LOGIN alice WITH DEFAULT_SCHEMA = ml', 'createUser');
  assert.deepEqual([u.login?.name, u.defaultSchema?.name], ['alice', 'ml']);
  assert.equal(one('CREATE USER app WITHOUT LOGIN', 'createUser').withoutLogin, true);
  assert.equal(one('CREATE ROLE scorers AUTHORIZATION dbo', 'createRole').owner?.name, 'dbo');
  const a = one('ALTER ROLE scorers ADD MEMBER alice', 'alterRole');
  assert.deepEqual([a.server, a.role.name, a.action, a.member.name], [false, 'scorers', 'add', 'alice']);
  assert.equal(one('ALTER SERVER ROLE sysadmin DROP MEMBER bob', 'alterRole').server, true);
  assert.equal(one('DROP USER IF EXISTS alice', 'dropPrincipal').what, 'USER');
});

test('GRANT / DENY / REVOKE on database, schema, object and external language', () => {
  const g = one('GRANT EXECUTE ANY EXTERNAL SCRIPT TO alice, [data scientists]', 'permission');
  assert.deepEqual([g.action, g.permissions.map((p) => p.name), g.on, g.principals.map((p) => p.name)], [
    'GRANT',
    ['EXECUTE ANY EXTERNAL SCRIPT'],
    null,
    ['alice', 'data scientists'],
  ]);
  const lang = one('GRANT EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::Python TO public WITH GRANT OPTION', 'permission');
  assert.deepEqual([lang.on?.class, lang.on?.name.name.name, lang.principals[0]?.name, lang.withGrantOption], ['EXTERNAL LANGUAGE', 'Python', 'public', true]);
  const schema = one('DENY SELECT, INSERT ON SCHEMA::dbo TO bob CASCADE', 'permission');
  assert.deepEqual([schema.on?.class, schema.on?.explicitClass, schema.cascade], ['SCHEMA', true, true]);
  const object = one('GRANT SELECT (a, b), UPDATE ON dbo.t TO alice AS dbo', 'permission');
  assert.deepEqual([object.on?.class, object.on?.explicitClass, object.permissions[0]?.columns.map((c) => c.name), object.as?.name], ['OBJECT', false, ['a', 'b'], 'dbo']);
  const db = one('REVOKE GRANT OPTION FOR CONTROL ON DATABASE::sales FROM alice', 'permission');
  assert.deepEqual([db.grantOptionFor, db.on?.class, db.permissions[0]?.name], [true, 'DATABASE', 'CONTROL']);
  assert.equal(one('GRANT ALL PRIVILEGES ON t TO x', 'permission').permissions[0]!.name, 'ALL');
});

test('EXECUTE AS LOGIN / USER and REVERT', () => {
  const s = one("EXECUTE AS LOGIN = N'alice' WITH NO REVERT", 'executeAs');
  assert.deepEqual([s.principal, s.name?.kind, s.noRevert], ['LOGIN', 'string', true]);
  const c = one("EXEC AS USER = 'bob' WITH COOKIE INTO @cookie", 'executeAs');
  assert.equal(c.cookie?.name, '@cookie');
  assert.equal(one('EXECUTE AS CALLER', 'executeAs').principal, 'CALLER');
  assert.equal(one('REVERT WITH COOKIE = @cookie', 'revert').cookie?.kind, 'variable');
});

test('external resource pools, the resource governor and external languages', () => {
  const p = one('CREATE EXTERNAL RESOURCE POOL ml_pool WITH (MAX_CPU_PERCENT = 50, MAX_MEMORY_PERCENT = 25, MAX_PROCESSES = 8, AFFINITY CPU = AUTO)', 'externalResourcePool');
  assert.deepEqual(p.options.map((o) => [o.name, o.value.kind === 'number' ? o.value.value : o.value.kind === 'word' ? o.value.value : null]), [
    ['MAX_CPU_PERCENT', 50],
    ['MAX_MEMORY_PERCENT', 25],
    ['MAX_PROCESSES', 8],
    ['AFFINITY CPU', 'AUTO'],
  ]);
  const a = one('ALTER EXTERNAL RESOURCE POOL "default" WITH (MAX_CPU_PERCENT = 10, AFFINITY NUMANODE = (0 TO 1))', 'externalResourcePool');
  assert.deepEqual([a.action, a.name.name, a.options[1]!.value.kind === 'raw' && a.options[1]!.value.text], ['alter', 'default', '(0 TO 1)']);
  assert.equal(one('DROP EXTERNAL RESOURCE POOL ml_pool', 'externalResourcePool').action, 'drop');
  assert.equal(one('ALTER RESOURCE GOVERNOR RECONFIGURE', 'alterResourceGovernor').action, 'reconfigure');
  const l = one("CREATE EXTERNAL LANGUAGE Java FROM (CONTENT = N'/opt/java.zip', FILE_NAME = 'javaextension.so', PLATFORM = LINUX)", 'createExternalLanguage');
  assert.deepEqual(l.files[0]!.map((o) => o.name), ['CONTENT', 'FILE_NAME', 'PLATFORM']);
  assert.equal(one('DROP EXTERNAL LANGUAGE Java', 'dropExternalLanguage').name.name, 'Java');
});

test('SELECT clauses: DISTINCT, TOP PERCENT WITH TIES, aliases in every form, INTO, GROUP BY, HAVING, ORDER BY, OFFSET', () => {
  const s = one(
    `SELECT DISTINCT TOP (10) PERCENT WITH TIES a, b AS bee, c cee, 'dee' = d, e 'ee', t.*, COUNT(*) OVER (PARTITION BY a ORDER BY b DESC)
     INTO #x FROM db..t AS t WHERE a > 0 GROUP BY a, b HAVING SUM(c) > 1 ORDER BY 1 DESC, b OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY`,
    'select',
  );
  const q = s.query;
  assert.ok(q.body.kind === 'select');
  const body = q.body;
  assert.deepEqual([body.distinct, body.top?.percent, body.top?.withTies], [true, true, true]);
  assert.deepEqual(body.items.map((i) => (i.kind === 'expression' ? i.alias?.name ?? i.expr.kind : 'assign')), ['column', 'bee', 'cee', 'dee', 'ee', 'star', 'call']);
  assert.equal(body.into?.name.name, '#x');
  const from = body.from[0]!;
  assert.ok(from.kind === 'table' && from.name.database?.name === 'db' && from.name.schema === null);
  assert.deepEqual([body.groupBy.length, body.having?.kind, q.orderBy.map((o) => o.descending)], [2, 'comparison', [true, false]]);
  assert.deepEqual([q.offset?.kind, q.fetch?.kind], ['number', 'number']);
});

test('FROM: joins of every kind, APPLY, derived tables, table variables and table-valued functions', () => {
  const s = one(
    `SELECT * FROM a INNER JOIN b ON a.id = b.id LEFT OUTER JOIN c ON c.id = b.id RIGHT JOIN d ON 1 = 1
     FULL JOIN e ON e.x = d.x CROSS JOIN f CROSS APPLY (SELECT TOP 1 * FROM g WHERE g.id = a.id) AS g2
     OUTER APPLY fn_my_permissions(NULL, 'DATABASE') p, @tv v, (SELECT 1 AS one) AS k (uno)`,
    'select',
  );
  assert.ok(s.query.body.kind === 'select');
  const [joins, variable, derived] = s.query.body.from;
  const types: string[] = [];
  let node = joins!;
  while (node.kind === 'join') {
    types.unshift(node.type);
    node = node.left;
  }
  assert.deepEqual(types, ['INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'CROSS APPLY', 'OUTER APPLY']);
  assert.ok(joins!.kind === 'join' && joins!.right.kind === 'function' && joins!.right.args.length === 2);
  assert.equal(variable!.kind, 'tableVariable');
  assert.ok(derived!.kind === 'derived' && derived!.columns[0]!.name === 'uno');
});

test('set operators: INTERSECT binds tighter than UNION and EXCEPT; CTEs', () => {
  const s = one('WITH x (n) AS (SELECT 1), y AS (SELECT n FROM x) SELECT n FROM x UNION ALL SELECT n FROM y INTERSECT SELECT 1 EXCEPT SELECT 2', 'select');
  assert.deepEqual(s.query.ctes.map((c) => [c.name.name, c.columns.map((n) => n.name)]), [
    ['x', ['n']],
    ['y', []],
  ]);
  const body = s.query.body;
  assert.ok(body.kind === 'setOperation' && body.op === 'EXCEPT');
  assert.ok(body.left.kind === 'setOperation' && body.left.op === 'UNION ALL');
  assert.ok(body.left.right.kind === 'setOperation' && body.left.right.op === 'INTERSECT');
});

test('names: brackets, double quotes, multi-part columns, #temp, db..t', () => {
  const s = one('SELECT [first name], "last""name", dbo.t.[x y], s.t.c FROM [my db].dbo.[t] JOIN #tmp ON 1 = 1', 'select');
  assert.ok(s.query.body.kind === 'select');
  const names = s.query.body.items.map((i) => (i.kind === 'expression' && i.expr.kind === 'column' ? i.expr.parts.map((p) => p.name).join('|') : ''));
  assert.deepEqual(names, ['first name', 'last"name', 'dbo|t|x y', 's|t|c']);
});

test('unsupported statements are nodes, positioned, and the rest of the batch still parses (after a MERGE up to its semicolon)', () => {
  const text = `MERGE t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (1);
DBCC CHECKDB
KILL 52
BACKUP DATABASE x TO DISK = 'x.bak'
ALTER TABLE t SWITCH TO u
CREATE INDEX ix ON t (a)
PRINT 'still here'`;
  const statements = parse(text);
  assert.deepEqual(
    statements.map((s) => (s.kind === 'unsupported' ? s.what : s.kind)),
    ['merge', 'The DBCC statement', 'The KILL statement', 'The BACKUP statement', 'ALTER TABLE SWITCH', 'CREATE INDEX', 'print'],
  );
  const merge = statements[0]!;
  assert.equal(text.slice(merge.start, merge.end), text.slice(0, text.indexOf(';')));
  assert.equal(text.slice(statements[4]!.start, statements[4]!.end), 'ALTER TABLE t SWITCH TO u');
});

test('CREATE VIEW / FUNCTION are parsed whole; multi-statement table-valued functions and triggers take the rest of their batch', () => {
  const batches = parseScript('CREATE VIEW v AS SELECT 1 AS x\nGO\nCREATE FUNCTION dbo.f (@a int) RETURNS TABLE AS RETURN (SELECT @a AS a)\nGO\nCREATE FUNCTION dbo.m () RETURNS @t TABLE (a int) AS BEGIN RETURN END\nGO\nCREATE TRIGGER tr ON t AFTER INSERT AS SELECT 1\nGO\nSELECT * FROM v');
  const kinds = batches.map((b) => b.statements.map((s) => (s.kind === 'unsupported' ? s.what : s.kind)));
  assert.deepEqual(kinds, [['createView'], ['createFunction'], ['A multi-statement table-valued function (RETURNS @table TABLE)'], ['CREATE TRIGGER'], ['select']]);
});

test('DECLARE CURSOR in the ISO and T-SQL forms: scope, whether FETCH may scroll, and how SQL Server would keep the rows', () => {
  const cases: [string, [string | null, boolean, string]][] = [
    ['DECLARE c CURSOR FOR SELECT a FROM t', [null, false, 'dynamic']],
    ['DECLARE c CURSOR LOCAL FAST_FORWARD FOR SELECT a FROM t', ['local', false, 'dynamic']],
    ['DECLARE c CURSOR GLOBAL STATIC READ_ONLY TYPE_WARNING FOR SELECT a FROM t', ['global', true, 'static']],
    ['DECLARE c CURSOR FORWARD_ONLY KEYSET FOR SELECT a FROM t FOR UPDATE OF a, b', [null, false, 'keyset']],
    ['DECLARE c CURSOR SCROLL FOR SELECT a FROM t ORDER BY a', [null, true, 'dynamic']],
    ['DECLARE c INSENSITIVE CURSOR FOR SELECT a FROM t FOR READ ONLY', [null, false, 'static']],
    ['DECLARE c SCROLL CURSOR FOR WITH w AS (SELECT 1 AS a) SELECT a FROM w', [null, true, 'dynamic']],
  ];
  for (const [sql, expected] of cases) {
    const c = one(sql, 'declareCursor');
    assert.deepEqual([c.scope, c.scrollable, c.style], expected, sql);
    assert.equal(c.name.name, 'c');
    assert.equal(sql.slice(c.start, c.end), sql, sql);
  }
  // A FAST_FORWARD cursor moves forward only: declaring it to scroll as well is Msg 1048.
  const { errors } = parseBatch('DECLARE c CURSOR SCROLL FAST_FORWARD FOR SELECT 1');
  assert.deepEqual(errors.map((e) => [e.number, e.message]), [[1048, 'Conflicting cursor options SCROLL and FAST_FORWARD.']]);
});

test('FETCH with and without an orientation and FROM, ABSOLUTE/RELATIVE by a constant or a variable, INTO variables; OPEN/CLOSE/DEALLOCATE [GLOBAL] name', () => {
  const fetches = parse('FETCH c\nFETCH FROM c INTO @a\nFETCH PRIOR FROM GLOBAL c\nFETCH ABSOLUTE -2 FROM c INTO @a, @b\nFETCH RELATIVE @k FROM c\nFETCH next INTO @x');
  assert.deepEqual(
    fetches.map((f) => (f.kind === 'fetchCursor' ? [f.orientation, f.offset?.kind ?? null, f.cursor.name, f.cursor.global, f.into?.map((v) => v.name) ?? null] : f.kind)),
    [
      ['next', null, 'c', false, null],
      ['next', null, 'c', false, ['@a']],
      ['prior', null, 'c', true, null],
      ['absolute', 'unary', 'c', false, ['@a', '@b']],
      ['relative', 'variable', 'c', false, null],
      // A cursor may be named like an orientation; without FROM the word is its name.
      ['next', null, 'next', false, ['@x']],
    ],
  );
  const actions = parse('OPEN c; CLOSE GLOBAL c; DEALLOCATE c');
  assert.deepEqual(actions.map((a) => (a.kind === 'openCursor' || a.kind === 'closeCursor' || a.kind === 'deallocateCursor' ? [a.kind, a.cursor.global] : a.kind)), [
    ['openCursor', false],
    ['closeCursor', true],
    ['deallocateCursor', false],
  ]);
  const variable = parseBatch('FETCH NEXT FROM @cur');
  assert.deepEqual(variable.errors.map((e) => [e.number, e.message]), [[59001, 'A cursor variable is not supported by the embedded instance.']]);
});

test('ALTER TABLE: ADD columns (WITH VALUES), DROP COLUMN [IF EXISTS] a, COLUMN b, ALTER COLUMN with nullability; other forms are positioned 59001 nodes', () => {
  const [add, drop, alter, nullable] = parse(
    'ALTER TABLE dbo.t ADD a int NOT NULL DEFAULT 0, b nvarchar(5) DEFAULT N\'x\' WITH VALUES\nALTER TABLE t DROP COLUMN IF EXISTS a, COLUMN b\nALTER TABLE #t ALTER COLUMN c varchar(10) COLLATE Latin1_General_CS_AS NOT NULL\nALTER TABLE t ALTER COLUMN c int',
  );
  assert.ok(add?.kind === 'alterTable' && add.action.kind === 'addColumns');
  assert.deepEqual(add.action.columns.map((c) => [c.definition.name.name, c.definition.nullable, c.definition.default !== null, c.withValues]), [
    ['a', false, true, false],
    ['b', null, true, true],
  ]);
  assert.ok(drop?.kind === 'alterTable' && drop.action.kind === 'dropColumns');
  assert.deepEqual([drop.action.ifExists, drop.action.columns.map((c) => c.name)], [true, ['a', 'b']]);
  assert.ok(alter?.kind === 'alterTable' && alter.action.kind === 'alterColumn');
  assert.deepEqual([alter.table.name.name, alter.action.column.name, alter.action.collation?.name, alter.action.nullable], ['#t', 'c', 'Latin1_General_CS_AS', false]);
  assert.ok(nullable?.kind === 'alterTable' && nullable.action.kind === 'alterColumn' && nullable.action.nullable);
  const others = parse('ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a)\nALTER TABLE t DROP CONSTRAINT pk\nALTER TABLE t SWITCH TO u\nALTER TABLE t ALTER COLUMN c ADD ROWGUIDCOL\nALTER TABLE t SET (LOCK_ESCALATION = AUTO)\nPRINT 1');
  assert.deepEqual(others.map((o) => (o.kind === 'unsupported' ? o.what : o.kind)), [
    'ALTER TABLE ADD CONSTRAINT',
    'ALTER TABLE DROP CONSTRAINT',
    'ALTER TABLE SWITCH',
    'ALTER TABLE ALTER COLUMN',
    'ALTER TABLE SET',
    'print',
  ]);
});

test('OUTPUT on INSERT (before its rows), UPDATE (after SET) and DELETE (after the target), with INTO a table variable or table and its columns', () => {
  const [insert, update, remove] = parse(
    'INSERT INTO t (a) OUTPUT inserted.id, inserted.a AS x INTO @log (id, a) VALUES (1)\nUPDATE t SET a = 2 OUTPUT inserted.* FROM t JOIN u ON u.id = t.id WHERE t.id = 1\nDELETE FROM t OUTPUT deleted.a + 1 total INTO dbo.archive WHERE a > 0',
  );
  assert.ok(insert?.kind === 'insert' && insert.output && insert.source.kind === 'values');
  assert.deepEqual(insert.output.items.map((i) => i.alias?.name ?? null), [null, 'x']);
  assert.deepEqual([insert.output.into?.target.kind, insert.output.into?.columns.map((c) => c.name)], ['variable', ['id', 'a']]);
  assert.ok(update?.kind === 'update' && update.output && update.from.length === 1 && update.where);
  assert.equal(update.output.items[0]!.expr.kind, 'star');
  assert.ok(remove?.kind === 'delete' && remove.output?.items[0]!.alias?.name === 'total' && remove.output.into !== null && remove.where !== null);
  const assigned = parseBatch('DELETE FROM t OUTPUT @v = deleted.a');
  assert.deepEqual(assigned.errors.map((e) => [e.number, e.message]), [[102, "Incorrect syntax near '='."]]);
});
