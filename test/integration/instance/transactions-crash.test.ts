// kill -9 of a real instance daemon while a connection has a transaction open: when the instance
// starts again nothing of that transaction is there, neither its rows nor its login and user,
// while what was committed before the kill is. A connection that goes away with a transaction
// open has it rolled back by the daemon, catalog included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import type { RunOutcome } from '../../../server/src/node/instance/protocol';
import { instanceSkip, TestInstance } from './harness';
import { isAlive } from '../../support/processes';

const skip = instanceSkip();
const instance = new TestInstance('txcrash', 'sqlmltx');

before(() => {
  if (!skip) instance.create(2);
});

after(async () => {
  if (!skip) await instance.teardown();
});

function errorsOf(outcome: RunOutcome): string[] {
  return outcome.batches.flatMap((b) => b.messages.filter((m) => m.kind === 'error').map((m) => `${m.number}: ${m.text}`));
}

/** The first value of each result set. */
function firstValues(outcome: RunOutcome): unknown[] {
  return outcome.batches.flatMap((b) => b.resultSets.map((s) => s.rows[0]?.[0]));
}

async function ok(client: InstanceClient, text: string): Promise<RunOutcome> {
  const outcome = await client.run(text);
  assert.deepEqual(errorsOf(outcome), []);
  return outcome;
}

const CHECK = `USE crashtx;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'ghost';
SELECT COUNT(*) FROM sys.database_principals WHERE name = 'ghost_user';
SELECT COUNT(*) FROM dbo.t WHERE x = 2;
SELECT COUNT(*) FROM sys.server_principals WHERE name = 'solid';
SELECT COUNT(*) FROM dbo.t WHERE x = 1;
SELECT @@TRANCOUNT;`;

/** Resolves once the process is gone. */
async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

test('#48 kill -9 of the daemon mid-transaction: after the restart nothing of the transaction is there', { skip }, async () => {
  const client = await instance.connect();
  await ok(client, `CREATE DATABASE crashtx;
GO
USE crashtx;
CREATE TABLE dbo.t (x int);
BEGIN TRAN;
CREATE LOGIN solid WITH PASSWORD = 'S0lid-login!';
INSERT INTO dbo.t VALUES (1);
COMMIT;`);
  await ok(client, `USE crashtx;
BEGIN TRAN;
CREATE LOGIN ghost WITH PASSWORD = 'Gh0st-login!';
CREATE USER ghost_user FOR LOGIN ghost;
INSERT INTO dbo.t VALUES (2);`);
  assert.deepEqual(firstValues(await ok(client, CHECK)), [1, 1, 1, 1, 1, 1], 'inside the transaction the session sees it all');

  const pid = instance.daemonPid();
  assert.ok(pid, 'the daemon has a pid file');
  process.kill(pid, 'SIGKILL');
  await gone(pid);
  client.close();

  const after = await instance.connect();
  try {
    assert.notEqual(instance.daemonPid(), pid, 'a new daemon serves');
    assert.deepEqual(firstValues(await ok(after, CHECK)), [0, 0, 0, 1, 1, 0]);
  } finally {
    after.close();
  }
});

test('a connection closed with its transaction open: the daemon rolls it back, catalog and rows', { skip }, async () => {
  const leaving = await instance.connect();
  await ok(leaving, `USE crashtx;
BEGIN TRAN;
CREATE LOGIN ghost WITH PASSWORD = 'Gh0st-login!';
CREATE USER ghost_user FOR LOGIN ghost;
INSERT INTO dbo.t VALUES (2);`);
  leaving.close();

  const staying = await instance.connect();
  try {
    // Its CREATE LOGIN goes through once the closed connection's transaction has let the catalog go.
    await ok(staying, "CREATE LOGIN after_close WITH PASSWORD = 'Aft3r-close!';");
    assert.deepEqual(firstValues(await ok(staying, CHECK)), [0, 0, 0, 1, 1, 0]);
  } finally {
    staying.close();
  }
});
