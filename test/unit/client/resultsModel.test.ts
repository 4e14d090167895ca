// The results panel's model of a run: grids with their columns, types and row counts (the rows stay in
// GridRows: gridRows.test.ts), numeric columns flagged, indexes running across batches; messages in order
// with a document line only for errors; the run's status (cancelled over failed over succeeded);
// and the one-line summary with counts, sessions and a readable duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, messageModel, resultsModel, runningModel, runStatus, runSummary } from '../../../client/src/results/model';
import { plural } from '../../../server/src/core/text/plural';
import type { RunBatch, RunMessage, RunScriptResult } from '../../../server/src/protocol';
import type { WireResultSet } from '../../../server/src/node/instance/protocol';

const info = (text: string, fields: Partial<RunMessage> = {}): RunMessage => ({ kind: 'info', number: 0, severity: 0, state: 1, text, line: 0, header: '', ...fields });
const error = (text: string, fields: Partial<RunMessage> = {}): RunMessage => ({
  kind: 'error',
  number: 297,
  severity: 16,
  state: 1,
  text,
  line: 3,
  header: 'Msg 297, Level 16, State 1, Line 4',
  ...fields,
});
const rs = (columns: [string, string][], rows: unknown[][]): WireResultSet => ({ columns: columns.map(([name, type]) => ({ name, type })), rows });
const batch = (resultSets: WireResultSet[], messages: RunMessage[] = [], line = 0): RunBatch => ({ line, resultSets, messages });
const result = (fields: Partial<RunScriptResult>): RunScriptResult => ({
  runId: 'r1',
  uri: 'file:///w/a.sql',
  ran: { scope: 'file', startLine: 0, endLine: 10 },
  batches: [],
  sessions: [],
  cancelled: false,
  instance: 'default',
  login: 'ann',
  durationMs: 1400,
  ...fields,
});

test('a grid has the column names (unnamed ones named), types and row count, and the start time of its run', () => {
  const model = resultsModel('a.sql', result({ batches: [batch([rs([['id', 'int'], ['', 'float'], ['ok', 'bit'], ['s', 'nvarchar(5)']], [[1, 0.1 + 0.2, true, null], [2, 1, false, 'x']])])] }), 1234);
  assert.equal(model.grids.length, 1);
  const grid = model.grids[0]!;
  assert.deepEqual(grid.columns, ['id', '(No column name)', 'ok', 's']);
  assert.deepEqual(grid.types, ['int', 'float', 'bit', 'nvarchar(5)']);
  assert.equal(grid.totalRows, 2);
  assert.ok(!('rows' in grid), 'the rows are not part of the page model');
  assert.equal(model.startedAt, 1234);
});

test('numeric columns are flagged by T-SQL type, including parameterised and upper-case names', () => {
  const types = ['int', 'bigint', 'smallint', 'tinyint', 'float', 'real', 'decimal(10,2)', 'NUMERIC(5)', 'money', 'smallmoney', 'bit'];
  const others = ['nvarchar(10)', 'varbinary(max)', 'date', 'datetime2(7)', 'uniqueidentifier', 'binary(4)', 'interval', 'integer_name'];
  const all = [...types, ...others];
  const grid = resultsModel('t', result({ batches: [batch([rs(all.map((t, i) => [`c${i}`, t]), [])])] }), 10).grids[0]!;
  assert.deepEqual(grid.numeric, [...types.map(() => true), ...others.map(() => false)]);
});

test('grid indexes run across batches in order, so copy and save find the right set', () => {
  const model = resultsModel(
    't',
    result({
      batches: [
        batch([rs([['a', 'int']], [[1]]), rs([['b', 'int']], [[2]])], [info('(1 row affected)', { afterResultSets: 1 })]),
        batch([], [info('no sets here')]),
        batch([rs([['c', 'int']], [[3]])]),
      ],
    }),
    10,
  );
  assert.deepEqual(
    model.grids.map((g) => [g.index, g.columns[0]]),
    [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ],
  );
});

test('messages keep the order they happened in across batches', () => {
  const model = resultsModel(
    't',
    result({ batches: [batch([rs([['a', 'int']], [])], [info('first', { afterResultSets: 0 }), info('second', { afterResultSets: 1 })]), batch([], [error('third')])] }),
    10,
  );
  assert.deepEqual(
    model.messages.map((m) => m.text),
    ['first', 'second', 'third'],
  );
});

test('an error message keeps its header and document line; an info message has no line to link', () => {
  assert.deepEqual(messageModel(error('denied', { line: 7, header: 'Msg 229, Level 14, State 5, Line 8' })), {
    kind: 'error',
    header: 'Msg 229, Level 14, State 5, Line 8',
    text: 'denied',
    line: 7,
  });
  assert.deepEqual(messageModel(info('printed', { line: 5 })), { kind: 'info', header: '', text: 'printed', line: null });
  assert.equal(messageModel(error('no line', { line: null })).line, null);
});

test('a run that did not start shows why as the first message, an error with no header or line', () => {
  const model = resultsModel('t', result({ failed: 'no instance at /x' }), 10);
  assert.equal(model.status, 'failed');
  assert.deepEqual(model.messages, [{ kind: 'error', header: '', text: 'no instance at /x', line: null }]);
  assert.equal(model.summary, 'Not run: no instance at /x');
  assert.deepEqual(model.grids, []);
});

test('the model carries the title, and its status and summary agree with runStatus and runSummary', () => {
  const r = result({ batches: [batch([], [error('x')])] });
  const model = resultsModel('My run', r, 10);
  assert.equal(model.title, 'My run');
  assert.equal(model.status, runStatus(r));
  assert.equal(model.summary, runSummary(r));
});

test('status: succeeded without errors, failed with an error message or a failure, cancelled above both', () => {
  assert.equal(runStatus(result({ batches: [batch([], [info('hi')])] })), 'succeeded');
  assert.equal(runStatus(result({ batches: [batch([]), batch([], [info('a'), error('b')])] })), 'failed');
  assert.equal(runStatus(result({ failed: 'login refused' })), 'failed');
  assert.equal(runStatus(result({ cancelled: true, batches: [batch([], [error('cancelled by user')])] })), 'cancelled');
  assert.equal(runStatus(result({})), 'succeeded');
});

test('summary: result sets with their total rows, errors, each session, and the duration, joined by ·', () => {
  const summary = runSummary(
    result({
      batches: [batch([rs([['a', 'int']], [[1], [2]]), rs([['b', 'int']], [[3], [4], [5]])], [error('e1')]), batch([], [error('e2'), info('i')])],
      sessions: [{ id: '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', caller: 'ann', worker: 'sqlml01', language: 'Python', state: 'succeeded', durationMs: 900 }],
      durationMs: 1400,
    }),
  );
  assert.equal(summary, '2 result sets (5 rows) · 2 errors · session 1a2b3c4d: python on sqlml01, succeeded · 1.4 s');
});

test('summary: no result sets is said in words; singular counts are singular; no error part without errors', () => {
  assert.equal(runSummary(result({ durationMs: 850 })), 'no result sets · 850 ms');
  assert.equal(runSummary(result({ batches: [batch([rs([['a', 'int']], [[1]])], [error('x')])], durationMs: 12 })), '1 result set (1 row) · 1 error · 12 ms');
  assert.equal(runSummary(result({ batches: [batch([rs([['a', 'int']], [])])], durationMs: 12 })), '1 result set (0 rows) · 12 ms');
});

test('summary: a session without a worker says so, and a cancelled run says cancelled before the duration', () => {
  const summary = runSummary(
    result({ cancelled: true, sessions: [{ id: 'abcdef0123', caller: 'ann', worker: null, language: 'R', state: 'cancelled', durationMs: null }], durationMs: 125_000 }),
  );
  assert.equal(summary, 'no result sets · session abcdef01: r on no worker, cancelled · cancelled · 2 min 5 s');
});

test('the running model shows the streamed messages, no grids, and what is running', () => {
  const model = runningModel('a.sql', [info('before'), error('oops', { line: 2 })], 'the selection', 99);
  assert.equal(model.status, 'running');
  assert.equal(model.startedAt, 99, 'the page counts the elapsed time from it');
  assert.equal(model.summary, 'Running the selection…');
  assert.deepEqual(model.grids, []);
  assert.deepEqual(
    model.messages.map((m) => [m.kind, m.text, m.line]),
    [
      ['info', 'before', null],
      ['error', 'oops', 2],
    ],
  );
});

test('plural adds s except for exactly one', () => {
  assert.equal(plural(0, 'row'), '0 rows');
  assert.equal(plural(1, 'row'), '1 row');
  assert.equal(plural(2, 'error'), '2 errors');
});

test('durations: whole ms under a second, one decimal in seconds under a minute, then minutes and seconds', () => {
  assert.equal(duration(0), '0 ms');
  assert.equal(duration(850.4), '850 ms');
  assert.equal(duration(1000), '1.0 s');
  assert.equal(duration(1440), '1.4 s');
  assert.equal(duration(59_900), '59.9 s');
  assert.equal(duration(60_000), '1 min 0 s');
  assert.equal(duration(125_000), '2 min 5 s');
  assert.equal(duration(3_599_400), '59 min 59 s');
  assert.equal(duration(3_600_000), '60 min 0 s');
});

test('durations change unit after rounding: 999.6 ms is 1.0 s and 59.96 s is 1 min 0 s', () => {
  assert.equal(duration(999.4), '999 ms');
  assert.equal(duration(999.6), '1.0 s');
  assert.equal(duration(59_940), '59.9 s');
  assert.equal(duration(59_960), '1 min 0 s');
});
