// The header line SSMS prints above an error, as `sqlml run` and the editor show it:
// "Msg N, Level L, State S[, Procedure P], Line X" with a 1-based line, SQL Server's defaults for a
// missing number, severity or state, and the procedure's own line for an error inside a procedure.
// Informational messages (PRINT, script output) have no header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageHeader } from '../../../server/src/node/instance/messageHeader';
import type { WireMessage } from '../../../server/src/node/instance/protocol';

const error = (fields: Partial<WireMessage>): WireMessage => ({ kind: 'error', number: 297, severity: 16, state: 1, text: 'boom', line: 3, ...fields });

test('an error reads "Msg N, Level L, State S, Line X" with the 0-based line shown 1-based', () => {
  assert.equal(messageHeader(error({ number: 229, severity: 14, state: 5, line: 2 })), 'Msg 229, Level 14, State 5, Line 3');
  assert.equal(messageHeader(error({ line: 0 })), 'Msg 297, Level 16, State 1, Line 1');
});

test('informational messages have no header, whatever their fields', () => {
  assert.equal(messageHeader({ kind: 'info', number: 0, severity: 0, state: 1, text: 'hello', line: 4 }), '');
  assert.equal(messageHeader({ kind: 'info', number: 50000, severity: 10, state: 1, text: 'x', line: 0, procedure: 'dbo.p', procedureLine: 2 }), '');
});

test('a missing number, severity or state reads as RAISERROR defaults 50000, 16 and 1', () => {
  assert.equal(messageHeader(error({ number: null, severity: null, state: null, line: 9 })), 'Msg 50000, Level 16, State 1, Line 10');
});

test('zero is a value, not a missing one', () => {
  assert.equal(messageHeader(error({ number: 0, severity: 0, state: 0, line: 0 })), 'Msg 0, Level 0, State 0, Line 1');
});

test('an error without a line has no Line part', () => {
  assert.equal(messageHeader(error({ line: null })), 'Msg 297, Level 16, State 1');
});

test('inside a procedure the header names it and gives the line inside its definition, not the EXEC line', () => {
  assert.equal(
    messageHeader(error({ number: 50000, severity: 16, state: 1, line: 20, procedure: 'dbo.p', procedureLine: 4 })),
    'Msg 50000, Level 16, State 1, Procedure dbo.p, Line 4',
  );
});

test("a script error inside a procedure gives the document line of the script's failing line", () => {
  assert.equal(
    messageHeader(error({ number: 39004, line: 11, procedure: 'dbo.p', procedureLine: 4, scriptLine: 2 })),
    'Msg 39004, Level 16, State 1, Procedure dbo.p, Line 12',
  );
});

test('a procedure without a known procedure line falls back to the document line', () => {
  assert.equal(messageHeader(error({ line: 6, procedure: 'dbo.p' })), 'Msg 297, Level 16, State 1, Procedure dbo.p, Line 7');
  assert.equal(messageHeader(error({ line: null, procedure: 'dbo.p' })), 'Msg 297, Level 16, State 1, Procedure dbo.p');
});

test('a script error outside a procedure uses the document line, not the script line', () => {
  assert.equal(messageHeader(error({ number: 39004, line: 14, scriptLine: 3 })), 'Msg 39004, Level 16, State 1, Line 15');
});
