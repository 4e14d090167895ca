// sp_execute_external_script's checks and the loopback session beyond the matrix: languages the
// catalog does not know, missing databases, and who the loopback connection is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptLoopbackConnection,
  checkExternalScriptExecution,
  createLogin,
  executeAsLogin,
  executeAsUser,
  originalLogin,
  revert,
  suserSname,
  userName,
} from '../../../server/src/core/security';
import { grant, outcome, World } from './world';

const ENABLED = { externalScriptsEnabled: 1 };

test('a language the catalog does not know is checked against EXECUTE ANY EXTERNAL SCRIPT alone', () => {
  const w = new World();
  assert.equal(outcome(checkExternalScriptExecution(w.catalog, ENABLED, w.as('alice'), 'ml', 'Java')), 'Msg 297, Level 16, State 101: The user does not have permission to perform this action.');
  w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice'));
  assert.equal(outcome(checkExternalScriptExecution(w.catalog, ENABLED, w.as('alice'), 'ml', 'Java')), 'ok');
});

test('language names compare case-insensitively, as sp_execute_external_script does', () => {
  const w = new World();
  w.permit(grant('EXECUTE EXTERNAL SCRIPT', { class: 'EXTERNAL LANGUAGE', name: 'python' }, 'alice'));
  assert.equal(outcome(checkExternalScriptExecution(w.catalog, ENABLED, w.as('alice'), 'ml', 'PYTHON')), 'ok');
});

test('a database that does not exist is Msg 911, after the instance switch', () => {
  const w = new World();
  assert.equal(
    outcome(checkExternalScriptExecution(w.catalog, ENABLED, w.admin(), 'nodb', 'R')),
    "Msg 911, Level 16, State 1: Database 'nodb' does not exist. Make sure that the name is entered correctly.",
  );
  assert.equal(outcome(checkExternalScriptExecution(w.catalog, { externalScriptsEnabled: 0 }, w.admin(), 'nodb', 'R')).startsWith('Msg 39023,'), true);
});

test('the loopback session is the caller: SUSER_SNAME and USER_NAME are theirs, ORIGINAL_LOGIN stays', () => {
  const w = new World();
  w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' } }));
  const asAlice = w.value(executeAsLogin(w.catalog, w.admin(), 'ml', 'alice'));
  const loopback = w.value(acceptLoopbackConnection(w.catalog, { workerGroup: 'SQLMLWORKERS', workerName: 'sqlml03', caller: asAlice }));
  assert.deepEqual(
    [suserSname(w.catalog, loopback), userName(w.catalog, loopback, 'ml'), originalLogin(loopback)],
    ['alice', 'alice', 'carmen'],
  );
  assert.deepEqual(w.value(revert(loopback, 'ml')), loopback, "REVERT cannot climb back to the caller's original context");
});

test('a caller under EXECUTE AS USER gets a loopback session scoped like theirs', () => {
  const w = new World();
  w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' } }));
  const asBob = w.value(executeAsUser(w.catalog, w.admin(), 'ml', 'bob'));
  const loopback = w.value(acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: asBob }));
  assert.equal(userName(w.catalog, loopback, 'ml'), 'bob');
  assert.equal(userName(w.catalog, loopback, 'master'), 'guest');
});

test('an OS user login named like the worker group is not a group login: loopback fails', () => {
  const w = new World();
  w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-user' } }));
  assert.equal(
    outcome(acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: w.as('alice') })),
    "Msg 18456, Level 14, State 1: Login failed for user 'sqlml01'.",
  );
});
