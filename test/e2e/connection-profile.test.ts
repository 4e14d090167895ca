// A connection profile in a real VS Code: the workspace's settings select a sqlml.connections profile (a SQL
// login over TDS, its password in the environment variable the profile names, set in code-server's own
// environment: never a setting or an argument) instead of sqlml.instance.path. The "SQL Server" is an embedded
// instance's TDS endpoint (TdsBed: /var/lib/sqlml-test-tds-e2eprofile, worker prefix sqltde). The pre-flight over
// TDS flags 'external scripts enabled' off and stops once it is on; Run Script shows the rows; a long script
// shows in the Sessions view, read from the server's DMVs, until Cancel Run stops it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { TdsBed, tdsSkip } from '../integration/tds/harness';
import { e2eTest, type Workbench } from './harness';
import { waitForResults } from './harness/resultsPage';

const skip = tdsSkip();
const bed = new TdsBed('e2eprofile', 'sqltde');
const PASSWORD_VARIABLE = 'SQLML_E2E_TDS_PASSWORD';
const PROFILE = 'endpoint';
const SCRIPTS_OFF = 'SQLML300';

before(async () => {
  if (skip) return;
  await bed.start(); // it turns external scripts on: the first step needs them off
  await externalScripts(false);
}, { timeout: 300_000 });

after(async () => {
  if (!skip) await bed.stop();
});

/** Turns 'external scripts enabled' on or off, as the instance's owner (over its socket, not the editor's login). */
async function externalScripts(enabled: boolean): Promise<void> {
  const owner = await bed.instance.connect();
  try {
    const r = await owner.run(`EXEC sp_configure 'external scripts enabled', ${enabled ? 1 : 0}; RECONFIGURE;`);
    assert.deepEqual(r.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), [], `turning external scripts ${enabled ? 'on' : 'off'} failed`);
  } finally {
    owner.close();
  }
}

/** The workspace's settings: the profile, selected; no sqlml.instance.path, and no password. */
function profileSettings(): Record<string, unknown> {
  const settings = {
    'sqlml.connections': [
      { profileName: PROFILE, server: '127.0.0.1', port: bed.port, authenticationType: 'SqlLogin', user: bed.admin.name, encrypt: true, trustServerCertificate: true, passwordEnvironmentVariable: PASSWORD_VARIABLE },
    ],
    'sqlml.instance.connection': PROFILE,
  };
  assert.ok(!JSON.stringify(settings).includes(bed.admin.password), 'the password is not a setting');
  return settings;
}

/** Waits until the results panel of `file` shows a run in `status` (a success with every grid drawn). */
const resultsIn = async (workbench: Workbench, file: string, status: string, timeoutMs?: number) =>
  (await waitForResults(workbench, file, (shown) => shown.status === status && (status !== 'succeeded' || shown.grids.every((g) => g.rows.length > 0)), `status ${status}`, timeoutMs)).shown;

const IDLE = 'No script is running on the server';

e2eTest(
  'A connection profile to a TDS endpoint: the pre-flight checks over it, Run Script runs on it, and its running script shows in the Sessions view until cancelled',
  { fixture: 'connection-profile', skip, timeoutMs: 420_000, env: { [PASSWORD_VARIABLE]: bed.admin.password }, settings: profileSettings },
  async ({ workbench, workspace }) => {
    await workbench.step('open items.sql', () => workbench.openFile('items.sql'));

    const flagged = await workbench.step(`'external scripts enabled' off: the pre-flight over TDS lists ${SCRIPTS_OFF}`, async () => {
      await workbench.showProblems();
      return workbench.waitForProblem((p) => p.code === SCRIPTS_OFF, `${SCRIPTS_OFF} in items.sql`);
    });
    assert.equal(flagged.file, 'items.sql');
    assert.equal(flagged.severity, 'warning');
    assert.match(flagged.message, /external scripts enabled/);
    assert.equal(flagged.line, 2, 'on the sp_execute_external_script call');
    const statusBar = await workbench.page.locator('.statusbar').innerText();
    assert.match(statusBar, new RegExp(`127\\.0\\.0\\.1,${bed.port} · ${bed.admin.name}`), 'the status bar names the profile\'s server and login');
    // The profile is in effect from the start: the embedded default instance is never tried in its place.
    assert.equal(await workbench.page.locator('.notification-toast', { hasText: /cannot reach the instance/ }).count(), 0, 'no "cannot reach the instance" notification');

    await workbench.step(`external scripts turned on, the document edited and saved: ${SCRIPTS_OFF} goes away`, async () => {
      await externalScripts(true);
      const firstLine = readFileSync(join(workspace, 'items.sql'), 'utf8').split('\n')[0]!;
      await workbench.goToLine(1, firstLine.length + 1);
      await workbench.page.keyboard.type(' Checked again.');
      await workbench.page.keyboard.press('Control+S');
      await workbench.waitForNoProblems((p) => p.code === SCRIPTS_OFF, `no ${SCRIPTS_OFF}`, 60_000);
    });

    const shown = await workbench.step('Run Script from the command palette shows the rows of dbo.items, read as the profile\'s login', async () => {
      await workbench.runCommand('SQL ML: Run Script');
      return resultsIn(workbench, 'items.sql', 'succeeded');
    });
    assert.deepEqual(
      shown.grids.map((g) => ({ columns: g.columns, rows: g.rows.map((r) => [r.number, ...r.cells]) })),
      [
        { columns: ['id', 'name'], rows: [[1, '1', 'one'], [2, '2', 'two'], [3, '3', 'three']] },
        { columns: ['who'], rows: [[1, bed.admin.name]] },
      ],
    );
    assert.match(shown.summary, /2 result sets \(4 rows\)/);

    await workbench.step("the Sessions view reads the server's DMVs: nothing running", async () => {
      await workbench.focusView('SQL ML', 'Sessions');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === 'Read from the server’s DMVs' && /every \d+ s/.test(r.description), 'the DMV source note');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === IDLE, 'no script running');
    });

    await workbench.step('open long-running.sql and run it', async () => {
      await workbench.openFile('long-running.sql');
      await workbench.runCommand('SQL ML: Run Script');
      await resultsIn(workbench, 'long-running.sql', 'running');
    });

    const request = await workbench.step('the Sessions view shows the running script, from sys.dm_external_script_requests', async () => {
      await workbench.focusView('SQL ML', 'Sessions');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === 'Running' && r.description === '1', 'the Running group with one script', 30_000);
      const row = (r: { label: string; description: string }) => new RegExp(`^[0-9A-F]{8} Python · ${bed.admin.name}$`).test(r.label) && /· session \d+/.test(r.description);
      await workbench.waitForTreeRow('Sessions', row, `a Python request of ${bed.admin.name}`, 30_000);
      return (await workbench.treeRows('Sessions')).find(row)!;
    });
    assert.equal(request.level, 2, 'under the Running group');

    await workbench.step('Cancel Run from the command palette: the results panel says cancelled, and the Sessions view no longer lists the script', async () => {
      await workbench.pressInEditor('long-running.sql', 'End'); // the document to cancel is the active editor's
      await workbench.runCommand('SQL ML: Cancel Run');
      const { frame, shown } = await waitForResults(workbench, 'long-running.sql', (r) => r.status === 'cancelled', 'status cancelled', 30_000);
      assert.match(shown.summary, /cancelled/);
      // The cancel reads as on the embedded instance, not as the driver's code in place of a message number.
      const messages = (await frame.evaluate(() => document.body.textContent)) ?? '';
      assert.match(messages, /Msg 50000, Level 16, State 1[\s\S]*Query was cancelled by user\./);
      await workbench.focusView('SQL ML', 'Sessions');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === IDLE, 'no script running any more', 30_000);
    });
  },
);
