import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis/analyze';
import { scriptErrorLine } from '../../../server/src/core/analysis/scriptErrorLine';

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

test('a script line of a literal @script is the .sql line of that script line', () => {
  const text = `SELECT 1;
GO
EXEC sp_execute_external_script @language = N'Python', @script = N'
x = ''a''
y = 1 / 0
';`;
  const scriptOffset = text.indexOf("N'\nx") + 2;
  const line = scriptErrorLine(text, analyze(text), { scriptLine: 3, scriptOffset });
  assert.equal(line, lineOf(text, 'y = 1 / 0'));
});

test('a script built with + and CHAR(10) maps through the variable to the piece that holds the line', () => {
  const text = `DECLARE @s nvarchar(max) = N'a = 1' + CHAR(10)
  + N'b = undefined_name' + CHAR(10);
EXEC sp_execute_external_script @language = N'Python', @script = @s;`;
  const line = scriptErrorLine(text, analyze(text), { scriptLine: 2, scriptOffset: text.indexOf('EXEC') });
  assert.equal(line, 1);
});

test('an error from inside a procedure is found by the procedure name, whatever its schema and case', () => {
  const text = `CREATE PROCEDURE dbo.Score AS
BEGIN
  EXEC sp_execute_external_script @language = N'R', @script = N'a <- 1
stop("no")';
END;
GO
EXEC dbo.Score;`;
  assert.equal(scriptErrorLine(text, analyze(text), { scriptLine: 2, procedure: 'score' }), lineOf(text, 'stop('));
  assert.equal(scriptErrorLine(text, analyze(text), { scriptLine: 2, procedure: 'other' }), null);
});

test('a line past the end of the script is not placed anywhere', () => {
  const text = `EXEC sp_execute_external_script @language = N'Python', @script = N'x = 1';`;
  assert.equal(scriptErrorLine(text, analyze(text), { scriptLine: 5, scriptOffset: text.indexOf("N'x") + 2 }), null);
});
