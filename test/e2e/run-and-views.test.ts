// Running from a real VS Code: Run Script from the command palette shows the rows in the results
// panel; the session appears in the Sessions view and the pool's worker is free again in the Pools
// view; a long script is cancelled from the Sessions view's inline action. The workspace points
// sqlml.instance.path at an instance of its own under /var/lib/sqlml-test-e2e (own worker
// accounts, prefix sqlmltv), created and started here and removed at the end.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { cli, instanceSkip, TestInstance } from '../integration/instance/harness';
import { e2eTest, type Workbench } from './harness';
import { waitForResults } from './harness/resultsPage';

const skip = instanceSkip();
const instance = new TestInstance('e2e', 'sqlmltv');
const WORKERS = 2;

before(() => {
  if (skip) return;
  instance.create(WORKERS);
  const started = cli(['instance', 'start', '--path', instance.path]);
  assert.equal(started.status, 0, started.stderr);
  const setup = join(instance.base, 'enable-scripts.sql');
  writeFileSync(setup, "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
  const enabled = instance.run([setup]);
  assert.equal(enabled.status, 0, enabled.stdout + enabled.stderr);
});

after(async () => {
  if (!skip) await instance.teardown();
});

/** Waits until the results panel of `file` shows a run in `status`. */
const resultsIn = async (workbench: Workbench, file: string, status: string, timeoutMs?: number) =>
  (await waitForResults(workbench, file, (shown) => shown.status === status && (status !== 'succeeded' || shown.grids.every((g) => g.rows.length > 0)), `status ${status}`, timeoutMs)).shown;

const workersFree = (workbench: Workbench) =>
  workbench.waitForTreeRow(
    'Pools',
    (_row, rows) => {
      const workers = rows.filter((r) => /^sqlmltv\d\d$/.test(r.label));
      return workers.length === WORKERS && workers.every((w) => w.description === 'free');
    },
    `workers sqlmltv01…0${WORKERS}, all free`,
  );

e2eTest(
  'Run Script shows the rows, the session appears in the Sessions view, and a long script is cancelled from it',
  { fixture: 'run-views', skip, timeoutMs: 420_000 },
  async ({ workbench }) => {
    await workbench.step('open squares.sql', () => workbench.openFile('squares.sql'));

    const shown = await workbench.step('Run Script from the command palette shows the rows', async () => {
      await workbench.runCommand('SQL ML: Run Script');
      return resultsIn(workbench, 'squares.sql', 'succeeded');
    });
    assert.deepEqual(
      shown.grids.map((g) => ({ columns: g.columns, rows: g.rows.map((r) => [r.number, ...r.cells]) })),
      [
        {
          columns: ['n', 'square'],
          rows: [
            [1, '1', '1'],
            [2, '2', '4'],
            [3, '3', '9'],
          ],
        },
      ],
    );
    assert.match(shown.summary, /1 result set \(3 rows\)/);
    assert.match(shown.summary, /session [0-9A-F]{8}: python on sqlmltv0\d, succeeded/);
    const sessionId = /session ([0-9A-F]{8})/.exec(shown.summary)![1]!;

    await workbench.step('the session is in the Sessions view, succeeded', async () => {
      await workbench.focusView('SQL ML', 'Sessions');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === `${sessionId} Python · root` && r.description.startsWith('succeeded · sqlmltv0'), `session ${sessionId} succeeded`);
    });

    await workbench.step('the Pools view shows the workers free again', async () => {
      await workbench.focusView('SQL ML', 'Pools');
      await workbench.waitForTreeRow('Pools', (r) => r.label === 'default' && r.description.includes(`${WORKERS} workers`) && r.description.includes('accounts'), 'the default pool');
      await workersFree(workbench);
    });

    await workbench.step('open long-running.sql and run it', async () => {
      await workbench.openFile('long-running.sql');
      await workbench.runCommand('SQL ML: Run Script');
      await resultsIn(workbench, 'long-running.sql', 'running');
    });

    const running = await workbench.step('the Sessions view shows it running, and the Pools view its busy worker', async () => {
      await workbench.focusView('SQL ML', 'Pools');
      await workbench.waitForTreeRow('Pools', (r) => /^sqlmltv\d\d$/.test(r.label) && r.description.startsWith('busy · root'), 'a worker busy for root');
      await workbench.focusView('SQL ML', 'Sessions');
      return workbench.waitForTreeRow('Sessions', (r) => r.label.endsWith('Python · root') && r.description.startsWith('running'), 'a running session');
    });

    await workbench.step('Cancel Session from the row: the session is cancelled and so is the run', async () => {
      await workbench.clickRowAction(running, 'Cancel Session');
      await workbench.waitForTreeRow('Sessions', (r) => r.label.endsWith('Python · root') && r.description.startsWith('cancelled'), 'the session cancelled', 30_000);
      const cancelled = await resultsIn(workbench, 'long-running.sql', 'cancelled', 30_000);
      assert.match(cancelled.summary, /cancelled/);
    });

    await workbench.step('the worker is free again', async () => {
      await workbench.focusView('SQL ML', 'Pools');
      await workersFree(workbench);
    });

    const sessionRows = async () => (await workbench.treeRows('Sessions')).filter((r) => r.label.endsWith('Python · root'));
    const first = await workbench.step('long-running.sql runs again', async () => {
      await workbench.focusView('SQL ML', 'Sessions');
      const before = new Set((await sessionRows()).map((r) => r.label));
      await workbench.runCommand('SQL ML: Run Script');
      await resultsIn(workbench, 'long-running.sql', 'running');
      await workbench.waitForTreeRow('Sessions', (r) => r.label.endsWith('Python · root') && !before.has(r.label) && r.description.startsWith('running'), 'the new session running');
      return (await sessionRows()).find((r) => !before.has(r.label))!.label;
    });

    const second = await workbench.step('Run Script on the running document asks first; "Cancel It and Run" cancels that run and starts another', async () => {
      await workbench.runCommand('SQL ML: Run Script');
      await workbench.answerDialog(/long-running\.sql is already running/, 'Cancel It and Run');
      await workbench.waitForTreeRow('Sessions', (r) => r.label === first && r.description.startsWith('cancelled'), `session ${first} cancelled`, 30_000);
      await workbench.waitForTreeRow('Sessions', (r) => r.label.endsWith('Python · root') && r.label !== first && r.description.startsWith('running'), 'another session running', 30_000);
      // The panel belongs to the new run: the cancelled one does not put its outcome over it.
      const shown = await resultsIn(workbench, 'long-running.sql', 'running');
      assert.equal(shown.status, 'running');
      return (await sessionRows()).find((r) => r.description.startsWith('running'))!.label;
    });

    await workbench.step('Alt+PauseBreak in the editor cancels the run, as in SSMS', async () => {
      await workbench.pressInEditor('long-running.sql', 'Alt+Pause');
      const cancelled = await resultsIn(workbench, 'long-running.sql', 'cancelled', 30_000);
      assert.match(cancelled.summary, /cancelled/);
      await workbench.waitForTreeRow('Sessions', (r) => r.label === second && r.description.startsWith('cancelled'), `session ${second} cancelled`, 30_000);
    });

    await workbench.step('both workers are free again', async () => {
      await workbench.focusView('SQL ML', 'Pools');
      await workersFree(workbench);
    });
  },
);
