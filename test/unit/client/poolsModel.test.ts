// The Pools view as data: a loud warning when scripts run unisolated, the launcher's problem (with
// a provisioning menu when that is the fix), and per pool its size, isolation, network access,
// busy and waiting counts; its limits with what enforces each one, or that nothing does; and its
// workers, free or busy with their caller and statement count, with the active sessions each serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolNodes } from '../../../client/src/views/poolsModel';
import type { InstanceState, PoolsResult } from '../../../server/src/protocol';
import { T0, instanceState, sessionInfo as session } from './fixtures';
import type { LauncherView, WirePool } from '../../../server/src/node/instance/protocol';
import type { ViewNode } from '../../../client/src/views/node';

const pool = (fields: Partial<WirePool> = {}): WirePool => ({
  name: 'default',
  size: 2,
  allowNetwork: false,
  limits: { maxCpuPercent: 50, maxMemoryPercent: 25, maxProcesses: 30 },
  enforcement: [],
  workers: [
    { worker: 'sqlml01', caller: null, statements: 0 },
    { worker: 'sqlml02', caller: null, statements: 0 },
  ],
  waiting: 0,
  ...fields,
});
const view = (fields: Partial<LauncherView> = {}): LauncherView => ({ mode: 'accounts', unisolated: false, problem: null, pools: [pool()], ...fields });
const result = (v: LauncherView | null, state: Partial<InstanceState> = {}): PoolsResult => ({ state: instanceState({ path: '/i', ...state }), view: v });
const byId = (nodes: readonly ViewNode[], id: string): ViewNode => {
  const found = nodes.find((n) => n.id === id);
  assert.ok(found, `no node ${id} among ${nodes.map((n) => n.id).join(', ')}`);
  return found;
};
const poolRow = (nodes: ViewNode[], name = 'default') => byId(nodes, `pool:${name}`);

test('without a launcher view (not connected) there are no rows', () => {
  assert.deepEqual(poolNodes(result(null), [], T0), []);
});

test('an isolated, healthy launcher shows only its pools, in order', () => {
  const nodes = poolNodes(result(view({ pools: [pool({ name: 'default' }), pool({ name: 'gpu' })] })), [], T0);
  assert.deepEqual(
    nodes.map((n) => n.id),
    ['pool:default', 'pool:gpu'],
  );
});

test("unisolated runs put a warning first, whether the view says so or the mode is 'none'", () => {
  const flagged = poolNodes(result(view({ unisolated: true })), [], T0);
  assert.equal(flagged[0]!.id, 'unisolated');
  assert.deepEqual(flagged[0]!.icon, { id: 'warning', color: 'editorWarning.foreground' });
  assert.match(flagged[0]!.label, /UNISOLATED/);
  assert.equal(poolNodes(result(view({ mode: 'none' })), [], T0)[0]!.id, 'unisolated');
  assert.equal(poolNodes(result(view({ mode: null }), { isolation: 'none' }), [], T0)[0]!.id, 'unisolated', 'from the instance before the launcher starts');
});

test('a launcher problem is shown with its words; a provisioning problem gets the provisioning menu', () => {
  const provision = byId(poolNodes(result(view({ problem: 'The worker accounts are missing: provision them as root.' })), [], T0), 'problem');
  assert.equal(provision.description, 'The worker accounts are missing: provision them as root.');
  assert.equal(provision.tooltip, 'The worker accounts are missing: provision them as root.');
  assert.equal(provision.contextValue, 'launcherProblem:provision');
  const other = byId(poolNodes(result(view({ problem: 'cgroup v2 is not mounted' })), [], T0), 'problem');
  assert.equal(other.contextValue, 'launcherProblem');
});

test('the unisolated warning comes before the problem, and both before the pools', () => {
  const nodes = poolNodes(result(view({ mode: 'none', problem: 'x' })), [], T0);
  assert.deepEqual(
    nodes.map((n) => n.id),
    ['unisolated', 'problem', 'pool:default'],
  );
});

test('a started pool reads size · isolation · network · busy count', () => {
  const nodes = poolNodes(
    result(
      view({
        pools: [
          pool({
            size: 3,
            allowNetwork: true,
            workers: [
              { worker: 'w1', caller: 'ann', statements: 1 },
              { worker: 'w2', caller: null, statements: 0 },
              { worker: 'w3', caller: 'bob', statements: 2 },
            ],
          }),
        ],
      }),
    ),
    [],
    T0,
  );
  assert.equal(poolRow(nodes).description, '3 workers · accounts · network allowed · 2 busy');
  assert.equal(poolRow(nodes).contextValue, 'pool:accounts');
});

test('a pool of one worker is singular; no network is said; waiting requests are counted', () => {
  const row = poolRow(poolNodes(result(view({ mode: 'namespaces', pools: [pool({ size: 1, workers: [{ worker: 'w1', caller: 'ann', statements: 1 }], waiting: 2 })] })), [], T0));
  assert.equal(row.description, '1 worker · namespaces · no network · 1 busy · 2 waiting');
  assert.equal(row.contextValue, 'pool', 'provisioning is only for accounts isolation');
  assert.match(row.tooltip!, /\n1 worker, /, 'one worker is singular in the tooltip too');
});

test('before the launcher starts, the pool shows the instance isolation, no busy count, and says when workers come', () => {
  const nodes = poolNodes(result(view({ mode: null, pools: [pool({ workers: [] })] }), { isolation: 'accounts' }), [], T0);
  const row = poolRow(nodes);
  assert.equal(row.description, '2 workers · accounts · no network');
  assert.equal(row.contextValue, 'pool:accounts');
  const children = row.children!;
  assert.deepEqual(
    children.map((c) => c.id),
    ['pool:default:limits', 'pool:default:notStarted'],
  );
  assert.equal(children[1]!.contextValue, 'notStarted');
});

test('with no isolation known at all the pool says so', () => {
  const row = poolRow(poolNodes(result(view({ mode: null }), { isolation: null }), [], T0));
  assert.match(row.description!, /isolation unknown/);
  assert.match(row.tooltip!, /isolation unknown/);
});

test('a started pool lists the limits first, then a row per worker, then the waiting requests', () => {
  const row = poolRow(poolNodes(result(view({ pools: [pool({ waiting: 1 })] })), [], T0));
  assert.deepEqual(
    row.children!.map((c) => c.id),
    ['pool:default:limits', 'pool:default:worker:sqlml01', 'pool:default:worker:sqlml02', 'pool:default:waiting'],
  );
  assert.equal(row.children![3]!.label, '1 request waiting for a worker');
  const two = poolRow(poolNodes(result(view({ pools: [pool({ waiting: 2 })] })), [], T0));
  assert.equal(byId(two.children!, 'pool:default:waiting').label, '2 requests waiting for a worker');
});

test('a free worker says free; a busy one names its caller and how many statements it serves', () => {
  const row = poolRow(
    poolNodes(
      result(
        view({
          pools: [
            pool({
              workers: [
                { worker: 'sqlml01', caller: null, statements: 0 },
                { worker: 'sqlml02', caller: 'analyst', statements: 1 },
                { worker: 'sqlml03', caller: 'bob', statements: 3 },
              ],
            }),
          ],
        }),
      ),
      [],
      T0,
    ),
  );
  const free = byId(row.children!, 'pool:default:worker:sqlml01');
  assert.equal(free.label, 'sqlml01');
  assert.equal(free.description, 'free');
  assert.equal(free.contextValue, 'worker:free');
  const one = byId(row.children!, 'pool:default:worker:sqlml02');
  assert.equal(one.description, 'busy · analyst · 1 statement');
  assert.equal(one.tooltip, 'sqlml02 serves analyst (1 statement at once)');
  assert.equal(one.contextValue, 'worker:busy');
  assert.equal(byId(row.children!, 'pool:default:worker:sqlml03').description, 'busy · bob · 3 statements');
});

test('a busy worker lists the active sessions it serves, with ids unique to that worker', () => {
  const sessions = [
    session('s-on-02', { worker: 'sqlml02', state: 'running' }),
    session('s-done-02', { worker: 'sqlml02', state: 'succeeded', endedAt: T0 + 5 }),
    session('s-on-01', { worker: 'sqlml01', state: 'starting' }),
    session('s-queued', { state: 'queued' }),
  ];
  const row = poolRow(
    poolNodes(
      result(
        view({
          pools: [
            pool({
              workers: [
                { worker: 'sqlml01', caller: 'ann', statements: 1 },
                { worker: 'sqlml02', caller: 'ann', statements: 1 },
                { worker: 'sqlml03', caller: null, statements: 0 },
              ],
            }),
          ],
        }),
      ),
      sessions,
      T0 + 100,
    ),
  );
  const w2 = byId(row.children!, 'pool:default:worker:sqlml02');
  assert.deepEqual(
    w2.children!.map((c) => c.id),
    ['pool:default:worker:sqlml02:session:s-on-02'],
  );
  assert.equal(w2.children![0]!.contextValue, 'session:active', 'Cancel Session works from the Pools view too');
  assert.deepEqual(
    byId(row.children!, 'pool:default:worker:sqlml01').children!.map((c) => c.data?.sessionId),
    ['s-on-01'],
  );
  assert.equal(byId(row.children!, 'pool:default:worker:sqlml03').children, undefined, 'a free worker has no session rows');
});

test('limits with their enforcement: enforced ones name the mechanism, unenforced ones say NOT enforced', () => {
  const row = poolRow(
    poolNodes(
      result(
        view({
          pools: [
            pool({
              enforcement: [
                { limit: 'cpu', setting: 'MAX_CPU_PERCENT = 50', value: '1.00 CPU', mechanism: 'cgroup v2', detail: 'cpu.max of /sys/fs/cgroup/sqlml/default' },
                { limit: 'memory', setting: 'MAX_MEMORY_PERCENT = 25', value: '200 MiB', mechanism: 'none', detail: 'no memory controller' },
                { limit: 'processes', setting: 'MAX_PROCESSES = 30', value: '30 processes', mechanism: 'rlimit', detail: 'RLIMIT_NPROC' },
              ],
            }),
          ],
        }),
      ),
      [],
      T0,
    ),
  );
  const limits = byId(row.children!, 'pool:default:limits');
  assert.equal(limits.description, '1 not enforced');
  assert.equal(limits.expanded, false);
  const [cpu, memory, processes] = limits.children!;
  assert.equal(cpu!.id, 'pool:default:limit:cpu');
  assert.equal(cpu!.label, 'MAX_CPU_PERCENT = 50');
  assert.equal(cpu!.description, '1.00 CPU · enforced by cgroup v2');
  assert.equal(cpu!.contextValue, 'limit:enforced');
  assert.equal(cpu!.tooltip, 'MAX_CPU_PERCENT = 50: 1.00 CPU\nEnforced by cgroup v2: cpu.max of /sys/fs/cgroup/sqlml/default');
  assert.equal(memory!.description, '200 MiB · NOT enforced');
  assert.equal(memory!.contextValue, 'limit:unenforced');
  assert.deepEqual(memory!.icon, { id: 'warning', color: 'editorWarning.foreground' });
  assert.equal(memory!.tooltip, 'MAX_MEMORY_PERCENT = 25: 200 MiB\nNot enforced: no memory controller');
  assert.equal(processes!.description, '30 processes · enforced by rlimit');
});

test('an unlimited limit is "no limit", and does not count as unenforced', () => {
  const limits = byId(
    poolRow(
      poolNodes(
        result(
          view({
            pools: [
              pool({
                enforcement: [
                  { limit: 'cpu', setting: 'MAX_CPU_PERCENT = 100', value: 'unlimited', mechanism: 'none', detail: 'no cap' },
                  { limit: 'processes', setting: 'MAX_PROCESSES = 30', value: '30 processes', mechanism: 'cgroup v1', detail: 'pids.max' },
                ],
              }),
            ],
          }),
        ),
        [],
        T0,
      ),
    ).children!,
    'pool:default:limits',
  );
  assert.equal(limits.description, 'all enforced');
  assert.equal(limits.children![0]!.description, 'unlimited · no limit');
  assert.equal(limits.children![0]!.icon!.id, 'circle-outline');
});

test('before enforcement is known, the limits are the pool settings, marked unknown', () => {
  const limits = byId(poolRow(poolNodes(result(view({ mode: null })), [], T0)).children!, 'pool:default:limits');
  assert.equal(limits.description, '');
  assert.deepEqual(
    limits.children!.map((c) => [c.id, c.label, c.contextValue]),
    [
      ['pool:default:limit:cpu', 'MAX_CPU_PERCENT = 50', 'limit:unknown'],
      ['pool:default:limit:memory', 'MAX_MEMORY_PERCENT = 25', 'limit:unknown'],
      ['pool:default:limit:processes', 'MAX_PROCESSES = 30', 'limit:unknown'],
    ],
  );
});

test('ids are unique across the whole tree when two pools have workers and sessions', () => {
  const nodes = poolNodes(
    result(
      view({
        pools: [
          pool({ name: 'a', workers: [{ worker: 'a01', caller: 'ann', statements: 1 }], waiting: 1 }),
          pool({ name: 'b', workers: [{ worker: 'b01', caller: 'bob', statements: 1 }], waiting: 1 }),
        ],
      }),
    ),
    [session('s1', { worker: 'a01', pool: 'a' }), session('s2', { worker: 'b01', pool: 'b' })],
    T0,
  );
  const ids: string[] = [];
  const walk = (list: readonly ViewNode[]) => list.forEach((n) => (ids.push(n.id), walk(n.children ?? [])));
  walk(nodes);
  assert.equal(new Set(ids).size, ids.length, ids.join('\n'));
  assert.ok(ids.length > 12);
});

test('warm satellites: the pool row counts the ready ones; a row shows each language against its setting and the memory they hold', () => {
  const warm = { python: { target: 2, ready: 1, starting: 1 }, r: { target: 1, ready: 1, starting: 0 }, memoryBytes: 150 * 2 ** 20, budgetBytes: 2048 * 2 ** 20, problems: [] };
  const nodes = poolNodes(result(view({ pools: [pool({ warm })] })), [], T0);
  assert.match(poolRow(nodes).description!, /2 warm/);
  const row = byId(poolRow(nodes).children!, 'pool:default:warm');
  assert.equal(row.description, 'Python 1/2 (+1 starting) · R 1/1 · 150 MiB of 2048 MiB');
  assert.deepEqual(row.icon, { id: 'flame' });
  const failing = byId(poolRow(poolNodes(result(view({ pools: [pool({ warm: { ...warm, problems: ['r satellites are no longer kept warm'] } })] })), [], T0)).children!, 'pool:default:warm');
  assert.deepEqual(failing.icon, { id: 'warning', color: 'editorWarning.foreground' });
  assert.match(failing.tooltip!, /no longer kept warm/);
  const heldBack = 'sessions come first: the pool holds 180 MiB and one more satellite would pass 200 MiB, half its memory limit of 400 MiB';
  const yielding = byId(poolRow(poolNodes(result(view({ pools: [pool({ warm: { ...warm, heldBack } })] })), [], T0)).children!, 'pool:default:warm');
  assert.match(yielding.tooltip!, new RegExp(`\nFewer than set for now: ${heldBack}\.$`));
  assert.deepEqual(yielding.icon, { id: 'flame' }, 'yielding to sessions is no problem');
  const none = poolNodes(result(view({ pools: [pool({ warm: { ...warm, python: { target: 0, ready: 0, starting: 0 }, r: { target: 0, ready: 0, starting: 0 } } })] })), [], T0);
  assert.ok(!poolRow(none).children!.some((n) => n.id === 'pool:default:warm'), 'no row for a pool that keeps none warm');
});
