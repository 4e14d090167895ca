// Shared set-up for the launcher's integration tests: real worker accounts, real bubblewrap,
// real cgroups, real python3 and Rscript. Each test file works under its own sessions root,
// cgroup folder and worker prefix, and removes all of it (accounts included) when it ends.
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolLimits, PoolSettings } from '../../../server/src/core/launcher/pools';
import type { LaunchRequest } from '../../../server/src/core/launcher/request';
import type { LaunchResult } from '../../../server/src/core/launcher/result';
import { deprovision, provision } from '../../../server/src/node/launcher/accounts';
import { selectCgroupDriver } from '../../../server/src/node/launcher/cgroups/select';
import { Launcher } from '../../../server/src/node/launcher/launcher';
import type { LaunchOptions } from '../../../server/src/node/launcher/session';
import type { WarmView } from '../../../server/src/node/launcher/warmSatellites';
import type { LauncherSettings } from '../../../server/src/node/launcher/settings';
import { currentMounts } from '../../../server/src/node/launcher/mounts';
import { listProcesses, processInfo } from '../../../server/src/node/launcher/procfs';
import { skipReason } from '../../support/requireOrSkip';

export const PYTHON = '/usr/bin/python3';
export const RSCRIPT = '/usr/bin/Rscript';

function missing(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * Why the accounts-mode tests cannot run here, or undefined when they can; a failure instead of a reason where
 * every test is required (test/support/requireOrSkip.ts).
 */
export function accountsSkip(): string | undefined {
  return skipReason(accountsMissing());
}

function accountsMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: the tests create worker accounts, cgroups and tmpfs mounts';
  if (missing('/usr/bin/bwrap')) return 'needs bubblewrap (apt-get install bubblewrap)';
  const selected = selectCgroupDriver('sqlml-probe');
  if (!selected.ok) return `needs a cgroup hierarchy with cpu, memory and pids: ${selected.reason}`;
  if (spawnSync('/usr/bin/unshare', ['--user', '/bin/true']).status !== 0) return 'needs unprivileged user namespaces (user.max_user_namespaces)';
  if (spawnSync(PYTHON, ['-I', '-c', 'import pandas']).status !== 0) return `needs ${PYTHON} with pandas (apt-get install python3-pandas)`;
  return undefined;
}

/** Why the R tests cannot run here (under the same rule as accountsSkip). */
export function rSkip(): string | undefined {
  return skipReason(missing(RSCRIPT) ? `needs ${RSCRIPT} (apt-get install r-base-core)` : undefined);
}

/**
 * SQLML_TEST_WARM=1 runs the suite against warm satellites (one of each language per worker), so
 * that every isolation guarantee is checked for them as it is for cold ones.
 */
export const WARM = process.env.SQLML_TEST_WARM === '1';

export function pool(prefix: string, size: number, limits: Partial<PoolLimits> = {}, extra: Partial<PoolSettings> = {}): PoolSettings {
  return {
    name: 'default',
    prefix,
    size,
    limits: { maxCpuPercent: 100, maxMemoryPercent: 0, maxProcesses: 0, ...limits },
    allowNetwork: false,
    ...(WARM ? { warm: { python: size, r: size, memoryMiB: 4096 } } : {}),
    ...extra,
  };
}

/** A test file's own corner of the machine: sessions root, cgroup folder, worker accounts. */
export class TestBed {
  readonly base: string;
  readonly sessionsRoot: string;
  readonly cgroupName: string;
  private readonly prefixes = new Set<string>();
  private readonly launchers = new Set<Launcher>();

  constructor(readonly tag: string) {
    this.base = `/var/lib/sqlml-test-${tag}`;
    this.sessionsRoot = join(this.base, 'sessions');
    this.cgroupName = `sqlml-test-${tag}`;
  }

  async provision(prefix: string, size: number): Promise<void> {
    this.prefixes.add(prefix);
    const report = await provision(prefix, size);
    assert.ok(report.ok, report.lines.join('\n'));
  }

  settings(patch: Partial<LauncherSettings>): Partial<LauncherSettings> {
    return { sessionsRoot: this.sessionsRoot, cgroupName: this.cgroupName, pythonPath: PYTHON, rscriptPath: RSCRIPT, ...patch };
  }

  async start(patch: Partial<LauncherSettings>): Promise<Launcher> {
    const started = await Launcher.start(this.settings(patch));
    assert.ok(started.ok, started.ok ? '' : started.problems.join('\n'));
    this.launchers.add(started.launcher);
    liveLaunchers.add(started.launcher);
    return started.launcher;
  }

  async stop(launcher: Launcher): Promise<void> {
    await launcher.close();
    this.launchers.delete(launcher);
    liveLaunchers.delete(launcher);
  }

  async teardown(): Promise<void> {
    for (const launcher of this.launchers) {
      await launcher.close();
      liveLaunchers.delete(launcher);
    }
    for (const mount of currentMounts().filter((m) => m.mountPoint.startsWith(`${this.base}/`))) spawnSync('/bin/umount', [mount.mountPoint]);
    spawnSync('/bin/rm', ['-rf', '--one-file-system', this.base]);
    for (const prefix of this.prefixes) {
      const report = await deprovision(prefix);
      assert.ok(report.ok, report.lines.join('\n'));
    }
    for (const controller of ['pids', 'memory', 'cpu', 'cpuacct', 'freezer']) {
      const dir = `/sys/fs/cgroup/${controller}/${this.cgroupName}`;
      if (existsSync(dir)) spawnSync('/bin/sh', ['-c', 'rmdir "$1"/*/* "$1"/* "$1" 2>/dev/null; true', 'rm', dir]);
    }
  }
}

export async function run(launcher: Launcher, request: Partial<LaunchRequest> & { script: string }, options: LaunchOptions = {}): Promise<LaunchResult> {
  const outcome = await launcher.launch({ caller: 'tester', database: 'testdb', language: 'python', ...request }, options);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
  return outcome.result;
}

/** The text the script printed on a stream, prefixes removed. */
export function printed(result: LaunchResult, kind: 'stdout' | 'stderr' = 'stdout'): string {
  return result.messages
    .filter((m) => m.kind === kind)
    .map((m) => m.text.slice(m.text.indexOf('\n') + 1))
    .join('\n');
}

export function errors(result: LaunchResult): string {
  return result.messages
    .filter((m) => m.kind === 'error')
    .map((m) => `${m.number ?? '-'}: ${m.text}`)
    .join('\n');
}

/** The first result set as objects keyed by column name. */
export function records(result: LaunchResult): Record<string, unknown>[] {
  const set = result.resultSets[0];
  if (!set) return [];
  return set.rows.map((row) => Object.fromEntries(set.columns.map((c, i) => [c.name, row[i]])));
}

/**
 * A Python prelude for escape attempts: attempt(name, fn) records ok or the errno name; the
 * script ends with `report()`, which returns the attempts as the output data set.
 */
export const PROBE = `
import ctypes, errno, os, socket
libc = ctypes.CDLL(None, use_errno=True)
results = []
def attempt(name, fn):
    try:
        detail = fn()
        results.append((name, 'ok', '' if detail is None else str(detail)))
    except OSError as e:
        results.append((name, errno.errorcode.get(e.errno, str(e.errno)), str(e)))
    except Exception as e:
        results.append((name, type(e).__name__, str(e)))
def checked(ret):
    if ret == -1:
        n = ctypes.get_errno()
        raise OSError(n, os.strerror(n))
    return ret
def read(path):
    with open(path, 'rb') as f:
        return len(f.read())
def write(path):
    with open(path, 'w') as f:
        f.write('x')
def connect(family, address):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect(address)
    finally:
        s.close()
def report():
    return pandas.DataFrame(results, columns=['test', 'outcome', 'detail'])
`;

/** Attempt outcomes by name: 'ok' or an errno name such as 'ENOENT'. */
export function outcomes(result: LaunchResult): Map<string, string> {
  return new Map(records(result).map((r) => [String(r.test), String(r.outcome)]));
}

/**
 * Live processes of the given uids. Zombies are left out: a finished sandbox's init is often a
 * zombie re-parented to PID 1 for a moment (bubblewrap's monitor exits before reaping it).
 */
/**
 * With warm satellites, waits until every pool of the launcher holds all the warm Python
 * satellites it keeps (so that which worker a session gets is what the test expects: the first
 * free one) and none is starting; a pool whose memory holds some back (heldBack) keeps fewer.
 * Without them, returns at once.
 */
export async function settleWarm(launcher: Launcher, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const settled = (w: WarmView) => w.python.starting + w.r.starting === 0 && (w.python.ready >= w.python.target || w.heldBack !== undefined);
  while (!launcher.pools().every((p) => settled(p.warm))) {
    assert.ok(Date.now() < deadline, `the warm satellites did not settle in time: ${JSON.stringify(launcher.pools().map((p) => p.warm))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Launchers of the running test file: their warm satellites are no session's processes. */
const liveLaunchers = new Set<Launcher>();

/**
 * The live processes of these workers, without those of warm satellites that wait for a session
 * (they serve nobody yet; a satellite claimed by a session counts from the claim on).
 */
export function workerProcesses(uids: number[]): number[] {
  const all = listProcesses();
  const waiting = new Set<number>();
  let frontier = [...liveLaunchers].flatMap((l) => l.waitingWarm().flatMap((w) => (w.pid === undefined ? [] : [w.pid])));
  while (frontier.length > 0) {
    frontier.forEach((pid) => waiting.add(pid));
    frontier = all.filter((p) => waiting.has(p.ppid) && !waiting.has(p.pid)).map((p) => p.pid);
  }
  return all.filter((p) => uids.includes(p.uid) && p.state !== 'Z' && !waiting.has(p.pid)).map((p) => p.pid);
}

/** A process as a failure message names it: its state, parent and command line (or that it is gone). */
export function describeProcess(pid: number): string {
  const info = processInfo(pid);
  if (!info) return `${pid} (gone)`;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
  } catch {
    command = '(command line unreadable)';
  }
  return `${pid} [state ${info.state}, parent ${info.ppid}] ${command}`;
}

export function mountsUnder(dir: string): string[] {
  return currentMounts()
    .map((m) => m.mountPoint)
    .filter((p) => p.startsWith(`${dir}/`));
}

/** The GUIDs of warm satellites waiting for a session: their folders and cgroups are no session's. */
function waitingIds(): Set<string> {
  return new Set([...liveLaunchers].flatMap((l) => l.waitingWarm().map((w) => w.id)));
}

/** Session folders under the root (a waiting warm satellite's is none). */
export function sessionFoldersUnder(root: string): string[] {
  const waiting = waitingIds();
  const out: string[] = [];
  for (const worker of existsSync(root) ? readdirSync(root) : []) {
    const dir = join(root, worker);
    try {
      for (const session of readdirSync(dir)) if (!waiting.has(session)) out.push(join(dir, session));
    } catch {
      // The lock file, not a worker folder.
    }
  }
  return out;
}

/** Session cgroups left under the launcher's cgroup folder (v1: in the pids hierarchy; v2: unified), a waiting warm satellite's aside. */
export function cgroupSessionsUnder(cgroupName: string): string[] {
  const waiting = waitingIds();
  const out: string[] = [];
  for (const base of [`/sys/fs/cgroup/pids/${cgroupName}`, `/sys/fs/cgroup/${cgroupName}`]) {
    for (const pool of existsSync(base) ? readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()) : []) {
      for (const s of readdirSync(join(base, pool.name), { withFileTypes: true })) if (s.isDirectory() && !waiting.has(s.name)) out.push(join(base, pool.name, s.name));
    }
  }
  return out;
}

/** The uid of a worker account. */
export function uidOf(name: string): number {
  return Number(execFileSync('/usr/bin/id', ['-u', name], { encoding: 'utf8' }).trim());
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs runOnce.ts (a launcher serving one job) as an unprivileged OS user, for namespaces mode;
 * `onLine` sees each JSON line it prints as it comes, and the promise resolves with all of them.
 */
export function runOnceAs<L>(user: { uid: number; gid: number; home: string }, job: unknown, onLine: (line: L) => void = () => {}): Promise<L[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'runOnce.ts'), JSON.stringify(job)], {
    uid: user.uid,
    gid: user.gid,
    env: { PATH: '/usr/bin:/bin', HOME: user.home },
    // --import tsx resolves from the working directory: the repository's.
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const lines: L[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as L;
    lines.push(line);
    onLine(line);
  });
  return new Promise((resolve, reject) => {
    child.on('close', () => (lines.length > 0 ? resolve(lines) : reject(new Error(`no output from the launcher: ${stderr}`))));
  });
}
