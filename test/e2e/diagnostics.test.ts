// The extension in a real VS Code workbench: a Python error inside @script appears in the Problems panel at its
// place in the .sql file, leads the editor there, and goes away when it is fixed in the editor.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTest, REPO_ROOT } from './harness';

const FILE = 'score-rows.sql';
// Where the fixture's error is, 1-based (see the comment at the top of the fixture): the tuple opened on line 11.
const ERROR_AT = { line: 11, column: 11, code: 'SQLML200' };

e2eTest(
  'a Python syntax error inside @script is shown in the Problems panel at its .sql line and column',
  { fixture: 'python-error' },
  async ({ workbench }) => {
    assert.deepEqual(cliDiagnostics(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'python-error', FILE)), [ERROR_AT], 'the fixture as `sqlml check` sees it');

    await workbench.step('workbench with the fixture folder', async () => undefined);
    await workbench.step(`open ${FILE} with Quick Open`, () => workbench.openFile(FILE));
    const problem = await workbench.step('the Problems panel lists the Python error', async () => {
      await workbench.showProblems();
      return workbench.waitForProblem((p) => p.code === ERROR_AT.code, `${ERROR_AT.code} in ${FILE}`);
    });
    assert.equal(problem.file, FILE);
    assert.equal(problem.severity, 'error');
    assert.equal(problem.source, 'python');
    assert.match(problem.message, /SyntaxError: '\(' was never closed/);
    assert.deepEqual({ line: problem.line, column: problem.column }, { line: ERROR_AT.line, column: ERROR_AT.column });
    assert.equal((await workbench.problems()).length, 1, 'only the one problem');
    const servers = languageServerEnvironments();
    assert.equal(servers.length, 1, 'one language server runs');
    assert.match(servers[0]!.get('GLIBC_TUNABLES') ?? '', /(^|:)glibc\.malloc\.hugetlb=1$/, 'the server was started with its malloc on huge pages');

    await workbench.step('clicking the problem selects the unclosed parenthesis in the editor', async () => {
      await workbench.openProblem(problem);
      // The diagnostic's range is the "(" alone: selected from column 11, the cursor after it.
      await workbench.waitForCursor(ERROR_AT.line, ERROR_AT.column + 1, 1);
    });

    await workbench.step('closing the tuple in the editor clears the problem', async () => {
      await workbench.goToLine(ERROR_AT.line, 'weights = (1,'.length + 1);
      await workbench.page.keyboard.type(')');
      await workbench.waitForNoProblems((p) => p.code === ERROR_AT.code, `no ${ERROR_AT.code}`);
    });
  },
);

/** The CLI's diagnostics for one file, 1-based like the Problems panel. */
function cliDiagnostics(file: string): { line: number; column: number; code: string }[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [join(REPO_ROOT, 'server', 'dist', 'cli.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (error) {
    stdout = (error as { stdout: string }).stdout; // exit status 1: the file has errors
  }
  const report = JSON.parse(stdout) as { files: { diagnostics: { code: string; range: { start: { line: number; character: number } } }[] }[] };
  return report.files.flatMap((f) => f.diagnostics).map((d) => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, code: d.code }));
}

/** The environment of each running sqlml language server (the extension's server/dist/main.js over IPC). */
function languageServerEnvironments(): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!argv.some((a) => a.endsWith(join('server', 'dist', 'main.js'))) || !argv.includes('--node-ipc')) continue;
      const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      found.push(new Map(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])));
    } catch {
      // The process ended while it was read.
    }
  }
  return found;
}
