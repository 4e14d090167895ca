import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutralizePlaceholders } from '../../../server/src/core/tsql/placeholders';
import { run } from './helpers';

test('placeholders are replaced by neutral text of the same length, so every offset stays where it was', () => {
  const text = [
    ':setvar Db "ml"',
    'USE $(Db);',
    "EXEC sp_execute_external_script @language = N'<lang, sysname, Python>', @script = N'x = ${value}'",
  ].join('\n');
  const neutral = neutralizePlaceholders(text);
  assert.equal(neutral.text.length, text.length);
  assert.deepEqual(neutral.text.split('\n').map((l) => l.length), text.split('\n').map((l) => l.length));
  assert.ok(neutral.text.startsWith('--'), 'a SQLCMD command line becomes a comment');
  assert.match(neutral.text, /USE vDb__;/);
  assert.ok(neutral.text.includes(`N'${'Python'.padEnd('<lang, sysname, Python>'.length)}'`), 'the SSMS default, padded with blanks');
  assert.match(neutral.text, /x = vvalue__'/);
  assert.deepEqual(neutral.placeholders.map((p) => p.kind), ['sqlcmd-command', 'sqlcmd-variable', 'ssms-parameter', 'dollar-brace']);
  assert.deepEqual(neutral.placeholders.map((p) => p.standIn), [null, 'vDb__', null, 'vvalue__']);
});

test('text without placeholders comes back untouched; comparisons and T-SQL generics are not templates', () => {
  for (const text of ["SELECT a FROM t WHERE a < 3 AND b > 2", "SELECT '$5', x FROM [a, b]", "IF @a <> 1 PRINT 'x'"]) {
    const neutral = neutralizePlaceholders(text);
    assert.equal(neutral.text, text);
    assert.deepEqual(neutral.placeholders, []);
  }
});

test('a pasted syntax diagram is blanked from its procedure name to its last bracket line, and said once', () => {
  const text = [
    'sp_execute_external_script',
    "    @language = N'language',",
    "    @script = N'script'",
    "    [ , @input_data_1 = N'input_data_1' ]",
    "    [ , @params = N'@parameter_name data_type [ OUT | OUTPUT ] [ ,...n ]' ]",
    "    [ , @parameter1 = 'value1' [ OUT | OUTPUT ] [ ,...n ] ]",
    'GO',
    "EXEC sp_execute_external_script @language = N'R', @script = N'print(1)'",
  ].join('\n');
  const a = run(text);
  assert.deepEqual(a.problems.map((p) => p.code), ['SQLML007']);
  assert.equal(a.calls.length, 1, 'the real call after the diagram is still found');
  assert.equal(a.calls[0]!.bound.language, 'R');
});

test('a script placeholder is a defined name for the checkers, and the call says once that it holds placeholders', () => {
  const a = run("EXEC sp_execute_external_script @language = N'Python', @script = N'print($(Rows), $(Rows))'");
  assert.ok(a.calls[0]!.embedded!.knownNames.includes('vRows__'));
  const notes = a.problems.filter((p) => p.code === 'SQLML007');
  assert.equal(notes.length, 1);
  assert.match(notes[0]!.message, /\$\(Rows\)\); it is checked as far as they allow/);
});
