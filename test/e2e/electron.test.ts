// The extension-host tests (test/electron/suite.ts) in desktop VS Code, through @vscode/test-electron.
// They need a VS Code build: SQLML_VSCODE_EXECUTABLE, one already in the download cache, or a
// download from update.code.visualstudio.com; and an X display (DISPLAY, or Xvfb, which is started
// here). Where no VS Code build can be had the test is skipped and says exactly why — even where every
// test is otherwise required (test/support/requireOrSkip.ts), because the build comes from outside the
// npm registry and Debian, the sources CI installs from (the code-server tests run the same steps in a
// real VS Code workbench either way). Everything else it needs (root, the instance, an X display once a
// build is there) follows the rule: skipped locally, a failure where tests are required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';
import { cli, instanceSkip, TestInstance } from '../integration/instance/harness';
import { skipReason } from '../support/requireOrSkip';
import { REPO_ROOT } from './harness';

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? tmpdir(), '.cache'), 'sqlml-e2e', 'vscode-test');
const OUT = join(REPO_ROOT, 'test-results', 'electron');

/** A desktop VS Code to run, or why there is none. */
async function findVsCode(): Promise<{ path: string } | { reason: string }> {
  const given = process.env.SQLML_VSCODE_EXECUTABLE;
  // Asked for a build that isn't there: a broken set-up, so a failure rather than a skip.
  if (given && !existsSync(given)) throw new Error(`SQLML_VSCODE_EXECUTABLE is ${given}, which does not exist`);
  if (given) return { path: given };
  try {
    // Uses the cached build when there is one; else downloads (a few seconds' idle timeout).
    return { path: await downloadAndUnzipVSCode({ cachePath: CACHE, timeout: 15_000, reporter: new SilentReporter() }) };
  } catch (err) {
    return {
      reason: `no desktop VS Code build: none in ${CACHE} and the download failed (${err instanceof Error ? err.message : String(err)}); set SQLML_VSCODE_EXECUTABLE to a VS Code binary to run these tests`,
    };
  }
}

/** An X display for Electron: the one in DISPLAY, or an Xvfb started for the test. */
function findDisplay(): { display: string; xvfb?: ChildProcess } | { reason: string } {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY };
  if (spawnSync('sh', ['-c', 'command -v Xvfb']).status !== 0) return { reason: 'no X display for desktop VS Code: DISPLAY is not set and Xvfb is not installed (apt-get install xvfb)' };
  const display = `:${90 + (process.pid % 9)}`;
  return { display, xvfb: spawn('Xvfb', [display, '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' }) };
}

test('the extension-host tests in desktop VS Code (@vscode/test-electron)', { timeout: 600_000 }, async (t) => {
  const noInstance = instanceSkip();
  if (noInstance) return t.skip(noInstance);
  const vscode = await findVsCode();
  // The one skip not subject to the rule: see the top of the file.
  if ('reason' in vscode) return t.skip(vscode.reason);
  const screen = findDisplay();
  if ('reason' in screen) return t.skip(skipReason(screen.reason));

  const instance = new TestInstance('electron', 'sqlmlts');
  const root = mkdtempSync(join(tmpdir(), 'sqlml-electron-'));
  try {
    instance.create(2);
    assert.equal(cli(['instance', 'start', '--path', instance.path]).status, 0);
    const setup = join(instance.base, 'enable-scripts.sql');
    writeFileSync(setup, "EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\n");
    assert.equal(instance.run([setup]).status, 0);

    // The workspace: the code-server fixtures' files, pointed at this test's instance.
    const workspace = join(root, 'workspace');
    for (const fixture of ['run-views', 'python-error']) cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', fixture), workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'sqlml.instance.path': instance.path, 'sqlml.preflight.enabled': false }, null, 2));

    mkdirSync(OUT, { recursive: true });
    const suite = join(OUT, 'suite.js');
    await build({ entryPoints: [join(REPO_ROOT, 'test', 'electron', 'suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });

    process.env.DISPLAY = screen.display;
    const exitCode = await runTests({
      vscodeExecutablePath: vscode.path,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--no-sandbox', '--user-data-dir', join(root, 'user-data'), '--extensions-dir', join(root, 'extensions')],
    });
    assert.equal(exitCode, 0, 'the extension-host checks passed (their report is above)');
  } finally {
    if ('xvfb' in screen) screen.xvfb?.kill();
    rmSync(root, { recursive: true, force: true });
    await instance.teardown();
  }
});
