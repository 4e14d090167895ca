import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './helpers';

const PY = "@language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT 1 AS x'";

test('calls are found with EXEC, EXECUTE, or alone at the start of a batch, with any prefix and case', () => {
  const forms = [
    `EXEC sp_execute_external_script ${PY}`,
    `execute SYS.SP_EXECUTE_EXTERNAL_SCRIPT ${PY}`,
    `EXEC master.sys.sp_execute_external_script ${PY}`,
    `EXEC [sys].[sp_execute_external_script] ${PY}`,
    `EXEC @rc = sp_execute_external_script ${PY}`,
    `sp_execute_external_script ${PY}`,
  ];
  for (const form of forms) {
    const text = form.includes('@rc') ? `DECLARE @rc int\n${form}` : form;
    const a = run(text);
    assert.equal(a.calls.length, 1, form);
    assert.equal(a.calls[0]!.bound.language, 'Python', form);
    assert.deepEqual(a.problems, [], form);
  }
});

test('text that only looks like a call is not one', () => {
  const texts = [
    `-- EXEC sp_execute_external_script ${PY}`,
    `/* EXEC sp_execute_external_script */ SELECT 1`,
    `SELECT 'EXEC sp_execute_external_script ${PY.replace(/'/g, "''")}'`,
    `EXEC dbo.sp_execute_external_script ${PY}`,
  ];
  for (const text of texts) assert.equal(run(text).calls.length, 0, text);
});

test('a call without EXEC later in its batch is refused (Msg 102) with a fix, and its script is still checked', () => {
  const text = `SELECT 1\nsp_execute_external_script ${PY}`;
  const a = run(text);
  assert.equal(a.calls.length, 1);
  assert.equal(a.calls[0]!.bound.language, 'Python');
  const problem = a.problems.find((p) => p.code === 'SQLML123');
  assert.ok(problem, JSON.stringify(a.problems));
  assert.equal(text.slice(problem.start, problem.end), 'sp_execute_external_script');
  assert.deepEqual(problem.fixes?.[0]?.edits, [{ start: problem.start, end: problem.start, newText: 'EXEC ' }]);
  // Named in a SELECT list it is only a column name, not a call.
  assert.equal(run('SELECT sp_execute_external_script FROM t').calls.length, 0);
});

test('calls inside CREATE PROCEDURE bodies know the enclosing procedure and its parameters', () => {
  const text = `CREATE OR ALTER PROCEDURE dbo.score @model varbinary(max), @rows int = 10 OUTPUT
AS
BEGIN
  EXEC sp_execute_external_script @language = N'Python', @script = N'print(m)',
    @params = N'@m varbinary(max)', @m = @model;
END`;
  const a = run(text);
  assert.equal(a.calls.length, 1);
  assert.equal(a.calls[0]!.call.procedure, 'dbo.score');
  assert.deepEqual(a.problems.map((p) => p.code), [], 'procedure parameters are declared variables');
});

test('a procedure without parameters ends its name before AS, so the calls in its body are found', () => {
  for (const header of ['CREATE PROCEDURE dbo.train AS', 'CREATE PROC [dbo].[train]\nAS', 'CREATE OR ALTER PROCEDURE train AS', 'CREATE PROCEDURE master.dbo.train WITH EXECUTE AS OWNER AS']) {
    const a = run(`${header}\nBEGIN\n  EXEC sp_execute_external_script @language = N'R', @script = N'x <- 1';\nEND`);
    assert.equal(a.calls.length, 1, header);
    assert.match(a.calls[0]!.call.procedure ?? '', /train$/, header);
  }
});

test('INSERT ... EXEC names its target, with or without INTO and a column list', () => {
  for (const [text, target] of [
    [`INSERT INTO dbo.iris (a, b) EXEC sp_execute_external_script ${PY}`, 'dbo.iris'],
    [`INSERT [t] EXECUTE sp_execute_external_script ${PY}`, 't'],
    [`DECLARE @t TABLE (a int)\nINSERT INTO @t EXEC sp_execute_external_script ${PY}`, '@t'],
  ] as const) {
    assert.equal(run(text).calls[0]!.call.insertTarget?.name, target, text);
  }
  assert.equal(run(`EXEC sp_execute_external_script ${PY}`).calls[0]!.call.insertTarget, null);
});

test('script values are resolved from DECLARE, SET, SELECT @v =, + and CHAR/NCHAR', () => {
  const text = `DECLARE @a nvarchar(max) = N'x = 1' + NCHAR(10), @b nvarchar(max);
SET @b = N'y = x';
SELECT @b = @a + @b + CHAR(13) + CHAR(10);
SET @b += N'#end';
EXEC sp_execute_external_script @language = N'Python', @script = @b`;
  const a = run(text);
  assert.equal(a.calls[0]!.bound.script?.text, 'x = 1\ny = x\r\n#end');
});

test('unknown values are reported as such and not checked', () => {
  const text = `DECLARE @s nvarchar(max);
SELECT @s = script_text FROM dbo.scripts WHERE id = 1;
EXEC sp_execute_external_script @language = N'Python', @script = @s`;
  const a = run(text);
  assert.equal(a.calls[0]!.embedded, null);
  assert.deepEqual(a.problems.map((p) => p.code), ['SQLML117']);
  assert.match(a.problems[0]!.message, /a value selected from a query/);
});

test('a variable declared in another batch is undeclared here (Msg 137)', () => {
  const text = `DECLARE @s nvarchar(max) = N'print(1)'
GO
EXEC sp_execute_external_script @language = N'Python', @script = @s`;
  const a = run(text);
  assert.deepEqual(a.problems.map((p) => [p.code, p.message]), [['SQLML118', 'Must declare the scalar variable "@s".']]);
});

test('dynamic SQL in sp_executesql and EXEC(...) is scanned, also two levels deep', () => {
  const inner = "EXEC sp_execute_external_script @language = N''R'', @script = N''x <- 1''";
  const text = `EXEC sp_executesql N'${inner}';
DECLARE @q nvarchar(max) = N'${inner}';
EXEC (@q);
EXEC (N'EXEC sp_executesql N''EXEC sp_execute_external_script @language = N''''R'''', @script = N''''y <- 2'''''' ');`;
  const a = run(text);
  assert.deepEqual(a.calls.map((c) => [c.call.depth, c.bound.script?.text]), [
    [1, 'x <- 1'],
    [1, 'x <- 1'],
    [2, 'y <- 2'],
  ]);
  // Every decoded script character maps back to the same character in the document.
  for (const c of a.calls) {
    const s = c.bound.script!;
    for (let i = 0; i < s.text.length; i++) assert.equal(text[s.map.toSource(i)], s.text[i]);
  }
});

test('sp_executesql parameters are declared inside the dynamic SQL, outer variables are not', () => {
  const text = `DECLARE @outer nvarchar(max) = N'print(1)';
EXEC sp_executesql N'EXEC sp_execute_external_script @language = N''Python'', @script = @s; SELECT @outer',
  N'@s nvarchar(max)', @s = @outer;`;
  const a = run(text);
  assert.deepEqual(a.problems.map((p) => p.code).sort(), ['SQLML117'], 'only @s unknown; @outer inside is not a call argument');
});

test('fuzz regression: thousands of nested parentheses or signs make an unknown value, not a stack overflow', () => {
  const call = "EXEC sp_execute_external_script @language = N'Python', @script = @s";
  const shallow = run(`DECLARE @s nvarchar(max) = ${'('.repeat(20)}N'print(1)'${')'.repeat(20)};\n${call}`);
  assert.equal(shallow.calls[0]!.bound.script?.text, 'print(1)');
  for (const deep of [`${'('.repeat(5000)}N'print(1)'${')'.repeat(5000)}`, `${'- '.repeat(20000)}1`, `${'CONCAT('.repeat(5000)}N'x'${')'.repeat(5000)}`]) {
    const a = run(`DECLARE @s nvarchar(max) = ${deep};\n${call}`);
    assert.equal(a.calls.length, 1);
    assert.equal(a.calls[0]!.bound.script, null);
  }
});

test('keywords are read in any case, a letter outside ASCII as its capital reads (ſ as S); other words are not keywords', () => {
  const script = (text: string) => run(text).calls[0]!.bound.script?.text ?? null;
  const call = "EXEC sp_execute_external_script @language = N'Python', @script = @s";
  assert.equal(script(`DECLARE @s nvarchar(max);\nſEt @s = N'x = 1';\n${call}`), 'x = 1');
  assert.equal(script(`dEcLaRe @s nvarchar(max) = N'y = 2';\n${call}`), 'y = 2');
  // SETS is no SET: the assignment is not followed, so @s keeps its declared value.
  assert.equal(script(`DECLARE @s nvarchar(max) = N'z = 3';\nSETS @s = N'w = 4';\n${call}`), 'z = 3');
});
