import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerMapper, type Acquired, type Lease } from '../../../server/src/core/launcher/mapping';
import { workerNames } from '../../../server/src/core/launcher/pools';
import { FakeClock } from './fakeClock';

function mapper(size: number, clock = new FakeClock()) {
  return { clock, m: new WorkerMapper('default', workerNames({ prefix: 'sqlml', size }), clock) };
}

async function lease(result: Promise<Acquired>): Promise<Lease> {
  const r = await result;
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.lease;
}

/** Whether a promise has settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

test('a caller gets a free worker; the same caller running in parallel shares it; another caller gets another', async () => {
  const { m } = mapper(3);
  const x1 = await lease(m.acquire('X', 1000).result);
  const x2 = await lease(m.acquire('X', 1000).result);
  const y = await lease(m.acquire('Y', 1000).result);
  assert.equal(x1.worker, 'sqlml01');
  assert.equal(x2.worker, 'sqlml01');
  assert.equal(y.worker, 'sqlml02');
  assert.deepEqual(m.snapshot()[0], { worker: 'sqlml01', caller: 'X', statements: 2 });
});

test('the mapping lasts one statement: the worker returns to the pool when the last statement ends', async () => {
  const { m } = mapper(2);
  const x1 = await lease(m.acquire('X', 1000).result);
  const x2 = await lease(m.acquire('X', 1000).result);
  x1.release();
  x1.release(); // idempotent: must not free the worker under x2
  assert.equal(m.snapshot()[0]!.caller, 'X');
  x2.release();
  assert.deepEqual(m.snapshot()[0], { worker: 'sqlml01', caller: undefined, statements: 0 });
  const y = await lease(m.acquire('Y', 1000).result);
  assert.equal(y.worker, 'sqlml01');
});

test('21 callers on 20 workers: the 21st waits, then gets the first worker freed', async () => {
  const { m } = mapper(20);
  const leases: Lease[] = [];
  for (let i = 1; i <= 20; i++) leases.push(await lease(m.acquire(`caller${i}`, 5000).result));
  assert.equal(new Set(leases.map((l) => l.worker)).size, 20);
  const pending = m.acquire('caller21', 5000);
  assert.equal(await settled(pending.result), false);
  assert.equal(m.waiting, 1);
  leases[6]!.release();
  const got = await lease(pending.result);
  assert.equal(got.worker, 'sqlml07');
});

test('waiters are served first in, first out', async () => {
  const { m } = mapper(1);
  const a = await lease(m.acquire('A', 5000).result);
  const order: string[] = [];
  const b = m.acquire('B', 5000);
  const c = m.acquire('C', 5000);
  void b.result.then(() => order.push('B'));
  void c.result.then(() => order.push('C'));
  a.release();
  const bl = await lease(b.result);
  assert.deepEqual(order, ['B']);
  bl.release();
  await lease(c.result);
  assert.deepEqual(order, ['B', 'C']);
});

test('queued statements of the caller who gets the worker join it at once', async () => {
  const { m } = mapper(1);
  const a = await lease(m.acquire('A', 5000).result);
  const b1 = m.acquire('B', 5000);
  const c = m.acquire('C', 5000);
  const b2 = m.acquire('B', 5000);
  a.release();
  assert.equal((await lease(b1.result)).worker, 'sqlml01');
  assert.equal((await lease(b2.result)).worker, 'sqlml01');
  assert.equal(await settled(c.result), false);
});

test('the wait is bounded: the error names the pool and its size', async () => {
  const { m, clock } = mapper(2);
  await lease(m.acquire('A', 1000).result);
  await lease(m.acquire('B', 1000).result);
  const pending = m.acquire('C', 30_000);
  clock.advance(29_999);
  assert.equal(await settled(pending.result), false);
  clock.advance(1);
  const r = await pending.result;
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'pool-busy');
  assert.match(r.error.message, /pool 'default'/);
  assert.match(r.error.message, /all 2 workers/);
  assert.match(r.error.message, /30 s/);
  assert.equal(m.waiting, 0);
});

test('a waiter that gives up leaves the queue, and the next waiter is served', async () => {
  const { m } = mapper(1);
  const a = await lease(m.acquire('A', 5000).result);
  const b = m.acquire('B', 5000);
  const c = m.acquire('C', 5000);
  b.cancel();
  const rb = await b.result;
  assert.equal(rb.ok ? 'ok' : rb.error.code, 'cancelled');
  a.release();
  assert.equal((await lease(c.result)).worker, 'sqlml01');
});

test('a timer that fires after the waiter was served changes nothing', async () => {
  const { m, clock } = mapper(1);
  const a = await lease(m.acquire('A', 5000).result);
  const b = m.acquire('B', 1000);
  a.release();
  const bl = await lease(b.result);
  clock.advance(5000);
  assert.equal(m.snapshot()[0]!.caller, 'B');
  bl.release();
});

test('a preference (a warm satellite waits there) picks among free workers only; it never takes a busy worker or changes who waits', async () => {
  const { m } = mapper(3);
  const warmAt = new Set(['sqlml02', 'sqlml03']);
  const x = m.acquire('X', 1000, (w) => warmAt.has(w));
  assert.equal(x.granted?.worker, 'sqlml02', 'the first free worker with a warm satellite');
  assert.equal((await lease(x.result)).worker, 'sqlml02');
  // The same caller's overlapping statement shares its worker, whatever the preference says.
  assert.equal(m.acquire('X', 1000, (w) => w === 'sqlml03').granted?.worker, 'sqlml02');
  // No free worker is preferred: the first free one, as without a preference.
  assert.equal(m.acquire('Y', 1000, () => false).granted?.worker, 'sqlml01');
  assert.equal(m.acquire('Z', 1000, (w) => w === 'sqlml02').granted?.worker, 'sqlml03');
  const queued = m.acquire('W', 1000, () => true);
  assert.equal(queued.granted, undefined, 'a request that has to wait is granted nothing at once');
  assert.equal(await settled(queued.result), false);
});
