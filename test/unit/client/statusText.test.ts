// The status bar's words for the instance: instance · login · isolation when connected (a warning
// colour when scripts run unisolated), and for every other state what is wrong, with a warning for
// what the user can fix and an error colour only when the instance is unavailable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusText } from '../../../client/src/statusText';
import { instanceState as state } from './fixtures';


test('before any state is known the item only names the extension, with no colour', () => {
  assert.deepEqual(statusText(undefined), { text: '$(database) SQL ML', warning: false, error: false });
});

test('connected: instance, login and isolation, and no colour when isolated', () => {
  assert.deepEqual(statusText(state({})), { text: '$(database) default · ann · accounts', warning: false, error: false });
});

test('connected but unisolated: the warning colour', () => {
  const s = statusText(state({ isolation: 'none', unisolated: true }));
  assert.equal(s.text, '$(database) default · ann · none');
  assert.equal(s.warning, true);
  assert.equal(s.error, false);
});

test('connected with an unknown login or isolation says so instead of printing null', () => {
  const s = statusText(state({ login: null, isolation: null }));
  assert.equal(s.text, '$(database) default · ? · isolation ?');
  assert.doesNotMatch(s.text, /null/);
});

test('stopped is neither a warning nor an error', () => {
  assert.deepEqual(statusText(state({ status: 'stopped', name: 'lab' })), { text: '$(debug-disconnect) lab: stopped', warning: false, error: false });
});

test('a missing instance and a needed password are warnings; the password one names the login', () => {
  assert.deepEqual(statusText(state({ status: 'missing', name: 'lab' })), { text: '$(circle-slash) lab: no instance', warning: true, error: false });
  assert.deepEqual(statusText(state({ status: 'needsPassword', name: 'lab', login: 'analyst', authentication: 'sql' })), {
    text: '$(key) lab · analyst: password needed',
    warning: true,
    error: false,
  });
  assert.equal(statusText(state({ status: 'needsPassword', login: null })).text, '$(key) default · ?: password needed');
});

test('unavailable is the only error state', () => {
  assert.deepEqual(statusText(state({ status: 'unavailable', name: 'lab', message: 'login refused' })), { text: '$(error) lab: unavailable', warning: false, error: true });
  for (const status of ['connected', 'stopped', 'missing', 'needsPassword'] as const) {
    assert.equal(statusText(state({ status, unisolated: true })).error, false, status);
  }
});

test('the unisolated flag colours only the connected state', () => {
  assert.equal(statusText(state({ status: 'stopped', unisolated: true })).warning, false);
  assert.equal(statusText(state({ status: 'unavailable', unisolated: true })).warning, false);
});

test("connected, but the launcher can't run scripts: the warning colour and words that say so, whatever the isolation", () => {
  const problem = 'The launcher cannot run scripts: /srv, above the instance folder /srv/i, is writable by others (mode 0777).';
  const isolated = statusText(state({}), problem);
  assert.equal(isolated.text, "$(warning) default · ann: scripts can't run");
  assert.equal(isolated.warning, true);
  assert.equal(isolated.error, false);
  assert.equal(statusText(state({}), null).warning, false, 'no problem, no colour');
});

test('a launcher problem does not hide why an instance is not connected', () => {
  assert.deepEqual(statusText(state({ status: 'stopped' }), 'ignored'), statusText(state({ status: 'stopped' })));
});
