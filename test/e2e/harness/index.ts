// One end-to-end test = a fresh code-server with the sqlml extension installed, a temporary copy of a fixture
// folder as its workspace, and headless Chromium driving the workbench. Everything is torn down when the test
// ends, fails or times out. Without the tools (scripts/e2e-setup.sh not run) the test is reported as skipped
// with the reason, or fails where every test is required (test/support/requireOrSkip.ts).
import { test, type TestContext } from 'node:test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CodeServer, vsixProblem } from './codeServer';
import { skipReason } from '../../support/requireOrSkip';
import { locateTools, REPO_ROOT, type E2eTools } from './tools';
import { seconds, slug, Workbench } from './workbench';

export { Workbench, type Problem, type TreeRow } from './workbench';
export { REPO_ROOT } from './tools';

export interface E2eOptions {
  /** A folder under test/e2e/fixtures, copied to a temporary folder that becomes the workspace. */
  fixture: string;
  /** The whole test, start-up included (default 5 minutes: a cold start on a busy 2-core machine is slow). */
  timeoutMs?: number;
  /** Why the test can't run here besides the tools (it needs root, say), already through skipReason. */
  skip?: string;
  /** Added to code-server's environment, which the extension inherits (a password a connection profile names, say). */
  env?: Record<string, string>;
  /**
   * The workspace's .vscode/settings.json, written into the fixture's copy before code-server starts: for values
   * known only once the test's `before` has run (an instance's port, say).
   */
  settings?: () => Record<string, unknown>;
}

export interface E2eContext {
  workbench: Workbench;
  /** The temporary workspace folder (the fixture's copy). */
  workspace: string;
  /** test-results/e2e/<test>/ */
  outDir: string;
  test: TestContext;
}

const FIXTURES = join(REPO_ROOT, 'test', 'e2e', 'fixtures');
export const RESULTS = join(REPO_ROOT, 'test-results', 'e2e');

/** Declares an end-to-end test (node:test `test`) that runs `body` against a live workbench. */
export function e2eTest(name: string, options: E2eOptions, body: (context: E2eContext) => Promise<void>): void {
  const lookup = locateTools();
  const skip = options.skip ?? skipReason(lookup.ok ? undefined : lookup.reason);
  test(name, { skip, timeout: options.timeoutMs ?? 300_000 }, async (t) => {
    // Unreachable without the tools (skipped above, or skipReason threw); narrows lookup for TypeScript.
    if (!lookup.ok) throw new Error(lookup.reason);
    await runSession(lookup.tools, name, options, t, body);
  });
}

async function runSession(
  tools: E2eTools,
  name: string,
  options: E2eOptions,
  t: TestContext,
  body: (context: E2eContext) => Promise<void>,
): Promise<void> {
  const packaged = vsixProblem();
  if (packaged) throw new Error(packaged);
  const fixture = join(FIXTURES, options.fixture);
  if (!existsSync(fixture)) throw new Error(`no fixture folder ${fixture}`);

  const outDir = join(RESULTS, slug(name));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'sqlml-e2e-'));
  const workspace = join(root, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  if (options.settings) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(options.settings(), null, 2));
  }

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workbench: Workbench | undefined;
  let tornDown: Promise<void> | undefined;
  const teardown = () =>
    (tornDown ??= (async () => {
      await workbench?.close();
      await browser?.close().catch(() => undefined);
      await server?.stop();
      if (server) cpSyncQuiet(join(root, 'server', 'code-server.log'), join(outDir, 'code-server.log'));
      copyExtensionLogs(join(root, 'server', 'user-data'), outDir);
      if (process.env.SQLML_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
    })());
  // A timed-out test's function is abandoned, not unwound: tear down on the abort too. (node:test also aborts the
  // signal of a test that has ended, by which time the finally block below has torn down.)
  const onAbort = async () => {
    if (tornDown) return;
    await workbench?.screenshot('last-FAILED.png').catch(() => undefined);
    await teardown();
  };
  t.signal.addEventListener('abort', () => void onAbort(), { once: true });

  const startup: string[] = [];
  const timed = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await action();
    startup.push(`${what} ${seconds(Date.now() - started)}`);
    return result;
  };
  try {
    server = await timed('code-server', () => CodeServer.start(tools, join(root, 'server'), workspace, options.env));
    browser = await timed('Chromium', () => chromium.launch({
      executablePath: tools.chromium,
      // Chromium's own connections (updates, sync, QUIC) are refused here and only slow it down.
      args: ['--disable-gpu', '--disable-quic', '--disable-dev-shm-usage', '--disable-background-networking'],
      // Else it keeps crash reports in ~/.config/chromium.
      env: { ...process.env, XDG_CONFIG_HOME: join(root, 'chromium', 'config'), XDG_CACHE_HOME: join(root, 'chromium', 'cache') },
      timeout: 60_000,
    }));
    const page = (workbench = await Workbench.create(browser, outDir));
    await timed('workbench', () => page.load(server!.url, workspace));
    await body({ workbench, workspace, outDir, test: t });
    const summary = `start-up: ${startup.join(', ')}; steps: ${workbench.timings.join(', ')}`;
    t.diagnostic(summary);
    writeFileSync(join(outDir, 'timings.txt'), summary + '\n');
  } catch (error) {
    await workbench?.screenshot('last-FAILED.png').catch(() => undefined);
    throw error;
  } finally {
    await teardown();
  }
}

function cpSyncQuiet(from: string, to: string): void {
  try {
    cpSync(from, to, { recursive: true });
  } catch {
    // nothing to copy
  }
}

/** The VS Code server's logs (extension host, our language client's output channel), kept next to the screenshots. */
function copyExtensionLogs(userData: string, outDir: string): void {
  const logs = join(userData, 'logs');
  if (existsSync(logs)) cpSyncQuiet(logs, join(outDir, 'vscode-logs'));
}
