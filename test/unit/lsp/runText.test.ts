// What Run Script sends from a document: the whole file, the selection (either direction), or the
// sp_execute_external_script call at the cursor — widened to its INSERT … EXEC and a semicolon on
// the same line — with the offset and line it starts at, so the instance's lines map back to
// document lines. It refuses, with a reason, empty text, a cursor off any call, and calls that
// cannot run alone (inside dynamic SQL or a procedure body).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runText, type RunText } from '../../../server/src/lsp/instance/runText';

type Ran = Extract<RunText, { ok: true }>;
const ok = (r: RunText): Ran => {
  assert.ok(r.ok, `not ok: ${r.ok ? '' : r.reason}`);
  return r;
};
const reason = (r: RunText): string => {
  assert.ok(!r.ok, 'expected a refusal');
  return r.reason;
};
/** The picked text is the document's own text at `start`, so offsets and lines map back. */
const assertSliceOf = (document: string, r: Ran) => {
  assert.equal(document.slice(r.start, r.start + r.text.length), r.text);
  assert.equal(document.slice(0, r.start).split('\n').length - 1, r.startLine);
};

const PY = "@language = N'Python', @script = N'OutputDataSet = InputDataSet', @input_data_1 = N'SELECT 1 AS x'";
const DOC = [
  'SELECT 1 AS a;', // 0
  'INSERT INTO dbo.t', // 1
  `EXEC sp_execute_external_script ${PY}`, // 2
  'WITH RESULT SETS ((x int)) ;  -- tail', // 3
  'PRINT 2;', // 4
  `EXEC sp_execute_external_script ${PY};`, // 5
  'GO', // 6
].join('\n');

test('file: the whole document from offset 0', () => {
  const r = ok(runText(DOC, 'file', {}));
  assert.equal(r.text, DOC);
  assert.equal(r.start, 0);
  assert.equal(r.startLine, 0);
  assert.equal(r.endLine, 6);
});

test('file: a document ending in a newline ends on the line that newline closes', () => {
  assert.equal(ok(runText('SELECT 1;\n', 'file', {})).endLine, 0);
  assert.equal(ok(runText('SELECT 1;\r\nPRINT 2;\r\n', 'file', {})).endLine, 1);
  assert.equal(ok(runText('SELECT 1;\n\n', 'file', {})).endLine, 1);
});

test('file: an empty or blank document has nothing to run', () => {
  assert.equal(reason(runText('', 'file', {})), 'there is nothing to run');
  assert.equal(reason(runText('  \n\t\r\n ', 'file', {})), 'there is nothing to run');
});

test('selection: exactly the selected text, with the offset and lines it starts and ends on', () => {
  const r = ok(runText(DOC, 'selection', { range: { start: { line: 4, character: 0 }, end: { line: 5, character: 4 } } }));
  assert.equal(r.text, 'PRINT 2;\nEXEC');
  assert.equal(r.startLine, 4);
  assert.equal(r.endLine, 5);
  assertSliceOf(DOC, r);
});

test('selection: made backwards (end before start) it is the same text', () => {
  const forward = ok(runText(DOC, 'selection', { range: { start: { line: 0, character: 7 }, end: { line: 1, character: 6 } } }));
  const backward = ok(runText(DOC, 'selection', { range: { start: { line: 1, character: 6 }, end: { line: 0, character: 7 } } }));
  assert.deepEqual(backward, forward);
  assert.equal(forward.text, '1 AS a;\nINSERT');
  assert.equal(forward.start, 7);
});

test('selection: lines are counted the same after CRLF line ends', () => {
  const doc = 'SELECT 1;\r\nSELECT 2;\r\nSELECT 3;';
  const r = ok(runText(doc, 'selection', { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } } }));
  assert.equal(r.text, 'SELECT 3;');
  assert.equal(r.startLine, 2);
  assert.equal(r.start, doc.indexOf('SELECT 3'));
  assertSliceOf(doc, r);
});

test('selection: an empty or blank one is refused as empty; a missing one as not given', () => {
  assert.equal(reason(runText(DOC, 'selection', { range: { start: { line: 2, character: 3 }, end: { line: 2, character: 3 } } })), 'the selection is empty');
  assert.equal(reason(runText('a\n   \nb', 'selection', { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } } })), 'the selection is empty');
  assert.equal(reason(runText(DOC, 'selection', {})), 'no selection was given');
});

test('call: the INSERT … EXEC around the call, its WITH RESULT SETS and the semicolon after it', () => {
  const r = ok(runText(DOC, 'call', { position: { line: 2, character: 10 } }));
  assert.equal(r.text, `INSERT INTO dbo.t\nEXEC sp_execute_external_script ${PY}\nWITH RESULT SETS ((x int)) ;`);
  assert.equal(r.startLine, 1);
  assert.equal(r.endLine, 3);
  assertSliceOf(DOC, r);
});

test('call: a plain call runs alone, with its semicolon, and nothing of the statements around it', () => {
  const r = ok(runText(DOC, 'call', { position: { line: 5, character: 40 } }));
  assert.equal(r.text, `EXEC sp_execute_external_script ${PY};`);
  assert.equal(r.startLine, 5);
  assertSliceOf(DOC, r);
});

test('call: the cursor anywhere on it counts, from the EXEC to the end of WITH RESULT SETS', () => {
  const first = ok(runText(DOC, 'call', { position: { line: 2, character: 0 } }));
  const last = ok(runText(DOC, 'call', { position: { line: 3, character: 26 } }));
  assert.deepEqual(last, first);
});

test('call: INSERT without INTO, in any case, still takes the INSERT', () => {
  const doc = `insert #rows\n  EXEC sp_execute_external_script ${PY}`;
  const r = ok(runText(doc, 'call', { position: { line: 1, character: 5 } }));
  assert.equal(r.start, 0);
  assert.ok(r.text.startsWith('insert #rows\n  EXEC'));
});

test('call: a semicolon on a later line is not part of the call', () => {
  const doc = `EXEC sp_execute_external_script ${PY}\n;`;
  assert.equal(ok(runText(doc, 'call', { position: { line: 0, character: 1 } })).text, `EXEC sp_execute_external_script ${PY}`);
});

test('call: off any call, or with no cursor, it is refused with the reason', () => {
  assert.equal(reason(runText(DOC, 'call', { position: { line: 0, character: 3 } })), 'the cursor is not on a call to sp_execute_external_script');
  assert.equal(reason(runText(DOC, 'call', { position: { line: 4, character: 2 } })), 'the cursor is not on a call to sp_execute_external_script');
  assert.equal(reason(runText(DOC, 'call', {})), 'no cursor position was given');
});

test('call: one inside a procedure body is refused, naming the procedure', () => {
  const doc = `CREATE PROCEDURE dbo.score AS\nEXEC sp_execute_external_script ${PY};`;
  assert.match(reason(runText(doc, 'call', { position: { line: 1, character: 5 } })), /inside procedure dbo\.score/);
});

test('call: one inside dynamic SQL is refused: the statement that executes it must run', () => {
  const doc = "EXEC(N'EXEC sp_execute_external_script @language = N''R'', @script = N''x <- 1''');";
  assert.match(reason(runText(doc, 'call', { position: { line: 0, character: 15 } })), /inside dynamic SQL/);
});
