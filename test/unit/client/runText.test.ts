// How a run's messages read in the SQL ML output channel: the SSMS header followed by the file and
// 1-based line it is about, then the text line by line; PRINT and script output as plain lines; run
// headings stamped with a 24-hour time; and the words for each run scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageLines, runHeading, scopeLabel } from '../../../client/src/runText';
import type { RunMessage } from '../../../server/src/protocol';

const info = (text: string, line: number | null = 0): RunMessage => ({ kind: 'info', number: 0, severity: 0, state: 1, text, line, header: '' });
const error = (text: string, line: number | null, header = 'Msg 297, Level 16, State 1, Line 4'): RunMessage => ({
  kind: 'error',
  number: 297,
  severity: 16,
  state: 1,
  text,
  line,
  header,
});

test('an error starts with its header and the file:line it is about, 1-based', () => {
  assert.deepEqual(messageLines(error('The user does not have permission.', 3), '/w/a.sql'), [
    'Msg 297, Level 16, State 1, Line 4 (/w/a.sql:4)',
    'The user does not have permission.',
  ]);
  assert.deepEqual(messageLines(error('x', 0, 'Msg 1, Level 16, State 1, Line 1'), 'b.sql')[0], 'Msg 1, Level 16, State 1, Line 1 (b.sql:1)');
});

test('an error without a line keeps its header but names no place', () => {
  assert.deepEqual(messageLines(error('lost', null, 'Msg 50000, Level 16, State 1'), 'a.sql'), ['Msg 50000, Level 16, State 1', 'lost']);
});

test('a message without a header is only its text, even when it has a line', () => {
  assert.deepEqual(messageLines(info('before the script', 5), 'a.sql'), ['before the script']);
});

test('multi-line text is split on LF and CRLF, and one trailing line end does not add an empty line', () => {
  assert.deepEqual(messageLines(info('STDOUT message(s) from external script:\r\nhello\nworld\n'), 'a.sql'), [
    'STDOUT message(s) from external script:',
    'hello',
    'world',
  ]);
  assert.deepEqual(messageLines(info('one\r\n'), 'a.sql'), ['one']);
});

test('blank lines inside the text, and all but one trailing line end, are kept', () => {
  assert.deepEqual(messageLines(info('a\n\nb\n\n'), 'a.sql'), ['a', '', 'b', '']);
});

test('an empty text is one empty line', () => {
  assert.deepEqual(messageLines(info(''), 'a.sql'), ['']);
});

test('a run heading is the local time in 24-hour hh:mm:ss in brackets, then the text', () => {
  assert.equal(runHeading(new Date(2024, 0, 2, 15, 4, 5), 'Running the file'), '[15:04:05] Running the file');
  assert.equal(runHeading(new Date(2024, 0, 2, 0, 0, 7), 'x'), '[00:00:07] x', 'midnight is 00, not 24 or 12');
  assert.equal(runHeading(new Date(2024, 0, 2, 9, 30, 0), 'y'), '[09:30:00] y');
});

test('each run scope has its own words', () => {
  assert.equal(scopeLabel('file'), 'the file');
  assert.equal(scopeLabel('selection'), 'the selection');
  assert.equal(scopeLabel('call'), 'the call at the cursor');
});
