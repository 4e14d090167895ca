// An auto-started instance stops after --idle-stop seconds without clients; an open TDS connection
// is a client: a pyodbc or mssql session must not see the instance stop under it, and once the
// last TDS connection closes the idle stop counts again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { InstanceClient } from '../../../server/src/node/instance/instanceClient';
import { TestInstance } from '../instance/harness';
import { tdsSkip } from './harness';
import { openTedious, tediousBatch } from './tediousClient';
import { isAlive } from '../../support/processes';

const skip = tdsSkip();
const IDLE_STOP_SECONDS = 2;
const instance = new TestInstance('tds-idle', 'sqltdi');

after(() => (skip ? undefined : instance.teardown()));

test('an open TDS connection keeps an idle-stopping instance up; closing it lets the instance stop', { skip, timeout: 300_000 }, async () => {
  instance.create(1);
  const owner = await InstanceClient.connect(instance.layout, { autoStart: true, idleStopSeconds: IDLE_STOP_SECONDS, clientName: 'idle-stop test', startTimeoutMs: 120_000 });
  const login = { name: 'tds_idle', password: `Idle!${randomBytes(9).toString('base64url')}9a` };
  const created = await owner.run(`CREATE LOGIN ${login.name} WITH PASSWORD = N'${login.password}';`);
  assert.deepEqual(created.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), []);
  const port = (await owner.status()).tds?.port;
  assert.ok(port, 'the instance has a TDS endpoint');
  const pid = instance.daemonPid();
  assert.ok(pid && isAlive(pid), 'the daemon runs');

  const tds = await openTedious(port, login);
  owner.close();
  // Several idle periods with only the TDS connection open: the instance is still there for it.
  await sleep(IDLE_STOP_SECONDS * 3 * 1000);
  assert.ok(isAlive(pid), 'the daemon stopped although a TDS connection was open');
  assert.deepEqual((await tediousBatch(tds, 'SELECT 1 AS still')).rows, [[1]]);

  tds.close();
  const deadline = Date.now() + 60_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  assert.equal(isAlive(pid), false, 'the daemon should stop once the last TDS connection closed and the idle time passed');
});
