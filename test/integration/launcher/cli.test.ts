// `sqlml launcher provision|deprovision|status|exec`, run as a separate process (through
// cliEntry.ts, which dispatches exactly as server/src/cli.ts does): output formats and exit codes
// (0 success, 1 script failed, 2 bad usage), idempotent provisioning, and mode none's label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountsSkip, TestBed } from './harness';

const skip = accountsSkip();
const bed = new TestBed('cli');
const PREFIX = 'sqlmlth';
const files = join(bed.base, 'files');

function sqlml(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'cliEntry.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}

const pool = ['--prefix', PREFIX, '--workers', '2', '--root', bed.sessionsRoot];

before(async () => {
  if (skip) return;
  mkdirSync(files, { recursive: true });
  await bed.provision(PREFIX, 2);
});

after(async () => {
  if (skip) return;
  await bed.teardown();
});

test('provision is idempotent; deprovision removes the workers and the group; provision makes them again', { skip }, () => {
  const again = sqlml('provision', '--workers', '2', '--prefix', PREFIX);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`group ${PREFIX}users and workers ${PREFIX}01…${PREFIX}02 already exist`));
  const gone = sqlml('deprovision', '--prefix', PREFIX);
  assert.equal(gone.code, 0);
  assert.match(gone.stdout, new RegExp(`removed worker ${PREFIX}01\\nremoved worker ${PREFIX}02\\nremoved group ${PREFIX}users`));
  assert.equal(spawnSync('/usr/bin/id', [`${PREFIX}01`]).status, 1, 'the account is gone');
  assert.match(sqlml('deprovision', '--prefix', PREFIX).stdout, /no workers with prefix/);
  const made = sqlml('provision', '--workers', '2', '--prefix', PREFIX);
  assert.equal(made.code, 0);
  assert.match(made.stdout, new RegExp(`created group ${PREFIX}users\\ncreated worker ${PREFIX}01\\ncreated worker ${PREFIX}02`));
});

test('status prints the mode, the pools and how each limit is enforced', { skip }, () => {
  const text = sqlml('status', ...pool);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^mode: accounts\n/);
  assert.match(text.stdout, new RegExp(`pool default: 2 workers ${PREFIX}01…${PREFIX}02, network blocked`));
  assert.match(text.stdout, /MAX_MEMORY_PERCENT = 20: \d+ MiB, enforced by cgroup v[12] \(\/sys\/fs\/cgroup\/.*memory/);
  const json = JSON.parse(sqlml('status', ...pool, '--format', 'json').stdout) as { mode: string; pools: { workers: unknown[] }[] };
  assert.equal(json.mode, 'accounts');
  assert.equal(json.pools[0]!.workers.length, 2);
});

test('exec --format json: session, result sets, parameters and messages in the documented shape; exit 0', { skip }, () => {
  const script = file('ok.py', "print('hello')\nOutputDataSet = InputDataSet\n");
  const input = file('in.csv', 'id:int,name,when:datetime\n1,"Smith, J",2024-01-02 03:04:05\n2,,\n');
  const r = sqlml('exec', '--language', 'python', '--script', script, '--input', input, '--caller', 'carol', '--format', 'json', ...pool);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['session', 'resultSets', 'outputParams', 'messages']);
  assert.deepEqual(Object.keys(out.session), ['id', 'caller', 'worker', 'mode', 'state', 'exitCode', 'durationMs']);
  assert.equal(out.session.caller, 'carol');
  assert.equal(out.session.mode, 'accounts');
  assert.equal(out.session.state, 'succeeded');
  assert.equal(out.session.exitCode, 0);
  assert.deepEqual(out.resultSets, [
    {
      columns: [{ name: 'id', type: 'int' }, { name: 'name', type: 'nvarchar(max)' }, { name: 'when', type: 'datetime' }],
      rows: [[1, 'Smith, J', '2024-01-02T03:04:05.000Z'], [2, null, null]],
    },
  ]);
  assert.deepEqual(out.messages, [{ kind: 'stdout', number: null, text: 'STDOUT message(s) from external script:\nhello', line: null }]);
});

test('exec: a failing script exits 1 with Msg 39004/39019 and its line; text output streams messages', { skip }, () => {
  const script = file('bad.R', 'x <- 1\nstop("nope")\n');
  const json = sqlml('exec', '--language', 'r', '--script', script, '--format', 'json', ...pool);
  assert.equal(json.code, 1);
  const out = JSON.parse(json.stdout);
  assert.equal(out.session.state, 'failed');
  assert.deepEqual(out.messages.map((m: { number: number; line: number }) => [m.number, m.line]), [[39004, 2], [39019, 2]]);
  const text = sqlml('exec', '--language', 'r', '--script', script, ...pool);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^Msg 39004, Level 16, script line 2\nA 'R' script error occurred/m);
  assert.match(text.stdout, /session [0-9A-F-]{36}: failed on worker sqlmlth0[12] \(accounts\)/);
});

test('exec: bad usage exits 2 and says why', { skip }, () => {
  const script = file('noop.py', 'pass\n');
  for (const [args, why] of [
    [['--script', script], /--language must be python or r/],
    [['--language', 'python'], /--script FILE is required/],
    [['--language', 'java', '--script', script], /--language must be python or r/],
    [['--language', 'python', '--script', script, '--bogus', 'x'], /unknown option --bogus/],
    [['--language', 'python', '--script', join(files, 'missing.py')], /cannot read --script/],
    [['--language', 'python', '--script', script, '--input', file('bad.csv', 'a:int\nx\n')], /not a number/],
  ] as const) {
    const r = sqlml('exec', ...args, ...pool);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why);
  }
  assert.equal(sqlml('frobnicate').code, 2);
});

test('mode none runs unisolated, says so wherever it shows, and still passes only the allow-listed environment', { skip }, () => {
  const script = file('env.py', 'import os\nprint(",".join(sorted(os.environ)))\n');
  const root = ['--root', join(bed.base, 'none-sessions'), '--prefix', PREFIX, '--workers', '2', '--mode', 'none'];
  const text = sqlml('exec', '--language', 'python', '--script', script, ...root);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /\(none, UNISOLATED\)/);
  assert.match(text.stdout, /^GLIBC_TUNABLES,HOME,LANG,LOGNAME,PATH,(PWD,)?SQLML_SESSION_ID,TMPDIR,TZ,USER$/m);
  assert.match(sqlml('status', ...root).stdout, /^mode: none \(UNISOLATED/);
  assert.equal(JSON.parse(sqlml('status', ...root, '--format', 'json').stdout).unisolated, true);
});
