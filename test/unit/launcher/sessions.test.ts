import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionTable, type SessionEvent } from '../../../server/src/core/launcher/sessions';
import { FakeClock } from './fakeClock';

const init = (id: string) => ({ id, caller: 'X', database: 'db', language: 'python' as const, pool: 'default', mode: 'accounts' as const });

test('a session moves queued → starting → running → succeeded, with times and events', () => {
  const clock = new FakeClock();
  const table = new SessionTable(clock);
  const events: SessionEvent[] = [];
  table.subscribe((e) => events.push(e));
  table.create(init('A'));
  clock.advance(10);
  assert.ok(table.transition('A', 'starting', { worker: 'sqlml01' }));
  clock.advance(5);
  assert.ok(table.transition('A', 'running'));
  clock.advance(100);
  assert.ok(table.transition('A', 'succeeded', { exitCode: 0 }));
  const a = table.get('A')!;
  assert.equal(a.state, 'succeeded');
  assert.equal(a.worker, 'sqlml01');
  assert.equal(a.startedAt, 10);
  assert.equal(a.endedAt, 115);
  assert.deepEqual(
    events.map((e) => (e.type === 'evicted' ? e.type : `${e.type}:${e.session.state}`)),
    ['added:queued', 'changed:starting', 'changed:running', 'changed:succeeded'],
  );
});

test('moves the state machine does not allow are refused', () => {
  const table = new SessionTable(new FakeClock());
  table.create(init('A'));
  assert.equal(table.transition('A', 'succeeded'), false, 'queued cannot succeed without running');
  assert.equal(table.transition('A', 'running'), false, 'queued cannot skip starting');
  assert.ok(table.transition('A', 'cancelled'));
  assert.equal(table.transition('A', 'running'), false, 'a finished session stays finished');
  assert.equal(table.transition('nope', 'starting'), false);
  for (const end of ['failed', 'timed out'] as const) {
    table.create(init(end));
    table.transition(end, 'starting');
    table.transition(end, 'running');
    assert.ok(table.transition(end, end));
  }
});

test('history is bounded to the most recent finished sessions; running ones are never evicted', () => {
  const table = new SessionTable(new FakeClock(), 2);
  const evicted: string[] = [];
  table.subscribe((e) => e.type === 'evicted' && evicted.push(e.id));
  table.create(init('live'));
  for (const id of ['a', 'b', 'c', 'd']) {
    table.create(init(id));
    table.transition(id, 'failed');
  }
  assert.deepEqual(evicted, ['a', 'b']);
  assert.deepEqual(table.list().map((s) => s.id), ['d', 'c', 'live']);
});

test('records handed out are copies, and a failing listener does not stop the others', () => {
  const table = new SessionTable(new FakeClock());
  let seen = 0;
  table.subscribe(() => {
    throw new Error('a broken view');
  });
  const off = table.subscribe(() => seen++);
  const copy = table.create(init('A'));
  copy.state = 'succeeded';
  assert.equal(table.get('A')!.state, 'queued');
  table.update('A', { folder: '/x' });
  assert.equal(seen, 2);
  off();
  table.update('A', { folder: '/y' });
  assert.equal(seen, 2);
});
