// Broken input: SQL Server's message numbers and texts, at the right place, and the rest of the
// batch still parsed so that every broken statement is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineInBatch, NOT_SUPPORTED, parseBatch, parseScript } from '../../../server/src/core/engine/parser';

/** 'Msg n: text @ covered-text' for each error. */
function errors(text: string): string[] {
  return parseBatch(text).errors.map((e) => `Msg ${e.number}: ${e.message} @ ${text.slice(e.start, e.end)}`);
}

test('Msg 156 near a reserved keyword, Msg 102 near anything else', () => {
  assert.deepEqual(errors('SELECT FROM t'), ["Msg 156: Incorrect syntax near the keyword 'FROM'. @ FROM"]);
  assert.deepEqual(errors('SELECT a b c FROM t'), ["Msg 102: Incorrect syntax near 'c'. @ c"]);
  assert.deepEqual(errors('CREATE TABLE from (a int)'), ["Msg 156: Incorrect syntax near the keyword 'from'. @ from"]);
  assert.deepEqual(errors("PRINT 'a' 'b'"), ["Msg 102: Incorrect syntax near 'b'. @ 'b'"]);
  assert.deepEqual(errors('SELECT [my col] [x y] z'), ["Msg 102: Incorrect syntax near 'z'. @ z"]);
});

test('at the end of the batch the error names the last token', () => {
  assert.deepEqual(errors('SELECT 1 +'), ["Msg 102: Incorrect syntax near '+'. @ +"]);
  assert.deepEqual(errors('SELECT (1'), ["Msg 102: Incorrect syntax near '1'. @ 1"]);
  assert.deepEqual(errors('SELECT * FROM t WHERE'), ["Msg 156: Incorrect syntax near the keyword 'WHERE'. @ WHERE"]);
  assert.deepEqual(errors('EXEC sp_who @a ='), ["Msg 102: Incorrect syntax near '='. @ ="]);
});

test('Msg 105 for a string left open, with its text; Msg 113 for an open comment', () => {
  assert.deepEqual(errors("SELECT 'abc"), ["Msg 105: Unclosed quotation mark after the character string 'abc'. @ 'abc"]);
  assert.deepEqual(errors('SELECT [abc'), ["Msg 105: Unclosed quotation mark after the character string 'abc'. @ [abc"]);
  assert.deepEqual(errors('SELECT 1 /* never closed'), ["Msg 113: Missing end comment mark '*/'. @ /*"]);
});

test('conditions and values are kept apart, as in SQL Server', () => {
  assert.deepEqual(errors('SELECT 1 = 1'), ["Msg 102: Incorrect syntax near '='. @ ="]);
  assert.deepEqual(errors('SELECT (a = 1) FROM t'), ["Msg 102: Incorrect syntax near '='. @ ="]);
  assert.deepEqual(errors("IF @x PRINT 'y'"), ["Msg 4145: An expression of non-boolean type specified in a context where a condition is expected, near 'PRINT'. @ PRINT"]);
  assert.deepEqual(errors('SELECT a FROM t WHERE a + 1'), ["Msg 4145: An expression of non-boolean type specified in a context where a condition is expected, near '1'. @ 1"]);
});

test('statement rules SQL Server checks while compiling', () => {
  assert.deepEqual(errors('SELECT @a = 1, b FROM t'), ['Msg 141: A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations. @ SELECT @a = 1, b']);
  assert.deepEqual(errors('PRINT 1\nCREATE PROCEDURE p AS SELECT 1'), ["Msg 111: 'CREATE/ALTER PROCEDURE' must be the first statement in a query batch. @ CREATE"]);
  assert.deepEqual(errors('BEGIN END'), ["Msg 156: Incorrect syntax near the keyword 'END'. @ END"]);
  assert.deepEqual(errors('SELECT a FROM x.y.z.w.t'), ["Msg 117: The object name 'x.y.z.w.t' contains more than the maximum number of prefixes. The maximum is 3. @ x.y.z.w.t"]);
  assert.deepEqual(errors('SELECT 123456789012345678901234567890123456789'), [
    "Msg 1007: The number '123456789012345678901234567890123456789' is out of the range for numeric representation (maximum precision 38). @ 123456789012345678901234567890123456789",
  ]);
  assert.deepEqual(errors('SELECT a FROM t OFFSET 1 ROWS'), ["Msg 102: Incorrect syntax near '1'. @ 1"]);
  assert.deepEqual(errors('SELECT TOP 1 PERCENT WITH a FROM t'), ["Msg 156: Incorrect syntax near the keyword 'WITH'. @ WITH"]);
});

test('every broken statement of a batch is reported; the good ones are still there', () => {
  // `SELECT 1 +` fails at the IF that follows it; parsing resumes there, and the broken SELECT
  // inside the block is skipped up to its END.
  const text = 'SELECT FROM t\nPRINT 1\nSELECT 1 +\nIF 1 = 1 BEGIN SELECT , END\nPRINT 2';
  const result = parseBatch(text);
  assert.deepEqual(
    result.errors.map((e) => [e.number, text.slice(e.start, e.end), lineInBatch(text, 0, e.start)]),
    [
      [156, 'FROM', 1],
      [156, 'IF', 4],
      [102, ',', 4],
    ],
  );
  assert.deepEqual(result.statements.map((s) => s.kind), ['print', 'if', 'print']);
});

test('lines are counted from the batch start, as SSMS reports "Line n" and "Batch Start Line"', () => {
  const text = 'PRINT 1\nGO\n-- comment\n\nSELECT\n  FROM t';
  const [, second] = parseScript(text);
  assert.equal(second!.startLine, 2);
  const error = second!.errors[0]!;
  assert.equal(error.number, 156);
  assert.equal(lineInBatch(text, second!.start, error.start), 4);
});

test("valid T-SQL the instance can't run inside a statement: Msg 59001, positioned at the construct", () => {
  const cases: [string, string, string][] = [
    ['SELECT a FROM t FOR XML RAW', 'FOR XML RAW', 'RAW'],
    ["SELECT * FROM OPENXML(@h, '/r')", 'The OPENXML function', 'OPENXML'],
    ['SELECT a FROM t FOR JSON AUTO', 'FOR JSON AUTO', 'AUTO'],
    ['SELECT 1 WHERE 1 > ALL (SELECT 1)', 'Comparison with ALL (subquery)', 'ALL'],
    ['SELECT NEXT VALUE FOR s', 'NEXT VALUE FOR', 'NEXT'],
    ['SELECT a FROM t GROUP BY a, ROLLUP(a)', 'GROUP BY with ROLLUP beside other grouping', 'ROLLUP(a)'],
    ['DELETE FROM t OUTPUT deleted.a INTO @x OUTPUT deleted.a', 'A second OUTPUT clause', 'OUTPUT'],
    ["MERGE t USING u ON t.a = u.a WHEN MATCHED THEN DELETE OUTPUT $action;", 'The OUTPUT clause', 'OUTPUT'],
    ['CREATE TABLE t (a int MASKED WITH (FUNCTION = \'default()\'))', 'Dynamic data masking', 'MASKED'],
    ['UPDATE TOP (1) t SET a = 1', 'UPDATE TOP', 'TOP'],
  ];
  for (const [sql, what, at] of cases) {
    const { errors: errs } = parseBatch(sql);
    assert.equal(errs.length, 1, sql);
    assert.equal(errs[0]!.number, NOT_SUPPORTED, sql);
    assert.equal(errs[0]!.message, `${what} is not supported by the embedded instance.`, sql);
    assert.equal(sql.slice(errs[0]!.start, errs[0]!.end), at, sql);
  }
});

test('nesting beyond the limit is Msg 191, not a crash', () => {
  const deep = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`;
  const { errors: errs } = parseBatch(deep);
  assert.deepEqual(errs.map((e) => e.number), [191]);
  const blocks = `${'BEGIN '.repeat(3000)}PRINT 1${' END'.repeat(3000)}`;
  assert.deepEqual(parseBatch(blocks).errors.map((e) => e.number), [191]);
  const ifs = `${'IF 1 = 1 '.repeat(3000)}PRINT 1`;
  assert.deepEqual(parseBatch(ifs).errors.map((e) => e.number), [191]);
});
