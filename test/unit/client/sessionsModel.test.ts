// The Sessions view as data: running sessions (queued, starting, running) before finished ones,
// each group newest first; the list following the server's change notifications; how long a
// session ran or has waited; and each row's label, description, icon, menu context and click
// command. The view shows a Running and a Recent group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applySessionChange,
  isActive,
  languageLabel,
  orderSessions,
  sessionContext,
  sessionDuration,
  sessionNode,
  sessionNodes,
} from '../../../client/src/views/sessionsModel';
import type { SessionInfo } from '../../../server/src/protocol';
import { T0, sessionInfo as session } from './fixtures';


test('queued, starting and running sessions are active; finished ones are not', () => {
  for (const state of ['queued', 'starting', 'running'] as const) assert.equal(isActive(session('a', { state })), true, state);
  for (const state of ['succeeded', 'failed', 'cancelled', 'timed out'] as const) assert.equal(isActive(session('a', { state })), false, state);
});

test('ordering puts every active session before every finished one, each group newest first', () => {
  const list = [
    session('old-done', { state: 'succeeded', queuedAt: T0 + 1 }),
    session('old-run', { state: 'running', queuedAt: T0 + 2 }),
    session('new-done', { state: 'failed', queuedAt: T0 + 9 }),
    session('queued', { state: 'queued', queuedAt: T0 + 5 }),
    session('mid-done', { state: 'timed out', queuedAt: T0 + 4 }),
    session('starting', { state: 'starting', queuedAt: T0 + 3 }),
  ];
  assert.deepEqual(
    orderSessions(list).map((s) => s.id),
    ['queued', 'starting', 'old-run', 'new-done', 'mid-done', 'old-done'],
  );
  assert.equal(list[0]!.id, 'old-done', 'the input list is not reordered');
});

test('a new session from a notification goes on top; a known one is replaced where it is', () => {
  const list = [session('b', { queuedAt: T0 + 2 }), session('a', { queuedAt: T0 + 1 })];
  const added = applySessionChange(list, { session: session('c', { queuedAt: T0 + 3 }) });
  assert.deepEqual(
    added.map((s) => s.id),
    ['c', 'b', 'a'],
  );
  const changed = applySessionChange(added, { session: session('b', { state: 'succeeded', endedAt: T0 + 10 }) });
  assert.deepEqual(
    changed.map((s) => [s.id, s.state]),
    [
      ['c', 'running'],
      ['b', 'succeeded'],
      ['a', 'running'],
    ],
  );
  assert.equal(added[1]!.state, 'running', 'the previous list is not changed');
});

test('an evicted session leaves the list; evicting an unknown id changes nothing', () => {
  const list = [session('a'), session('b')];
  assert.deepEqual(
    applySessionChange(list, { evicted: 'a' }).map((s) => s.id),
    ['b'],
  );
  assert.deepEqual(
    applySessionChange(list, { evicted: 'zzz' }).map((s) => s.id),
    ['a', 'b'],
  );
});

test('a reset replaces the whole list with a copy of the one sent', () => {
  const sent = [session('x'), session('y')];
  const next = applySessionChange([session('a')], { reset: sent });
  assert.deepEqual(
    next.map((s) => s.id),
    ['x', 'y'],
  );
  assert.notEqual(next, sent);
});

test('duration: from start (or from queueing while it waits) to the end, or to now while it goes on', () => {
  assert.equal(sessionDuration(session('a', { queuedAt: T0, startedAt: T0 + 500, endedAt: T0 + 2500 }), T0 + 99_999), 2000);
  assert.equal(sessionDuration(session('a', { queuedAt: T0, startedAt: T0 + 500 }), T0 + 1500), 1000);
  assert.equal(sessionDuration(session('a', { state: 'queued', queuedAt: T0 }), T0 + 700), 700);
  assert.equal(sessionDuration(session('a', { state: 'cancelled', queuedAt: T0, endedAt: T0 + 300 }), T0 + 5000), 300, 'cancelled while queued');
});

test('duration is never negative when the clock is behind the server', () => {
  assert.equal(sessionDuration(session('a', { queuedAt: T0, startedAt: T0 + 1000 }), T0), 0);
});

test('language labels are R and Python whatever the case; others pass through', () => {
  assert.equal(languageLabel('r'), 'R');
  assert.equal(languageLabel('R'), 'R');
  assert.equal(languageLabel('python'), 'Python');
  assert.equal(languageLabel('PYTHON'), 'Python');
  assert.equal(languageLabel('Java'), 'Java');
});

test('the menu context says active or finished, and :folder while the session folder exists', () => {
  assert.equal(sessionContext(session('a', { state: 'running' })), 'session:active');
  assert.equal(sessionContext(session('a', { state: 'queued', folder: '/tmp/s/a' })), 'session:active:folder');
  assert.equal(sessionContext(session('a', { state: 'failed', folder: '/tmp/s/a' })), 'session:finished:folder');
  assert.equal(sessionContext(session('a', { state: 'succeeded' })), 'session:finished');
});

test('a session row: short id, language and caller as label; state, worker and duration as description', () => {
  const node = sessionNode(session('1a2b3c4d-aaaa-bbbb', { language: 'r', caller: 'bob', worker: 'sqlml03', startedAt: T0, state: 'running' }), T0 + 1400);
  assert.equal(node.id, 'session:1a2b3c4d-aaaa-bbbb');
  assert.equal(node.label, '1a2b3c4d R · bob');
  assert.equal(node.description, 'running · sqlml03 · 1.4 s');
  assert.deepEqual(node.icon, { id: 'sync~spin', color: 'charts.blue' });
  assert.equal(node.contextValue, 'session:active');
});

test('clicking a session row shows its output, and the row carries its full id for commands', () => {
  const node = sessionNode(session('1a2b3c4d-aaaa-bbbb'), T0);
  assert.deepEqual(node.data, { sessionId: '1a2b3c4d-aaaa-bbbb' });
  assert.equal(node.command?.command, 'sqlml.showSessionOutput');
  assert.deepEqual(node.command?.arguments, [{ sessionId: '1a2b3c4d-aaaa-bbbb' }]);
});

test('a session without a worker is waiting for one while active, and had none once finished', () => {
  assert.match(sessionNode(session('a', { state: 'queued' }), T0 + 5).description!, /^queued · waiting for a worker · 5 ms$/);
  assert.match(sessionNode(session('a', { state: 'cancelled', endedAt: T0 + 20 }), T0 + 999).description!, /^cancelled · no worker · 20 ms$/);
});

test('the tooltip gives the full id, database, pool and isolation, state with its detail, duration and folder', () => {
  const tip = sessionNode(
    session('full-id-123456789', { language: 'python', caller: 'ann', database: 'sales', pool: 'gpu', mode: 'namespaces', worker: 'w1', state: 'failed', detail: 'killed: memory limit', startedAt: T0, endedAt: T0 + 2000, folder: '/var/s/1' }),
    T0 + 9999,
  ).tooltip!.split('\n');
  assert.equal(tip[0], 'Session full-id-123456789');
  assert.equal(tip[1], 'Python for ann in sales');
  assert.equal(tip[2], 'Worker: w1 (pool gpu, isolation namespaces)');
  assert.equal(tip[3], 'State: failed (killed: memory limit)');
  assert.match(tip[4]!, /^Queued: .+, started .+, ended .+$/);
  assert.equal(tip[5], 'Duration: 2.0 s');
  assert.equal(tip[6], 'Folder: /var/s/1');
  const bare = sessionNode(session('b', { state: 'queued' }), T0).tooltip!.split('\n');
  assert.equal(bare[3], 'State: queued');
  assert.doesNotMatch(bare[4]!, /started|ended/);
  assert.ok(!bare.some((l) => l.startsWith('Folder:')));
});

test('each state has its own icon; an unknown state gets a plain circle', () => {
  const icon = (state: string) => sessionNode(session('a', { state } as Partial<SessionInfo>), T0).icon!.id;
  const ids = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled', 'timed out'].map(icon);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(icon('succeeded'), 'pass');
  assert.equal(icon('failed'), 'error');
  assert.equal(icon('mystery'), 'circle-outline');
});

test('a session row under a worker gets the id prefix it is given, so ids stay unique across views', () => {
  assert.equal(sessionNode(session('abc'), T0, 'pool:default:worker:w1:session').id, 'pool:default:worker:w1:session:abc');
});

test('with running and finished sessions the view has a Running group then a Recent group, each ordered and counted', () => {
  const nodes = sessionNodes(
    [
      session('done-old', { state: 'succeeded', queuedAt: T0 + 1 }),
      session('run', { state: 'running', queuedAt: T0 + 2 }),
      session('done-new', { state: 'failed', queuedAt: T0 + 3 }),
      session('wait', { state: 'queued', queuedAt: T0 + 4 }),
    ],
    T0 + 10,
  );
  assert.deepEqual(
    nodes.map((n) => [n.id, n.label, n.description, n.contextValue, n.expanded]),
    [
      ['group:running', 'Running', '2', 'group:running', true],
      ['group:recent', 'Recent', '2', 'group:recent', true],
    ],
  );
  assert.deepEqual(
    nodes[0]!.children!.map((n) => n.data?.sessionId),
    ['wait', 'run'],
  );
  assert.deepEqual(
    nodes[1]!.children!.map((n) => n.data?.sessionId),
    ['done-new', 'done-old'],
  );
});

test('no sessions: no rows (the view shows its welcome content)', () => {
  assert.deepEqual(sessionNodes([], T0), []);
});

test('a group shows only when it has sessions: only finished ones give just the Recent group', () => {
  const nodes = sessionNodes([session('a', { state: 'succeeded' }), session('b', { state: 'cancelled' })], T0);
  assert.deepEqual(
    nodes.map((n) => [n.id, n.description, n.children?.map((c) => c.id)]),
    [['group:recent', '2', ['session:a', 'session:b']]],
  );
});
