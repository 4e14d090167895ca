// What the launcher's Sessions and Pools views show a caller without VIEW SERVER STATE: its own
// sessions, and that a worker is busy without saying for whom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANOTHER_LOGIN, sessionVisible, workerCallerSeenBy } from '../../../server/src/core/launcher/visibility';

test('a caller without VIEW SERVER STATE sees its own sessions only (login names case-insensitively)', () => {
  assert.equal(sessionVisible({ caller: 'nora' }, 'nora', false), true);
  assert.equal(sessionVisible({ caller: 'Nora' }, 'NORA', false), true);
  assert.equal(sessionVisible({ caller: 'carmen' }, 'nora', false), false);
  assert.equal(sessionVisible({ caller: 'carmen' }, 'nora', true), true);
});

test("the Pools view hides whom another caller's worker serves, not that it is busy", () => {
  assert.equal(workerCallerSeenBy(null, 'nora', false), null, 'a free worker stays free');
  assert.equal(workerCallerSeenBy('nora', 'nora', false), 'nora');
  assert.equal(workerCallerSeenBy('carmen', 'nora', false), ANOTHER_LOGIN);
  assert.equal(workerCallerSeenBy('carmen', 'nora', true), 'carmen');
});
