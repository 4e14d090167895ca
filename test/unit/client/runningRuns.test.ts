// The runs going on by document: what Run Script asks about before a second run of a running
// document, and what Cancel Run picks (the document's runs, or the only run anywhere, never a guess).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningRuns } from '../../../client/src/runningRuns';

const A = 'file:///work/a.sql';
const B = 'file:///work/b.sql';

test("a document's runs are known from their start to their end, oldest first", () => {
  const runs = new RunningRuns();
  runs.started({ runId: '1', document: A, title: 'Script of a.sql' });
  runs.started({ runId: '2', document: B, title: 'Script of b.sql' });
  runs.started({ runId: '3', document: A, title: 'Selection of a.sql' });
  assert.deepEqual(runs.of(A).map((r) => r.runId), ['1', '3']);
  assert.deepEqual(runs.documents(), [A, B]);
  runs.ended('1');
  assert.deepEqual(runs.of(A).map((r) => r.runId), ['3']);
  runs.ended('3');
  assert.deepEqual(runs.of(A), []);
  assert.deepEqual(runs.documents(), [B]);
  runs.ended('unknown');
  assert.equal(runs.count, 1);
});

test("Cancel Run cancels the document's own runs, even when other documents run too", () => {
  const runs = new RunningRuns();
  runs.started({ runId: '1', document: A, title: 'a' });
  runs.started({ runId: '2', document: B, title: 'b' });
  assert.deepEqual(runs.toCancel(B).map((r) => r.runId), ['2']);
});

test('from a document that is not running, Cancel Run cancels the only run going on, and nothing when there are several', () => {
  const runs = new RunningRuns();
  assert.deepEqual(runs.toCancel(A), []);
  runs.started({ runId: '1', document: B, title: 'b' });
  assert.deepEqual(runs.toCancel(A).map((r) => r.runId), ['1']);
  assert.deepEqual(runs.toCancel(undefined).map((r) => r.runId), ['1']);
  runs.started({ runId: '2', document: 'file:///work/c.sql', title: 'c' });
  assert.deepEqual(runs.toCancel(A), []);
});
