// Expressions to DuckDB SQL: the SQL produced, the T-SQL type inferred, and SQL Server's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSqlType, translateCondition, translateValue } from '../../../server/src/core/engine/translate';
import type { Expression } from '../../../server/src/core/engine/ast';
import { fakePorts, statement } from './fakes';

const ports = fakePorts({
  variables: { '@i': 'int', '@big': 'bigint', '@s': 'varchar(10)', '@n': 'nvarchar(20)', '@d': 'datetime', '@m': 'decimal(10,2)', '@b': 'bit', '@@ROWCOUNT': 'int' },
  functions: { SUSER_SNAME: 'nvarchar(128)' },
});

/** The expression printed by `PRINT <text>`. */
function expression(text: string): Expression {
  const s = statement(`PRINT ${text}`);
  assert.ok(s.kind === 'print');
  return s.value;
}

function value(text: string): { sql: string; type: string; parameters: string[] } {
  const r = translateValue(expression(text), ports);
  if (!r.ok) return assert.fail(`${text}: Msg ${r.error.number} ${r.error.message}`);
  return { sql: r.value.sql.replace(/^SELECT /, ''), type: formatSqlType(r.value.type), parameters: r.value.parameters };
}

function error(text: string): string {
  const r = translateValue(expression(text), ports);
  assert.ok(!r.ok, `${text} should fail`);
  return `Msg ${r.error.number}: ${r.error.message}`;
}

test('+ concatenates two strings, keeping SQL Server types (nvarchar wins, lengths add up)', () => {
  assert.deepEqual(value("'ab' + 'c'"), { sql: "('ab' || 'c')", type: 'varchar(3)', parameters: [] });
  assert.equal(value("N'ab' + 'c'").type, 'nvarchar(3)');
  assert.deepEqual(value('@s + @n'), { sql: '(CAST($1 AS VARCHAR) || CAST($2 AS VARCHAR))', type: 'nvarchar(30)', parameters: ['@s', '@n'] });
  // NULL + string is NULL: DuckDB's || propagates NULL just as SQL Server's + does.
  assert.equal(value("'a' + NULL").sql, "('a' || CAST(NULL AS VARCHAR))");
});

test('+ with a number converts the string to the number (type precedence), and says so when it cannot', () => {
  assert.deepEqual(value("'5' + 1"), { sql: '(CAST(5 AS INTEGER) + 1)', type: 'int', parameters: [] });
  const sql = value('@s + 1').sql;
  assert.match(sql, /regexp_full_match/);
  assert.match(sql, /\[sqlml 245\/16\/1\] ' \|\| 'Conversion failed when converting the varchar value '''/);
  assert.equal(error("'a' - 'b'"), 'Msg 8117: Operand data type varchar is invalid for subtract operator.');
  assert.equal(error('@b + @b'), 'Msg 8117: Operand data type bit is invalid for add operator.');
});

test('integer division truncates; decimal results get SQL Server precision and scale; division by zero is Msg 8134', () => {
  const division = value('7 / 2');
  assert.equal(division.type, 'int');
  assert.equal(division.sql, "(7 // CASE WHEN 2 = 0 THEN error('[sqlml 8134/16/1] ' || 'Divide by zero error encountered.') ELSE 2 END)");
  assert.deepEqual([value('1.0 / 3').type, value('@m * 2').type, value('@m + 1.5').type], ['decimal(13,12)', 'decimal(21,2)', 'decimal(11,2)']);
  assert.match(value('1.0 / 3').sql, /^CAST\(.* AS DECIMAL\(13,12\)\)$/);
  assert.deepEqual([value('@i + @big').type, value('@i * 1e0').type, value('7 % 3').type], ['bigint', 'float', 'int']);
  assert.equal(value('@d + 1').sql, 'CAST((CAST($1 AS TIMESTAMP) + to_days(CAST(1 AS INTEGER))) AS TIMESTAMP)');
});

test('variables are $n parameters cast to their declared type, one per variable', () => {
  assert.deepEqual(value('@i + @I * @big'), {
    sql: '(CAST($1 AS INTEGER) + (CAST($1 AS INTEGER) * CAST($2 AS BIGINT)))',
    type: 'bigint',
    parameters: ['@i', '@big'],
  });
  assert.deepEqual(value('@@ROWCOUNT').parameters, ['@@ROWCOUNT']);
  assert.equal(error('@nope + 1'), 'Msg 137: Must declare the scalar variable "@nope".');
  assert.equal(error('@@SPID'), 'Msg 59001: The system function @@SPID is not supported by the embedded instance.');
});

test('string comparisons ignore case (COLLATE NOCASE, ILIKE); LIKE classes become a regular expression', () => {
  const compare = (text: string) => {
    const s = statement(`IF ${text} PRINT 1`);
    assert.ok(s.kind === 'if');
    const r = translateCondition(s.condition, ports);
    return r.ok ? r.value.sql : assert.fail(r.error.message);
  };
  assert.equal(compare("@s = 'abc'"), "SELECT coalesce((rtrim(CAST($1 AS VARCHAR), ' ') COLLATE NOCASE = 'abc'), false)");
  assert.equal(compare('@i < 3'), 'SELECT coalesce((CAST($1 AS INTEGER) < 3), false)');
  assert.equal(compare("@s LIKE 'a_%'"), "SELECT coalesce((CAST($1 AS VARCHAR) ILIKE 'a_%'), false)");
  assert.equal(compare("@s NOT LIKE '[a-c]%'"), "SELECT coalesce((NOT regexp_full_match(CAST($1 AS VARCHAR), '(?s)^[a-c].*$', 'i')), false)");
  assert.equal(compare("@s IN ('x', 'y')"), "SELECT coalesce((rtrim(CAST($1 AS VARCHAR), ' ') COLLATE NOCASE IN ('x', 'y')), false)");
  assert.equal(compare("@d > '2024-01-01'"), "SELECT coalesce((CAST($1 AS TIMESTAMP) > CAST('2024-01-01' AS TIMESTAMP)), false)");
});

test('CASE, CAST, CONVERT and TRY_CAST: result types and SQL Server conversions', () => {
  assert.deepEqual(value("CASE WHEN @i > 1 THEN 'big' ELSE N'small' END"), {
    sql: "CASE WHEN (CAST($1 AS INTEGER) > 1) THEN 'big' ELSE 'small' END",
    type: 'nvarchar(5)',
    parameters: ['@i'],
  });
  assert.equal(value("CASE @s WHEN 'a' THEN 1 END").sql, "CASE WHEN (CAST($1 AS VARCHAR) COLLATE NOCASE = 'a') THEN 1 END");
  // CAST of a decimal to int truncates in SQL Server (DuckDB would round).
  assert.match(value('CAST(@m AS int)').sql, /trunc\(CAST\(\$1 AS DECIMAL\(10,2\)\)\)/);
  assert.deepEqual([value('CAST(@i AS varchar)').type, value('CAST(@n AS nvarchar(5))').sql], ['varchar(30)', 'left(CAST($1 AS VARCHAR), 5)']);
  assert.match(value('CONVERT(varchar(8), @d, 112)').sql, /strftime\(CAST\(\$1 AS TIMESTAMP\), '%Y%m%d'\)/);
  const tryCast = value('TRY_CAST(@s AS int)').sql;
  assert.doesNotMatch(tryCast, /error\(/);
  assert.equal(error('CONVERT(varchar, @d, 7)'), 'Msg 59001: CONVERT style 7 for date and time is not supported by the embedded instance.');
  assert.equal(error('CAST(@i AS xml)'), 'Msg 59001: The data type xml is not supported by the embedded instance.');
  assert.equal(error('CAST(@i AS money2)'), 'Msg 243: Type money2 is not a defined system type.');
});

test('built-in functions: SQL Server semantics and types', () => {
  assert.deepEqual(value("LEN(N'ab  ')"), { sql: "CAST(length(rtrim('ab  ')) AS INTEGER)", type: 'int', parameters: [] });
  assert.equal(value('LEN(123)').sql, 'CAST(length(rtrim(CAST(123 AS VARCHAR))) AS INTEGER)');
  assert.match(value("REPLACE(@s, 'A', 'b')").sql, /regexp_replace\(CAST\(\$1 AS VARCHAR\), regexp_escape\('A'\), .*'gi'\)/);
  assert.match(value("CHARINDEX('b', @s)").sql, /instr\(lower\(CAST\(\$1 AS VARCHAR\)\), lower\('b'\)\)/);
  assert.deepEqual([value('ISNULL(@s, 1)').type, value('COALESCE(NULL, @i, @m)').type, value("IIF(@i > 0, 'yes', 'no')").type], ['varchar(10)', 'decimal(12,2)', 'varchar(3)']);
  // GETDATE() is a datetime: the clock's microseconds rounded to its 1/300-second ticks; SYSDATETIME() keeps them.
  assert.deepEqual([value('SYSDATETIME()').sql, value('GETDATE()').type, value('SYSDATETIME()').type], ['current_localtimestamp()', 'datetime', 'datetime2(7)']);
  assert.match(value('GETDATE()').sql, /^make_timestamp\(.*epoch_us\(current_localtimestamp\(\)\).* \* 3 \+ 5000\) \/\/ 10000/);
  assert.equal(value('DATEDIFF(day, @d, SYSDATETIME())').sql, "CAST(date_diff('day', CAST(CAST($1 AS TIMESTAMP) AS TIMESTAMP), CAST(current_localtimestamp() AS TIMESTAMP)) AS INTEGER)");
  assert.deepEqual([value('YEAR(@d)').type, value('ROUND(@m, 1)').type, value('POWER(2, 10)').type, value('SQRT(2)').type, value('NEWID()').type], ['int', 'decimal(10,2)', 'int', 'float', 'uniqueidentifier']);
  assert.deepEqual([value("CONCAT('a', @i, NULL)").sql, value("CONCAT('a', @i, NULL)").type], ["coalesce(concat('a', CAST(CAST($1 AS INTEGER) AS VARCHAR), CAST(NULL AS VARCHAR)), '')", 'varchar(31)']);
});

test('functions the executor provides, functions not translated, and unknown names', () => {
  assert.deepEqual(value('SUSER_SNAME()'), { sql: '"sqlml_suser_sname"()', type: 'nvarchar(128)', parameters: [] });
  assert.equal(error("STRING_ESCAPE('a', 'json')"), 'Msg 59001: The function STRING_ESCAPE is not supported by the embedded instance.');
  assert.equal(error("PATINDEX(@s, 'axb')"), 'Msg 59001: PATINDEX with a pattern that is not a constant is not supported by the embedded instance.');
  assert.equal(error('DB_NAME()'), 'Msg 59001: The function DB_NAME is not supported by the embedded instance.');
  assert.equal(error('frobnicate(1)'), "Msg 195: 'frobnicate' is not a recognized built-in function name.");
  assert.equal(error('dbo.f(1)'), 'Msg 4121: Cannot find either column "dbo" or the user-defined function or aggregate "dbo.f", or the name is ambiguous.');
  assert.equal(error('LEN(1, 2)'), 'Msg 174: The len function requires 1 argument(s).');
  assert.equal(error('ROUND(1)'), 'Msg 174: The round function requires 2 to 3 arguments.');
  assert.equal(error('DATEADD(fortnight, 1, @d)'), "Msg 155: 'fortnight' is not a recognized datepart option.");
  assert.equal(error('ROW_NUMBER()'), "Msg 10753: The function 'ROW_NUMBER' must have an OVER clause.");
  assert.equal(error('a + 1'), "Msg 207: Invalid column name 'a'.");
});

test('errors are positioned at the expression SQL Server names', () => {
  const text = 'PRINT 1 + frobnicate(2)';
  const s = statement(text);
  assert.ok(s.kind === 'print');
  const r = translateValue(s.value, ports);
  assert.ok(!r.ok);
  assert.equal(text.slice(r.error.start, r.error.end), 'frobnicate(2)');
});
