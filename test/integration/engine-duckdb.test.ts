// The translator's SQL run on a real in-memory DuckDB: tables created through the CREATE TABLE
// translation, rows inserted, queried and changed, with the answers SQL Server would give. A
// minimal executor below plays the part of the real one (catalog, variables, parameters).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { parseBatch } from '../../server/src/core/engine/parser';
import type { SqlValue } from '../../server/src/core/engine/executor/ports';
import { stageRows } from '../../server/src/node/instance/stagedRows';
import type { Statement } from '../../server/src/core/engine/ast';
import {
  createTableFromColumns,
  decodeRaisedError,
  dropTableStatements,
  duckdbRelation,
  formatSqlType,
  resolveDataType,
  translateCreateTable,
  translateDeleteStatement,
  translateInsertStaged,
  translateInsertStatement,
  translateSelect,
  translateTruncateStatement,
  translateUpdateStatement,
  translateValue,
  type ParameterizedSql,
  type Ports,
  type SqlType,
  type TableInfo,
  type TableLocation,
  type TableName,
  type Translation,
} from '../../server/src/core/engine/translate';

interface ResultSet {
  columns: string[];
  rows: unknown[][];
}

/** Just enough of an executor to run translated statements: a catalog, variables, DuckDB. */
class MiniInstance {
  private readonly tables = new Map<string, TableInfo>();
  private readonly variables = new Map<string, { type: SqlType; value: DuckDBValue }>();
  readonly ports: Ports;

  constructor(private readonly con: DuckDBConnection) {
    this.ports = {
      schema: {
        resolveTable: (name) => this.tables.get(this.key(name)) ?? null,
        tableVariable: () => null,
        tableFunction: () => null,
        scalarFunction: () => null,
        identityInsert: () => false,
      },
      variables: { variableType: (name) => this.variables.get(name.toLowerCase())?.type ?? null },
    };
  }

  static async create(): Promise<MiniInstance> {
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    await con.run("ATTACH ':memory:' AS sales");
    await con.run('CREATE SCHEMA sales.dbo');
    return new MiniInstance(con);
  }

  private key(name: TableName): string {
    return (name.name.startsWith('#') ? name.name : `${name.database ?? 'sales'}.${name.schema ?? 'dbo'}.${name.name}`).toLowerCase();
  }

  private location(name: TableName): TableLocation {
    return name.name.startsWith('#') ? { kind: 'temp', name: name.name } : { kind: 'database', database: name.database ?? 'sales', schema: name.schema ?? 'dbo', name: name.name };
  }

  /** Runs a batch; an error is thrown as "Msg n: text", the way SQL Server reports it. */
  async run(batch: string): Promise<ResultSet[]> {
    const { statements, errors } = parseBatch(batch);
    if (errors.length) throw new Error(`Msg ${errors[0]!.number}: ${errors[0]!.message}`);
    const results: ResultSet[] = [];
    for (const s of statements) {
      try {
        const result = await this.statement(s);
        if (result) results.push(result);
      } catch (e) {
        const raised = decodeRaisedError((e as Error).message);
        throw raised ? new Error(`Msg ${raised.number}: ${raised.message}`) : e;
      }
    }
    return results;
  }

  /** The rows of the single result set of a batch. */
  async rows(batch: string): Promise<unknown[][]> {
    const results = await this.run(batch);
    assert.equal(results.length, 1);
    return results[0]!.rows;
  }

  private value<T>(t: Translation<T>): T {
    if (!t.ok) throw new Error(`Msg ${t.error.number}: ${t.error.message}`);
    return t.value;
  }

  private async query(q: ParameterizedSql): Promise<unknown[][]> {
    const values = q.parameters.map((name) => this.variables.get(name.toLowerCase())!.value);
    return (await this.con.runAndReadAll(q.sql, values)).getRowsJson() as unknown[][];
  }

  private async statement(s: Statement): Promise<ResultSet | null> {
    switch (s.kind) {
      case 'createTable': {
        const name = { database: s.name.database?.name ?? null, schema: s.name.schema?.name ?? null, name: s.name.name.name };
        const location = this.location(name);
        const ddl = this.value(translateCreateTable(s.definition, location, this.ports));
        for (const sql of ddl.statements) await this.con.run(sql);
        this.tables.set(this.key(name), { location, columns: ddl.columns });
        return null;
      }
      case 'dropTable':
        for (const n of s.names) {
          const name = { database: n.database?.name ?? null, schema: n.schema?.name ?? null, name: n.name.name };
          const table = this.tables.get(this.key(name))!;
          for (const sql of dropTableStatements(table.location, table.columns)) await this.con.run(sql);
          this.tables.delete(this.key(name));
        }
        return null;
      case 'declare':
        for (const v of s.variables) {
          if (v.kind !== 'scalar') throw new Error('table variables are not part of this harness');
          const type = this.value(resolveDataType(v.type, 'declaration'));
          this.variables.set(v.name.name.toLowerCase(), { type, value: null });
          if (v.value) await this.assign(v.name.name, v.value);
        }
        return null;
      case 'setVariable':
        await this.assign(s.variable.name, s.value);
        return null;
      case 'select': {
        const plan = this.value(translateSelect(s, this.ports));
        if (plan.kind === 'into') {
          const name = { database: plan.target.database?.name ?? null, schema: plan.target.schema?.name ?? null, name: plan.target.name.name };
          const location = this.location(name);
          for (const sql of createTableFromColumns(location, plan.columns)) await this.con.run(sql);
          this.tables.set(this.key(name), { location, columns: plan.columns });
          await this.query({ sql: `INSERT INTO ${duckdbRelation(location)} ${plan.sql}`, parameters: plan.parameters });
          return null;
        }
        const rows = await this.query(plan);
        if (plan.kind === 'assign') {
          const last = rows[rows.length - 1];
          if (last) plan.assignments.forEach((a, k) => (this.variables.get(a.variable.toLowerCase())!.value = last[k] as DuckDBValue));
          return null;
        }
        return { columns: plan.columns.map((c) => `${c.name}:${formatSqlType(c.type)}`), rows };
      }
      case 'insert': {
        const plan = this.value(translateInsertStatement(s, this.ports));
        if (plan.kind === 'sql') await this.query({ sql: plan.sql, parameters: plan.parameters });
        return null;
      }
      case 'update':
        await this.query(this.value(translateUpdateStatement(s, this.ports)));
        return null;
      case 'delete':
        await this.query(this.value(translateDeleteStatement(s, this.ports)));
        return null;
      case 'truncate':
        await this.con.run(this.value(translateTruncateStatement(s, this.ports)));
        return null;
      default:
        throw new Error(`${s.kind} is not part of this harness`);
    }
  }

  private async assign(name: string, expr: Parameters<typeof translateValue>[0]): Promise<void> {
    const variable = this.variables.get(name.toLowerCase())!;
    const [[value]] = (await this.query(this.value(translateValue(expr, this.ports, variable.type)))) as [[DuckDBValue]];
    variable.value = value;
  }

  /** INSERT ... EXEC: what the executor does with a procedure's result set. */
  async insertRows(statementText: string, sourceTypes: SqlType[], rows: SqlValue[][]): Promise<void> {
    const [s] = parseBatch(statementText).statements;
    assert.ok(s?.kind === 'insert');
    const plan = this.value(translateInsertStatement(s, this.ports));
    assert.ok(plan.kind === 'execute');
    await stageRows(this.con, 'staged', sourceTypes.length, rows);
    await this.con.run(this.value(translateInsertStaged(plan, sourceTypes, 'temp.main."staged"', s)));
    await this.con.run('DROP TABLE temp.main."staged"');
  }
}

let db: MiniInstance;

before(async () => {
  db = await MiniInstance.create();
  await db.run(`
    CREATE TABLE people (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(20) NOT NULL, city varchar(30), salary decimal(10,2), age int)
    CREATE TABLE orders (id int IDENTITY(100, 10), person_id int, amount money, placed datetime DEFAULT GETDATE())
    INSERT INTO people (name, city, salary, age) VALUES
      (N'Ann', 'Paris', 5000.50, 31), ('bob', 'PARIS', 4200, 45), ('Chloé', 'Rome', NULL, 28), ('Dan  ', NULL, 3100.25, 52)
    INSERT INTO orders (person_id, amount) VALUES (1, 10.5), (1, 20), (2, 7.25), (3, 100)`);
});

test('CREATE TABLE and INSERT: identity values, defaults, and the types reported', async () => {
  const r = await db.run('SELECT id, name, salary FROM people ORDER BY id; SELECT id, placed FROM orders ORDER BY id');
  assert.deepEqual(r[0]!.rows, [
    [1, 'Ann', '5000.50'],
    [2, 'bob', '4200.00'],
    [3, 'Chloé', null],
    [4, 'Dan  ', '3100.25'],
  ]);
  assert.deepEqual(r[0]!.columns, ['id:int', 'name:nvarchar(20)', 'salary:decimal(10,2)']);
  assert.deepEqual(r[1]!.rows.map((row) => row[0]), [100, 110, 120, 130]);
  assert.ok(r[1]!.rows.every((row) => typeof row[1] === 'string' && /^\d{4}-\d\d-\d\d/.test(row[1] as string)));
});

test('string comparison, LIKE, IN, GROUP BY and DISTINCT ignore case, as under the default collation', async () => {
  assert.deepEqual(await db.rows("SELECT name FROM people WHERE city = 'paris' ORDER BY name"), [['Ann'], ['bob']]);
  assert.deepEqual(await db.rows("SELECT name FROM people WHERE name LIKE 'B%' OR name IN ('ANN')"), [['Ann'], ['bob']]);
  assert.deepEqual(await db.rows("SELECT name FROM people WHERE name LIKE '[a-c]%' ORDER BY id"), [['Ann'], ['bob'], ['Chloé']]);
  assert.deepEqual(await db.rows("SELECT COUNT(*) FROM people WHERE name LIKE '%!%%' ESCAPE '!' OR name NOT LIKE '_%'"), [[0]]);
  assert.deepEqual(await db.rows('SELECT COUNT(*) FROM (SELECT DISTINCT city FROM people WHERE city IS NOT NULL) AS d'), [[2]]);
  assert.deepEqual(await db.rows("SELECT CASE WHEN 'abc' = 'ABC' THEN 1 ELSE 0 END, IIF(N'x' <> 'X', 1, 0)"), [[1, 0]]);
});

test('joins with aggregates: COUNT is int, AVG of int is truncated, SUM of money is money', async () => {
  const [result] = await db.run(`
    SELECT p.city, COUNT(o.id) AS orders, SUM(o.amount) AS total, AVG(p.age) AS avg_age
    FROM people p LEFT JOIN orders o ON o.person_id = p.id
    WHERE p.city IS NOT NULL
    GROUP BY p.city
    ORDER BY total DESC`);
  assert.deepEqual(result!.columns, ['city:varchar(30)', 'orders:int', 'total:money', 'avg_age:int']);
  assert.deepEqual(result!.rows, [
    ['Rome', 1, '100.0000', 28],
    ['Paris', 3, '37.7500', 35],
  ]);
});

test('TOP, TOP PERCENT (rounded up), WITH TIES and OFFSET/FETCH', async () => {
  assert.deepEqual(await db.rows('SELECT TOP 2 name FROM people ORDER BY age DESC'), [['Dan  '], ['bob']]);
  assert.deepEqual(await db.rows('SELECT TOP 50 PERCENT id FROM people ORDER BY id'), [[1], [2]]);
  assert.deepEqual(await db.rows('SELECT TOP 26 PERCENT id FROM people ORDER BY id'), [[1], [2]]);
  assert.deepEqual(await db.rows('SELECT TOP 1 WITH TIES person_id FROM orders ORDER BY person_id'), [[1], [1]]);
  assert.deepEqual(await db.rows('SELECT id FROM people ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY'), [[2], [3]]);
});

test('arithmetic: integer division truncates, decimals keep SQL Server scale, modulo follows the dividend', async () => {
  assert.deepEqual(await db.rows('SELECT 7 / 2, -7 / 2, 7 % 3, -7 % 3, 1.0 / 3, 10 / 4.0, 2 * 3.50, 5 + 1.5e0'), [[3, -3, 1, -1, '0.333333333333', '2.500000', '7.00', 6.5]]);
  // decimal(10,2) / int is decimal(21,13), exact and truncated as SQL Server computes it.
  assert.deepEqual(await db.rows('SELECT salary / 3, age / 10, 2.0 / 3, -2.0 / 3 FROM people WHERE id = 1'), [['1666.8333333333333', 3, '0.666666666666', '-0.666666666666']]);
  assert.deepEqual(await db.rows("SELECT '5' + 1, '1.5' + 1.0"), [[6, '2.5']]);
});

test('concatenation: + with NULL is NULL, CONCAT treats NULL as empty', async () => {
  assert.deepEqual(await db.rows("SELECT 'a' + NULL, N'x' + name + '!', CONCAT('a', NULL, 1, 'b'), ISNULL(city, 'none') FROM people WHERE id = 4"), [[null, 'xDan  !', 'a1b', 'none']]);
  assert.deepEqual(await db.rows('SELECT name + city FROM people ORDER BY id'), [['AnnParis'], ['bobPARIS'], ['ChloéRome'], [null]]);
});

test('string functions answer as SQL Server does', async () => {
  assert.deepEqual(
    await db.rows(
      "SELECT LEN(name), LEN('  x  '), REPLACE('Hello HELLO', 'hello', 'bye'), CHARINDEX('L', 'hello'), CHARINDEX('l', 'hello', 4), " +
        "SUBSTRING('abcdef', 0, 3), SUBSTRING('abcdef', 3, 2), LEFT('abc', 2), RIGHT('abc', 2), UPPER(name), LTRIM('  a'), RTRIM(name) + '|', " +
        "REPLICATE('ab', 3), REVERSE('abc'), STUFF('abcdef', 2, 3, 'X'), QUOTENAME('a]b') FROM people WHERE id = 4",
    ),
    [[3, 3, 'bye bye', 3, 4, 'ab', 'cd', 'ab', 'bc', 'DAN  ', 'a', 'Dan|', 'ababab', 'cba', 'aXef', '[a]]b]']],
  );
});

test('dates: DATEADD keeps month ends, DATEDIFF counts boundaries, weeks start on Sunday, CONVERT styles', async () => {
  assert.deepEqual(
    await db.rows(
      "SELECT DATEADD(month, 1, '2024-01-31'), DATEDIFF(year, '2023-12-31', '2024-01-01'), DATEDIFF(day, '2024-01-01 23:00', '2024-01-02 01:00'), " +
        "DATEDIFF(week, '2024-01-06', '2024-01-07'), DATEPART(weekday, '2024-01-07'), DATEPART(week, '2024-01-07'), YEAR('2024-05-06'), " +
        "CONVERT(varchar(30), CAST('2024-01-05 13:04:05' AS datetime)), CONVERT(varchar(10), CAST('2024-01-05' AS date), 103), EOMONTH('2024-02-10')",
    ),
    [['2024-02-29 00:00:00', 1, 1, 1, 1, 2, 2024, 'Jan  5 2024  1:04PM', '05/01/2024', '2024-02-29']],
  );
});

test('the rest of the translated functions run on DuckDB with SQL Server answers', async () => {
  assert.deepEqual(
    await db.rows(
      "SELECT CHOOSE(2, 'a', 'b'), ISNUMERIC('1.5'), ISNUMERIC('x'), ISDATE('2024-02-29'), ISDATE('2023-02-29'), DATENAME(weekday, '2024-01-07'), " +
        "DATEFROMPARTS(2024, 2, 3), SIGN(-5), SQUARE(3), ROUND(LOG(EXP(1)), 6), FLOOR(-2.5), CEILING(2.01), ASCII('A'), CHAR(66), UNICODE(N'é'), " +
        "'[' + SPACE(2) + ']', TRANSLATE('abc', 'ab', 'xy'), CONCAT_WS('-', 'a', NULL, 'b'), DATALENGTH(N'ab'), DATALENGTH('ab'), TRY_CONVERT(int, 'x'), " +
        "CONVERT(varchar(10), 0xAB01, 1), CAST(1.0e0 / 3 AS varchar(20)), CAST(123456789e0 AS varchar(20)), 6 & 3, 6 | 3, 6 ^ 3, ~5, -CAST(5 AS tinyint)",
    ),
    [['b', 1, 0, 1, 0, 'Sunday', '2024-02-03', -1, 9, 1, '-3', '3', 65, 'B', 233, '[  ]', 'xyc', 'a-b', 4, 2, null, '0xAB01', '0.333333', '1.23457e+008', 2, 7, 5, -6, -5]],
  );
  assert.deepEqual(
    await db.rows(
      'SELECT COUNT(DISTINCT city), MIN(name), MAX(name), STRING_AGG(name, \',\'), ROUND(STDEV(age), 4), ROUND(VAR(age), 4) FROM people WHERE id < 4',
    ),
    [[2, 'Ann', 'Chloé', 'Ann,bob,Chloé', 9.0738, 82.3333]],
  );
  assert.deepEqual(
    await db.rows('SELECT id, LAG(age) OVER (ORDER BY id), LEAD(age, 1, 0) OVER (ORDER BY id), FIRST_VALUE(name) OVER (ORDER BY age) FROM people ORDER BY id'),
    [
      [1, null, 45, 'Chloé'],
      [2, 31, 28, 'Chloé'],
      [3, 45, 52, 'Chloé'],
      [4, 28, 0, 'Chloé'],
    ],
  );
  assert.deepEqual(
    await db.rows('SELECT p.name, o.amount FROM people p CROSS APPLY (SELECT TOP 1 amount FROM orders WHERE person_id = p.id ORDER BY amount DESC) o ORDER BY p.id'),
    [['Ann', '20.0000'], ['bob', '7.2500'], ['Chloé', '100.0000']],
  );
  assert.deepEqual(await db.rows('SELECT COUNT(*) FROM people p OUTER APPLY (SELECT amount FROM orders WHERE person_id = p.id) o WHERE o.amount IS NULL'), [[1]]);
});

test('CAST and CONVERT: truncation to int, bit from strings, uniqueidentifier in upper case', async () => {
  assert.deepEqual(await db.rows("SELECT CAST(2.7 AS int), CAST(-2.7 AS int), CAST('true' AS bit), CAST(' 42 ' AS int), CAST(12.345 AS decimal(5,2)), TRY_CAST('x' AS int)"), [[2, -2, true, 42, '12.35', null]]);
  const [[guid]] = (await db.rows('SELECT CAST(NEWID() AS varchar(36))')) as [[string]];
  assert.match(guid, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
});

test("run-time errors carry SQL Server's numbers and texts out of DuckDB", async () => {
  await assert.rejects(db.run('SELECT 1 / 0'), /^Error: Msg 8134: Divide by zero error encountered\.$/);
  await assert.rejects(db.run('SELECT name + 1 FROM people'), /^Error: Msg 245: Conversion failed when converting the nvarchar value 'Ann' to data type int\.$/);
  await assert.rejects(db.run("SELECT CAST('2024-02-30' AS date)"), /^Error: Msg 241: Conversion failed when converting date and\/or time from character string\.$/);
  await assert.rejects(
    db.run("INSERT INTO people (name) VALUES ('a name far too long for it')"),
    /^Error: Msg 2628: String or binary data would be truncated in table 'sales\.dbo\.people', column 'name'\. Truncated value: 'a name far too long '\.$/,
  );
  await assert.rejects(db.run('SELECT nope FROM people'), /^Error: Msg 207: Invalid column name 'nope'\.$/);
  await assert.rejects(db.run('SELECT 2147483647 + age FROM people'), /^Error: Msg 8115: Arithmetic overflow error converting expression to data type int\.$/);
  await assert.rejects(db.run('SELECT (SELECT id FROM people)'), /^Error: Msg 512: Subquery returned more than 1 value\./);
});

test('variables are bound as parameters, never spliced into the SQL', async () => {
  const rows = await db.rows(`
    DECLARE @city varchar(30) = 'paris', @min int;
    SET @min = 40;
    DECLARE @evil nvarchar(50) = N''' OR 1 = 1 --';
    SELECT name FROM people WHERE city = @city AND age > @min OR name = @evil`);
  assert.deepEqual(rows, [['bob']]);
  assert.deepEqual(await db.rows("DECLARE @n int; SELECT @n = COUNT(*) FROM people WHERE city = 'PARIS'; SELECT @n * 10"), [[20]]);
});

test('subqueries, CTEs, window functions and set operations', async () => {
  assert.deepEqual(
    await db.rows('SELECT name, (SELECT SUM(amount) FROM orders o WHERE o.person_id = p.id) FROM people p WHERE EXISTS (SELECT 1 FROM orders WHERE person_id = p.id) ORDER BY name'),
    [['Ann', '30.5000'], ['bob', '7.2500'], ['Chloé', '100.0000']],
  );
  assert.deepEqual(
    await db.rows('WITH ranked AS (SELECT name, ROW_NUMBER() OVER (PARTITION BY city ORDER BY age DESC) AS rn FROM people WHERE city IS NOT NULL) SELECT name FROM ranked WHERE rn = 1 ORDER BY name'),
    [['bob'], ['Chloé']],
  );
  // UNION removes duplicates ignoring case; which spelling survives is unspecified, as in SQL Server.
  const cities = (await db.rows("SELECT city FROM people WHERE city IS NOT NULL UNION SELECT 'ROME' ORDER BY 1")) as string[][];
  assert.deepEqual(cities.map(([c]) => c!.toLowerCase()), ['paris', 'rome']);
  assert.deepEqual(await db.rows('SELECT id FROM people EXCEPT SELECT person_id FROM orders'), [[4]]);
});

test('SELECT INTO #temp, UPDATE and DELETE with joins, TRUNCATE, DROP TABLE', async () => {
  await db.run('SELECT id, name, age INTO #young FROM people WHERE age < 40');
  assert.deepEqual(await db.rows('SELECT name FROM #young ORDER BY id'), [['Ann'], ['Chloé']]);
  await db.run("UPDATE y SET age += 1, name = UPPER(y.name) FROM #young y JOIN orders o ON o.person_id = y.id WHERE o.amount > 50");
  assert.deepEqual(await db.rows('SELECT name, age FROM #young ORDER BY id'), [['Ann', 31], ['CHLOÉ', 29]]);
  await db.run('DELETE y FROM #young AS y INNER JOIN people p ON p.id = y.id WHERE p.salary IS NULL');
  assert.deepEqual(await db.rows('SELECT COUNT(*) FROM #young'), [[1]]);
  await db.run('TRUNCATE TABLE #young');
  assert.deepEqual(await db.rows('SELECT COUNT(*) FROM #young'), [[0]]);
  await db.run('DROP TABLE #young');
  await assert.rejects(db.run('SELECT * FROM #young'), /Msg 208: Invalid object name '#young'/);
});

test('INSERT ... EXEC: rows of a result set converted into the target columns', async () => {
  await db.run('CREATE TABLE #scores (id int, score decimal(5,2), label nvarchar(10))');
  await db.insertRows('INSERT INTO #scores EXEC sp_execute_external_script @language = N\'Python\', @script = N\'...\'', [{ name: 'float' }, { name: 'float' }, { name: 'nvarchar', length: 'max' }], [
    [1, 0.876, 'good'],
    [2, 0.1, null],
  ]);
  assert.deepEqual(await db.rows('SELECT id, score, label FROM #scores ORDER BY id'), [
    [1, '0.88', 'good'],
    [2, '0.10', null],
  ]);
});
