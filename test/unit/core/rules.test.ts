import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, describe, run } from './helpers';

const call = (args: string, tail = '') => `EXEC sp_execute_external_script ${args}${tail}`;

test('missing @language and @script are Msg 201, with a fix that adds @language', () => {
  const text = call("@script = N'print(1)'");
  const a = run(text);
  assert.deepEqual(describe(text, a.problems), ['SQLML100 1:6 sp_execute_external_script']);
  assert.equal(a.problems[0]!.message, "Procedure or function 'sp_execute_external_script' expects parameter '@language', which was not supplied.");
  const fixes = a.problems[0]!.fixes!;
  assert.deepEqual(fixes.map((f) => f.title), ["Add @language = N'Python'", "Add @language = N'R'"]);
  const edit = fixes[0]!.edits[0]!;
  const fixed = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  assert.equal(fixed, "EXEC sp_execute_external_script @language = N'Python', @script = N'print(1)'");
  assert.deepEqual(codes(fixed), []);
  assert.deepEqual(codes(call("@language = N'R'")), ['SQLML101']);
});

test('positional arguments bind in the documented order', () => {
  assert.deepEqual(codes(call("N'Python', N'OutputDataSet = InputDataSet', N'SELECT 1'")), []);
  const a = run(call("N'R', N'x <- 1'"));
  assert.equal(a.calls[0]!.bound.language, 'R');
  assert.equal(a.calls[0]!.bound.script?.text, 'x <- 1');
});

test('a misspelt parameter is Msg 8145 with the nearest name and a fix', () => {
  const text = call("@language = N'Python', @scirpt = N'print(1)'");
  const a = run(text);
  const p = a.problems.find((x) => x.code === 'SQLML102')!;
  assert.equal(p.message, '@scirpt is not a parameter for procedure sp_execute_external_script. Did you mean @script?');
  assert.equal(text.slice(p.start, p.end), '@scirpt');
  assert.equal(p.fixes![0]!.edits[0]!.newText, '@script');
  assert.deepEqual(codes(call("@language = N'Python', @script = N'1', @zzz = 1")), ['SQLML102']);
});

test('duplicates are Msg 8143 and positional-after-named is Msg 119', () => {
  const dup = call("@language = N'R', @script = N'1', @LANGUAGE = N'R'");
  assert.deepEqual(describe(dup, run(dup).problems), ['SQLML103 1:67 @LANGUAGE']);
  const pos = call("@language = N'R', N'x <- 1'");
  const a = run(pos);
  assert.ok(a.problems.some((p) => p.code === 'SQLML104' && /parameter number 2/.test(p.message)));
});

test('@language must be R or Python in any case, or a declared external language', () => {
  assert.deepEqual(codes(call("@language = N'pYtHoN', @script = N'1'")), []);
  const text = call("@language = N'Pyhton', @script = N'1'");
  const p = run(text).problems[0]!;
  assert.equal(p.code, 'SQLML105');
  assert.match(p.message, /Did you mean 'Python'\?/);
  assert.equal(text.slice(p.fixes![0]!.edits[0]!.start, p.fixes![0]!.edits[0]!.end), 'Pyhton');
  assert.deepEqual(codes(call("@language = N'Java', @script = N'pkg.Main'")), ['SQLML105']);
  assert.deepEqual(codes(call("@language = N'Java', @script = N'pkg.Main'"), { extraLanguages: ['java'] }), []);
  assert.deepEqual(codes(`CREATE EXTERNAL LANGUAGE Java FROM (CONTENT = N'/x.zip', FILE_NAME = 'javaextension.so')\nGO\n${call("@language = N'Java', @script = N'pkg.Main'")}`), []);
});

test('@params: every declared parameter supplied, every argument declared, OUTPUT on both sides', () => {
  const ok = call("@language = N'Python', @script = N'n = a', @params = N'@a int, @n int OUTPUT', @a = 1, @n = @n OUTPUT", '');
  assert.deepEqual(codes(`DECLARE @n int;\n${ok}`), []);

  const missing = call("@language = N'Python', @script = N'x = a', @params = N'@a int, @b int', @a = 1");
  const m = run(missing).problems;
  assert.deepEqual(describe(missing, m), [`SQLML107 1:${missing.indexOf('@b int') + 1} @b int`]);

  const undeclared = call("@language = N'Python', @script = N'x = 1', @params = N'@a int', @a = 1, @b = 2");
  assert.deepEqual(codes(undeclared), ['SQLML102']);

  const outMismatch = `DECLARE @a int, @b int;\n${call("@language = N'Python', @script = N'b = a', @params = N'@a int, @b int OUTPUT', @a = @a OUTPUT, @b = @b")}`;
  const out = run(outMismatch).problems;
  assert.deepEqual(out.map((p) => p.code), ['SQLML108', 'SQLML109']);
  assert.equal(out[1]!.fixes![0]!.title, 'Add OUTPUT');
});

test('@params matches names case-insensitively, as T-SQL does', () => {
  const text = `DECLARE @x int;\n${call("@language = N'Python', @script = N'ParamINT = 1', @params = N'@ParamINT INT OUTPUT', @paramINT = @x OUTPUT")}`;
  assert.deepEqual(codes(text), []);
});

test('unsupported parameter types are flagged on the type with advice', () => {
  const text = call("@language = N'Python', @script = N'1', @params = N'@when datetime2(7), @doc XML, @ok nvarchar(max)', @when = NULL, @doc = NULL, @ok = N''");
  const a = run(text).problems;
  assert.deepEqual(describe(text, a), [`SQLML110 1:${text.indexOf('datetime2') + 1} datetime2(7)`, `SQLML110 1:${text.indexOf('XML') + 1} XML`]);
  assert.match(a[0]!.message, /CAST it to datetime/);
});

test('a broken @params list is a positioned error inside the string', () => {
  const text = call("@language = N'Python', @script = N'1', @params = N'@a int,, @b'");
  const p = run(text).problems.filter((x) => x.code === 'SQLML106');
  assert.equal(p.length, 1);
  assert.equal(text.slice(p[0]!.start, p[0]!.end), ',');
});

test('@parallel takes 0 or 1, and 1 streamed to the client wants WITH RESULT SETS', () => {
  assert.deepEqual(codes(call("@language = N'R', @script = N'1', @parallel = 2")), ['SQLML111']);
  assert.deepEqual(codes(call("@language = N'R', @script = N'1', @parallel = 1")), ['SQLML119']);
  assert.deepEqual(codes(call("@language = N'R', @script = N'OutputDataSet <- data.frame(a=1)', @parallel = 1", ' WITH RESULT SETS ((a int))')), []);
});

test('2019-only parameters are errors when targeting an older version', () => {
  const text = call("@language = N'R', @script = N'1', @input_data_1 = N'SELECT 1 AS a', @input_data_1_partition_by_columns = N'a'");
  assert.deepEqual(codes(text), []);
  const old = run(text, { sqlServerVersion: 2017 }).problems;
  assert.deepEqual(old.map((p) => p.code), ['SQLML112']);
  assert.match(old[0]!.message, /needs SQL Server 2019 or later; sqlml.sqlServerVersion is 2017/);
});

test('WITH RESULT SETS cannot be used in INSERT ... EXEC', () => {
  const text = `INSERT INTO t EXEC sp_execute_external_script @language = N'R', @script = N'OutputDataSet <- iris' WITH RESULT SETS UNDEFINED`;
  assert.deepEqual(describe(text, run(text).problems), [`SQLML113 1:${text.indexOf('WITH') + 1} WITH RESULT SETS UNDEFINED`]);
});

test('data names must be identifiers in the script language', () => {
  assert.deepEqual(codes(call("@language = N'Python', @script = N'x = 1', @output_data_1_name = N'my-output'")), ['SQLML114']);
  assert.deepEqual(codes(call("@language = N'R', @script = N'knime.out <- 1', @output_data_1_name = N'knime.out'")), []);
  assert.deepEqual(codes(call("@language = N'Python', @script = N'x = 1', @input_data_1_name = N'class', @input_data_1 = N'SELECT 1'")), ['SQLML114']);
});

test('reading the input without @input_data_1, or never assigning the declared output, is a warning', () => {
  assert.deepEqual(codes(call("@language = N'Python', @script = N'print(InputDataSet)'")), ['SQLML115']);
  assert.deepEqual(codes(call("@language = N'Python', @script = N'# InputDataSet in a comment\\nprint(\"InputDataSet\")'")), []);
  const text = call("@language = N'R', @script = N'result <- iris'", ' WITH RESULT SETS ((a int))');
  assert.deepEqual(codes(text), ['SQLML116']);
  assert.deepEqual(codes(call("@language = N'R', @script = N'iris_data <- iris', @output_data_1_name = N'iris_data'", ' WITH RESULT SETS ((a int))')), []);
  assert.deepEqual(codes(call("@language = N'R', @script = N'iris -> OutputDataSet'", ' WITH RESULT SETS ((a int))')), []);
});

test('an argument that is an expression is Msg 102, as in T-SQL', () => {
  const text = call("@language = N'Python', @script = N'print(1)' + N'\n'");
  const p = run(text).problems;
  assert.deepEqual(p.map((x) => x.code), ['SQLML120']);
  assert.match(p[0]!.message, /^Incorrect syntax near '\+'/);
});

test('required parameters given NULL or a number are errors', () => {
  assert.deepEqual(codes(call("@language = N'Python', @script = NULL")), ['SQLML121']);
  assert.deepEqual(codes(call("@language = 1, @script = N'x'")), ['SQLML121']);
  assert.deepEqual(codes(`DECLARE @s nvarchar(max);\n${call("@language = N'Python', @script = @s")}`), ['SQLML121']);
});
