// SELECT to DuckDB SQL: name mapping, result metadata (names and T-SQL types), clauses, and the
// errors SQL Server gives for wrong names and wrong grouping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSqlType, translateSelect, type SelectPlan } from '../../../server/src/core/engine/translate';
import { fakePorts, selectStatement } from './fakes';

const ports = fakePorts({
  tables: {
    'sales.dbo.people': ['id int identity', 'name nvarchar(50)', 'city varchar(30)', 'salary decimal(10,2)'],
    'sales.dbo.orders': ['id int', 'person_id int', 'amount money'],
    'archive.dbo.people': ['id int', 'name nvarchar(50)'],
    '#scores': ['id int', 'score float'],
    '@tv': ['k int'],
  },
  variables: { '@n': 'int', '@city': 'varchar(30)' },
});

function plan(sql: string): SelectPlan {
  const r = translateSelect(selectStatement(sql), ports);
  if (!r.ok) return assert.fail(`${sql}: Msg ${r.error.number} ${r.error.message}`);
  return r.value;
}

function rows(sql: string): { sql: string; columns: string[]; parameters: string[] } {
  const p = plan(sql);
  assert.equal(p.kind, 'rows', sql);
  const columns = p.kind === 'rows' ? p.columns.map((c) => `${c.name}:${formatSqlType(c.type)}`) : [];
  return { sql: p.sql, columns, parameters: p.parameters };
}

function error(sql: string): string {
  const r = translateSelect(selectStatement(sql), ports);
  assert.ok(!r.ok, `${sql} should fail`);
  return `Msg ${r.error.number}: ${r.error.message} @ ${sql.slice(r.error.start, r.error.end)}`;
}

test('names map to DuckDB catalogs, schemas and temp tables; sources are aliased by their exposed names', () => {
  assert.deepEqual(rows('SELECT name FROM people'), {
    sql: 'SELECT "people"."name" AS "name" FROM "sales"."dbo"."people" AS "people"',
    columns: ['name:nvarchar(50)'],
    parameters: [],
  });
  assert.equal(rows('SELECT p.name FROM archive..people p').sql, 'SELECT "p"."name" AS "name" FROM "archive"."dbo"."people" AS "p"');
  assert.equal(rows('SELECT s.score FROM #scores s').sql, 'SELECT "s"."score" AS "score" FROM temp.main."#scores" AS "s"');
  assert.equal(rows('SELECT k FROM @tv').sql, 'SELECT "@tv"."k" AS "k" FROM temp.main."@tv" AS "@tv"');
  assert.equal(rows('SELECT dbo.people.NAME FROM dbo.people').columns[0], 'NAME:nvarchar(50)');
});

test('result metadata: names as SQL Server gives them (empty for unnamed expressions), T-SQL types', () => {
  const r = rows("SELECT *, id + 1, 'x' AS label, COUNT(*) OVER () total FROM people");
  assert.deepEqual(r.columns, ['id:int', 'name:nvarchar(50)', 'city:varchar(30)', 'salary:decimal(10,2)', ':int', 'label:varchar(1)', 'total:int']);
  assert.match(r.sql, /^SELECT "people"\."id", "people"\."name", "people"\."city", "people"\."salary", \("people"\."id" \+ 1\), 'x' AS "label"/);
  assert.deepEqual(rows('SELECT o.*, p.name FROM orders o JOIN people p ON p.id = o.person_id').columns, ['id:int', 'person_id:int', 'amount:money', 'name:nvarchar(50)']);
  assert.deepEqual(rows('SELECT 1.5, N\'é\', NULL, CAST(1 AS bit)').columns, [':numeric(2,1)', ':nvarchar(1)', ':int', ':bit']);
});

test('wrong names: SQL Server messages, positioned', () => {
  assert.equal(error('SELECT nme FROM people'), "Msg 207: Invalid column name 'nme'. @ nme");
  assert.equal(error('SELECT * FROM peeple'), "Msg 208: Invalid object name 'peeple'. @ peeple");
  assert.equal(error('SELECT * FROM other.dbo.people'), "Msg 208: Invalid object name 'other.dbo.people'. @ other.dbo.people");
  assert.equal(error('SELECT id FROM people JOIN orders ON 1 = 1'), "Msg 209: Ambiguous column name 'id'. @ id");
  assert.equal(error('SELECT x.id FROM people'), 'Msg 4104: The multi-part identifier "x.id" could not be bound. @ x.id');
  assert.equal(error('SELECT * FROM people, people'), 'Msg 1013: The objects "people" and "people" in the FROM clause have the same exposed names. Use correlation names to distinguish them. @ people');
  assert.equal(error('SELECT *'), 'Msg 263: Must specify table to select from. @ *');
  assert.equal(error('SELECT * FROM @nope'), 'Msg 1087: Must declare the table variable "@nope". @ @nope');
});

test('GROUP BY: SQL Server refuses columns neither grouped nor aggregated (Msg 8120)', () => {
  const r = rows('SELECT city, COUNT(*) AS n, AVG(salary), MAX(name) FROM people GROUP BY city HAVING COUNT(*) > 1');
  assert.deepEqual(r.columns, ['city:varchar(30)', 'n:int', ':decimal(38,6)', ':nvarchar(50)']);
  assert.match(r.sql, / GROUP BY "people"\."city" HAVING \(CAST\(count\(\*\) AS INTEGER\) > 1\)$/);
  assert.deepEqual(rows('SELECT UPPER(city) FROM people GROUP BY UPPER(city)').columns, [':varchar(30)']);
  assert.equal(error('SELECT name, COUNT(*) FROM people'), "Msg 8120: Column 'people.name' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause. @ name");
  assert.equal(error('SELECT city FROM people GROUP BY city HAVING salary > 1'), "Msg 8120: Column 'people.salary' is invalid in the HAVING clause because it is not contained in either an aggregate function or the GROUP BY clause. @ salary");
  assert.equal(error('SELECT id FROM people WHERE COUNT(*) > 1').split(' @')[0], 'Msg 147: An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.');
  assert.equal(error('SELECT SUM(COUNT(*)) FROM people').split(':')[0], 'Msg 130');
  assert.equal(error('SELECT SUM(name) FROM people').split(' @')[0], 'Msg 8117: Operand data type nvarchar is invalid for sum operator.');
});

test('ORDER BY: ordinals, aliases, expressions (strings without case), DISTINCT rules', () => {
  assert.match(rows('SELECT name AS n FROM people ORDER BY n DESC, 1').sql, / ORDER BY 1 DESC, 1$/);
  assert.match(rows('SELECT id FROM people ORDER BY city, salary DESC').sql, / ORDER BY "people"\."city" COLLATE NOCASE, "people"\."salary" DESC$/);
  assert.equal(error('SELECT id FROM people ORDER BY 2'), 'Msg 108: The ORDER BY position number 2 is out of range of the number of items in the select list. @ 2');
  assert.equal(error('SELECT DISTINCT city FROM people ORDER BY name'), 'Msg 145: ORDER BY items must appear in the select list if SELECT DISTINCT is specified. @ name');
  assert.equal(error('SELECT id FROM (SELECT id FROM people ORDER BY id) d').split(':')[0], 'Msg 1033');
});

test('TOP to LIMIT; TOP PERCENT and WITH TIES by rank; OFFSET/FETCH', () => {
  assert.match(rows('SELECT TOP 3 id FROM people ORDER BY id').sql, / ORDER BY 1 LIMIT CAST\(3 AS BIGINT\)$/);
  const variable = rows('SELECT TOP (@n) id FROM people');
  assert.deepEqual([variable.sql.endsWith(' LIMIT CAST(CAST($1 AS INTEGER) AS BIGINT)'), variable.parameters], [true, ['@n']]);
  assert.match(rows('SELECT TOP 10 PERCENT id FROM people ORDER BY salary').sql, / QUALIFY row_number\(\) OVER \(ORDER BY "people"\."salary"\) <= ceil\(count\(\*\) OVER \(\) \* CAST\(10 AS DOUBLE\) \/ 100\.0\) ORDER BY "people"\."salary"$/);
  assert.match(rows('SELECT TOP 2 WITH TIES id FROM people ORDER BY city').sql, / QUALIFY rank\(\) OVER \(ORDER BY "people"\."city" COLLATE NOCASE\) <= CAST\(2 AS BIGINT\)/);
  assert.match(rows('SELECT id FROM people ORDER BY id OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY').sql, / ORDER BY 1 LIMIT CAST\(5 AS BIGINT\) OFFSET CAST\(10 AS BIGINT\)$/);
  assert.equal(error('SELECT TOP 1 WITH TIES id FROM people').split(' @')[0], 'Msg 1062: The TOP N WITH TIES clause is not allowed without a corresponding ORDER BY clause.');
});

test('set operations: column counts, combined types, ORDER BY over the result', () => {
  const r = rows("SELECT id, name FROM people UNION ALL SELECT person_id, 'x' FROM orders ORDER BY 2");
  assert.deepEqual(r.columns, ['id:int', 'name:nvarchar(50)']);
  assert.match(r.sql, /^\(SELECT .*\) UNION ALL \(SELECT .*\) ORDER BY 2$/);
  const mixed = rows('SELECT salary FROM people EXCEPT SELECT id FROM orders');
  assert.deepEqual(mixed.columns, ['salary:decimal(12,2)']);
  assert.match(mixed.sql, /FROM \(SELECT "people"\."salary" AS "salary" .*\) AS "s"\("c1"\)/);
  assert.equal(error('SELECT id FROM people UNION SELECT id, 1 FROM orders').split(' @')[0], 'Msg 205: All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.');
  assert.equal(error('SELECT id FROM people UNION SELECT id FROM orders ORDER BY amount').split(' @')[0], 'Msg 104: ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator.');
});

test('subqueries: scalar, IN, EXISTS, correlated; derived tables; CTEs', () => {
  const r = rows('SELECT name, (SELECT SUM(amount) FROM orders o WHERE o.person_id = p.id) AS spent FROM people p WHERE EXISTS (SELECT 1 FROM orders WHERE person_id = p.id) AND id IN (SELECT person_id FROM orders)');
  assert.deepEqual(r.columns, ['name:nvarchar(50)', 'spent:money']);
  assert.match(r.sql, /WHERE \("o"\."person_id" = "p"\."id"\)/);
  assert.equal(error('SELECT (SELECT id, name FROM people)').split(' @')[0], 'Msg 116: Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.');
  assert.deepEqual(rows('SELECT d.total FROM (SELECT COUNT(*) AS total FROM people) AS d').columns, ['total:int']);
  assert.equal(rows('SELECT x FROM (SELECT 1) AS d (x)').sql, 'SELECT "d"."x" AS "x" FROM (SELECT 1) AS "d"("x")');
  assert.equal(error('SELECT * FROM (SELECT 1) AS d').split(' @')[0], "Msg 8155: No column name was specified for column 1 of 'd'.");
  const cte = rows('WITH big (who) AS (SELECT name FROM people WHERE salary > 100) SELECT who FROM big');
  assert.match(cte.sql, /^WITH "big"\("who"\) AS \(SELECT "people"\."name" AS "name" FROM .*\) SELECT "big"\."who" AS "who" FROM "big" AS "big"$/);
  // A recursive CTE: WITH RECURSIVE, each row's level beside the anchor's columns, never shown.
  const recursive = rows('WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r');
  assert.deepEqual(recursive.columns, ['n:int']);
  assert.match(recursive.sql, /^WITH RECURSIVE "r"\("n", "__sqlml_level"\) AS \(.* 0 AS "__sqlml_level" .* UNION ALL .*CASE WHEN "r"\."__sqlml_level" >= 100 THEN error\(.*\) SELECT "r"\."n" FROM "r" AS "r"$/);
  assert.doesNotMatch(rows('WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r OPTION (MAXRECURSION 0)').sql, /CASE WHEN/);
  assert.equal(error('WITH r AS (SELECT n FROM r UNION ALL SELECT 1) SELECT n FROM r').split(' @')[0], 'Msg 246: No anchor member was specified for recursive query "r".');
});

test('windows, table-valued functions and APPLY', () => {
  assert.equal(rows('SELECT ROW_NUMBER() OVER (PARTITION BY city ORDER BY name) FROM people').sql,
    'SELECT CAST(row_number() OVER (PARTITION BY "people"."city" ORDER BY "people"."name" COLLATE NOCASE) AS BIGINT) FROM "sales"."dbo"."people" AS "people"');
  assert.equal(error('SELECT id FROM people WHERE ROW_NUMBER() OVER (ORDER BY id) = 1').split(' @')[0], 'Msg 4108: Windowed functions can only appear in the SELECT or ORDER BY clauses.');
  assert.equal(error('SELECT RANK() OVER (PARTITION BY id) FROM people').split(' @')[0], "Msg 4112: The function 'RANK' must have an OVER clause with ORDER BY.");
  assert.equal(error('SELECT city, RANK() OVER (ORDER BY name) FROM people GROUP BY city').split(' @')[0], "Msg 8120: Column 'people.name' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.");
  assert.match(rows('SELECT city, RANK() OVER (ORDER BY COUNT(*) DESC) FROM people GROUP BY city').sql, /rank\(\) OVER \(ORDER BY CAST\(count\(\*\) AS INTEGER\) DESC\)/);
  const fn = rows("SELECT permission_name FROM fn_my_permissions(NULL, 'DATABASE')");
  assert.equal(fn.sql, `SELECT "fn_my_permissions"."permission_name" AS "permission_name" FROM "fn_my_permissions"(NULL, 'DATABASE') AS "fn_my_permissions"`);
  assert.match(rows('SELECT p.name, o.amount FROM people p CROSS APPLY (SELECT TOP 1 amount FROM orders WHERE person_id = p.id) o').sql, /CROSS JOIN LATERAL \(SELECT .* LIMIT CAST\(1 AS BIGINT\)\) AS "o"\("amount"\)/);
  assert.match(rows('SELECT p.name FROM people p OUTER APPLY (SELECT amount FROM orders WHERE person_id = p.id) o').sql, /LEFT JOIN LATERAL \(.*\) AS "o"\("amount"\) ON true$/);
});

test('assignment SELECT and SELECT INTO plans', () => {
  const assign = plan('SELECT @n = COUNT(*), @city = MAX(city) FROM people');
  assert.ok(assign.kind === 'assign');
  assert.deepEqual(assign.assignments.map((a) => [a.variable, formatSqlType(a.type)]), [
    ['@n', 'int'],
    ['@city', 'varchar(30)'],
  ]);
  const into = plan('SELECT id, name AS who INTO #copy FROM people WHERE city = @city');
  assert.ok(into.kind === 'into');
  assert.deepEqual([into.target.name.name, into.columns.map((c) => `${c.name}:${formatSqlType(c.type)}`), into.parameters], ['#copy', ['id:int', 'who:nvarchar(50)'], ['@city']]);
  assert.ok(error('SELECT id, id INTO #t FROM people').startsWith("Msg 2705: Column names in each table must be unique. Column name 'id' in table '#t' is specified more than once."));
  assert.ok(error('SELECT id + 1 INTO #t FROM people').startsWith('Msg 1038: An object or column name is missing or empty.'));
  const accumulate = error('SELECT @n = @n + id FROM people');
  assert.ok(accumulate.startsWith('Msg 59001: Accumulating a variable over the rows of a SELECT (SELECT @v = @v + ... FROM) is not supported by the embedded instance.'), accumulate);
});
