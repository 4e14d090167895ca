// The Pools and Sessions views of a SQL Server reached through a connection profile, from what its
// DMVs returned: pools with their limits and statistics, running scripts, and what only the
// embedded instance shows said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverPoolNodes, serverSessionNodes } from '../../../client/src/views/serverModel';
import type { ServerView } from '../../../server/src/protocol';

const view = (over: Partial<ServerView> = {}): ServerView => ({
  pools: [
    { externalPoolId: 2, name: 'default', maxCpuPercent: 100, maxMemoryPercent: 20, maxProcesses: 0, activeProcessesCount: 1, peakMemoryKb: 2048, totalCpuUserMs: 30, totalCpuKernelMs: 5, readIoCount: 7, writeIoCount: 3 },
    { externalPoolId: 256, name: 'ds_ep', maxCpuPercent: 40, maxMemoryPercent: 50, maxProcesses: 8, activeProcessesCount: null, peakMemoryKb: null, totalCpuUserMs: null, totalCpuKernelMs: null, readIoCount: null, writeIoCount: null },
  ],
  requests: [],
  notShown: ['Session folders: shown only for the embedded instance.'],
  readAt: Date.UTC(2026, 11, 4, 12, 0, 0),
  pollMs: 5000,
  ...over,
});

test('each external pool is a row with its limits; statistics the DMV did not give read n/a', () => {
  const nodes = serverPoolNodes(view());
  assert.deepEqual(
    nodes.slice(0, 2).map((n) => [n.label, n.description]),
    [
      ['default', 'max CPU 100% · max memory 20% · processes unlimited · 1 active'],
      ['ds_ep', 'max CPU 40% · max memory 50% · at most 8 processes'],
    ],
  );
  assert.match(nodes[1]!.tooltip!, /Active processes: n\/a; peak memory: n\/a/);
  assert.match(nodes[0]!.tooltip!, /MAX_CPU_PERCENT = 100, MAX_MEMORY_PERCENT = 20, MAX_PROCESSES = 0/);
});

test('the last row says the rows come from the DMVs, how often, and what only the embedded instance shows', () => {
  const source = serverPoolNodes(view()).at(-1)!;
  assert.equal(source.label, 'Read from the server’s DMVs');
  assert.match(source.description!, /every 5 s$/);
  assert.match(source.tooltip!, /Session folders: shown only for the embedded instance/);
});

test('running scripts are listed with their request id, language, login, status, session and elapsed time', () => {
  const nodes = serverSessionNodes(
    view({
      requests: [
        { externalScriptRequestId: 'a1b2c3d4-0000-4000-8000-000000000001', sessionId: 57, status: 'running', databaseName: 'shop', loginName: 'analyst', language: 'Python', degreeOfParallelism: 1, externalUserName: 'MSSQLSERVER01', waitType: null, totalElapsedTimeMs: 65_000, cpuTimeMs: 120 },
      ],
    }),
  );
  assert.equal(nodes[0]!.label, 'Running');
  const row = nodes[0]!.children![0]!;
  assert.equal(row.label, 'A1B2C3D4 Python · analyst');
  assert.match(row.description!, /^running · session 57 · /);
  assert.match(row.tooltip!, /Worker account: MSSQLSERVER01/);
});

test('with nothing running the view says so, and a DMV the login may not read is named as the problem', () => {
  const nodes = serverSessionNodes(view({ problem: "the server's DMVs could not be read: VIEW SERVER STATE permission was denied" }));
  assert.deepEqual(
    nodes.map((n) => n.label),
    ['No script is running on the server', 'The DMVs could not be read', 'Read from the server’s DMVs'],
  );
});
