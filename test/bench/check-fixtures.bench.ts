// `sqlml check` as a user runs it (issue 14's figures): the real CLI, with the real Python and R
// checkers, over the project's real-world-shaped .sql files (the diagnostics fixtures — templates,
// broken code, OUTPUT variables, cascades —, the examples and the end-to-end fixtures). It prints
// the findings by severity and code, then the time for those files and for 150 files made of them,
// beside the CLI's own start-up (`sqlml --version`) measured in the same run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ms, time } from './stats';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const RUNS = 5;

interface CheckOutput {
  files: { path: string; diagnostics: { code: string; severity: string }[] }[];
}

function check(files: string[]): CheckOutput {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // 0: no errors, 1: errors found; anything else is the bench's failure, not a figure.
  if (r.status !== 0 && r.status !== 1) throw new Error(`sqlml check exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CheckOutput;
}

const files = spawnSync('git', ['ls-files', 'test/fixtures/diagnostics/*.sql', 'examples/*.sql', 'test/e2e/fixtures/*.sql'], { cwd: ROOT, encoding: 'utf8' })
  .stdout.split('\n')
  .filter((f) => f.endsWith('.sql'));

const output = check(files);
const bySeverity = new Map<string, Map<string, number>>();
for (const file of output.files) {
  for (const d of file.diagnostics) {
    const codes = bySeverity.get(d.severity) ?? new Map<string, number>();
    bySeverity.set(d.severity, codes);
    codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
  }
}
let calls = 0;
for (const f of files) calls += (readFileSync(join(ROOT, f), 'utf8').match(/sp_execute_external_script/gi) ?? []).length;

console.log(`sqlml check over ${files.length} real-world-shaped files (${calls} mentions of sp_execute_external_script)`);
for (const severity of ['error', 'warning', 'information', 'hint']) {
  const codes = bySeverity.get(severity);
  if (!codes) continue;
  const total = [...codes.values()].reduce((a, b) => a + b, 0);
  const list = [...codes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => `${c} ${n}`);
  console.log(`  ${severity}: ${total} (${list.join(', ')})`);
}

// 150 files: the same files again under other names. The T-SQL of each is analysed anew; the R and
// Python of a script seen before is answered from the checker's cache (keyed by the script's text),
// as it would be in a folder of similar files, so the figure is printed as such.
async function timings(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'sqlml-check-bench-'));
  try {
    const many: string[] = [];
    for (let k = 0; many.length < 150; k++) {
      const target = join(scratch, `file-${String(many.length).padStart(3, '0')}.sql`);
      copyFileSync(join(ROOT, files[k % files.length]!), target);
      many.push(target);
    }
    const startup = median(await time(() => spawnSync(process.execPath, [CLI, '--version']), RUNS, 1));
    const few = median(await time(() => check(files), RUNS, 1));
    const all = median(await time(() => check(many), RUNS, 1));
    console.log(`  start-up (sqlml --version): ${ms(startup)}`);
    console.log(`  ${files.length} files: ${ms(few)}`);
    console.log(`  150 files (copies; repeated scripts from the checker's cache): ${ms(all)} (${((all - startup) / 150).toFixed(1)} ms a file past start-up; ${(all / few).toFixed(2)}x the ${files.length} files)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

void timings();
