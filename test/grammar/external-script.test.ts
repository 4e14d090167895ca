import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample, tokenize, type Token } from './tokenize';

type Lookup = (lineContaining: string, needle?: string) => Token;

/** Tokenizes `source`; the returned lookup finds the token at `needle` on the first line containing `lineContaining`. */
async function open(source: string): Promise<Lookup> {
  const lines = source.split(/\r?\n/);
  const tokens = await tokenize(source);
  return (lineContaining, needle = lineContaining) => {
    const row = lines.findIndex((line) => line.includes(lineContaining));
    assert.ok(row >= 0, `no line contains ${JSON.stringify(lineContaining)}`);
    const col = lines[row]!.indexOf(needle);
    assert.ok(col >= 0, `${JSON.stringify(needle)} is not on line ${row}`);
    const token = tokens[row]!.find((t) => t.start <= col && col < t.start + t.text.length);
    assert.ok(token, `no token at ${row}:${col}`);
    return token;
  };
}

const show = (t: Token) => `${JSON.stringify(t.text)} [${t.language}] ${t.scopes.join(' ')}`;

/** The token has `scope` or a more specific scope under it (keyword.operator covers keyword.operator.x). */
function hasScope(t: Token, scope: string): void {
  assert.ok(t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`)), `expected ${scope}: ${show(t)}`);
}

function embedded(t: Token, language: 'python' | 'r'): void {
  hasScope(t, `meta.embedded.block.${language}`);
  assert.equal(t.language, language, `language at ${show(t)}`);
}

function notEmbedded(t: Token): void {
  assert.ok(!t.scopes.some((s) => s.startsWith('meta.embedded')), `expected plain SQL: ${show(t)}`);
  assert.equal(t.language, 'sql', `language at ${show(t)}`);
}

test('Python script (named arguments): body gets Python scopes and language', async () => {
  const at = await open(sample('python-named.sql'));
  const importKw = at('import pandas', 'import');
  embedded(importKw, 'python');
  hasScope(importKw, 'keyword.control.import.python');
  hasScope(at('def add_one', 'def'), 'storage.type.function.python');
  hasScope(at('for col in', 'for'), 'keyword.control.flow.python');
  const comment = at('# adds one', 'adds');
  embedded(comment, 'python'); // so VS Code toggles comments with '#'
  hasScope(comment, 'comment.line.number-sign.python');
});

test("doubled quotes ('') inside the script do not end it", async () => {
  const at = await open(sample('python-named.sql'));
  const hello = at("greeting = ''hello''", 'hello');
  embedded(hello, 'python');
  hasScope(hello, 'string.quoted.single.python');
  // '''' inside brackets is an escaped empty string, not the start of a Python ''' string.
  embedded(at("sep='''')"), 'python');
  const after = at('OutputDataSet = InputDataSet', 'apply');
  embedded(after, 'python');
  assert.ok(!after.scopes.some((s) => s.startsWith('string.')), `still inside a string: ${show(after)}`);
});

test('the quotes are SQL string punctuation and the rest of the statement is SQL again', async () => {
  const at = await open(sample('python-named.sql'));
  const opening = at("    @script = N'", "N'");
  hasScope(opening, 'punctuation.definition.string.begin.sql');
  notEmbedded(opening);
  const close = at("    ',", "'");
  hasScope(close, 'punctuation.definition.string.end.sql');
  notEmbedded(close);
  const input = at('@input_data_1');
  hasScope(input, 'text.variable');
  notEmbedded(input);
  hasScope(at("N'SELECT 1 AS x'", 'SELECT 1'), 'string.quoted.single.sql');
  notEmbedded(at('WITH RESULT SETS', 'WITH'));
});

test('comments that mention @script are not injected', async () => {
  const at = await open(sample('python-named.sql'));
  const lineComment = at('-- Scores rows', 'import os');
  hasScope(lineComment, 'comment.line.double-dash.sql');
  notEmbedded(lineComment);
  const blockComment = at('/* EXEC', 'import os');
  hasScope(blockComment, 'comment.block');
  notEmbedded(blockComment);
});

test('R script: body gets R scopes and language; a second call switches to Python', async () => {
  const at = await open(sample('two-languages.sql'));
  const arrow = at('double <- function', '<-');
  embedded(arrow, 'r');
  hasScope(arrow, 'keyword.operator');
  hasScope(at('double <- function', 'function'), 'keyword.other');
  const comment = at('# twice');
  embedded(comment, 'r');
  hasScope(comment, 'comment.line.number-sign.r');
  notEmbedded(at("', @input_data_1", '@input_data_1'));
  const from = at('from math import sqrt', 'from');
  embedded(from, 'python');
  hasScope(from, 'keyword.control.import.python');
  hasScope(at('# not R'), 'comment.line.number-sign.python');
});

test('procedure name spellings and language literal forms', async () => {
  const calls = [
    "sp_execute_external_script @language = N'Python', @script = N'pass'",
    "EXEC sys.sp_execute_external_script @language = n'python', @script = N'pass'",
    "exec [sys].[sp_execute_external_script] @language = 'Python', @script = 'pass'",
    "EXECUTE master.sys.sp_execute_external_script @language=N'PYTHON',@script=N'pass'",
    "EXEC [master]..[sp_execute_external_script] @language = N'python', @script = n'pass'",
  ];
  for (const call of calls) {
    const at = await open(call);
    embedded(at(call, 'pass'), 'python');
  }
});

test('positional form: the second argument is the script', async () => {
  const py = "EXEC sp_execute_external_script N'Python', N'print(1)', N'SELECT 1'";
  const at = await open(py);
  embedded(at(py, 'print'), 'python');
  notEmbedded(at(py, 'SELECT 1'));
  const r = "EXEC sp_execute_external_script N'R', 'x <- 1'";
  embedded((await open(r))(r, '<-'), 'r');
});

test('@script before @language: embedded only when both are on the same line', async () => {
  const oneLine = "EXEC sp_execute_external_script @script = N'print(1)', @language = N'Python'";
  embedded((await open(oneLine))(oneLine, 'print'), 'python');
  const at = await open(
    ['EXEC sp_execute_external_script', "  @script = N'", 'print(2)', "',", "  @language = N'Python'", 'GO'].join('\n'),
  );
  const body = at('print(2)');
  hasScope(body, 'string.quoted.single.sql');
  notEmbedded(body);
});

test('@script = @variable is not injected and the call ends with the statement', async () => {
  const at = await open(
    "EXEC sp_execute_external_script @language = N'Python', @script = @code; SELECT N'print(1)' AS s",
  );
  hasScope(at('@script = @code', '@code'), 'text.variable');
  const next = at('SELECT', 'print');
  notEmbedded(next);
  assert.ok(!next.scopes.includes('meta.external-script-call.sqlml'), show(next));
});

test('a one-line script ends at its quote even after a trailing comment or an import', async () => {
  const py = "EXEC sp_execute_external_script @language = N'Python', @script = N'import sys # v', @params = N'@n int'";
  notEmbedded((await open(py))(py, '@params'));
  const r = "EXEC sp_execute_external_script @language = N'R', @script = N'x <- 1 # one', @parallel = 1";
  notEmbedded((await open(r))(r, '@parallel'));
});

test('plain SQL is tokenized exactly as without the injection', async () => {
  const source = sample('plain.sql');
  const strip = (lines: Token[][]) => lines.map((line) => line.map(({ text, scopes }) => ({ text, scopes })));
  assert.deepEqual(strip(await tokenize(source)), strip(await tokenize(source, { injection: false })));
});
