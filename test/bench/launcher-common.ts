// Shared by the launcher benchmarks: a launcher in accounts mode with its own worker accounts
// and sessions root (removed afterwards), the bare-runtime baseline, and the statistics printed.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { deprovision, provision } from '../../server/src/node/launcher/accounts';
import { Launcher } from '../../server/src/node/launcher/launcher';
import { listProcesses, residentBytesOfTree } from '../../server/src/node/launcher/procfs';
import type { WarmSettings } from '../../server/src/core/launcher/pools';
import type { LaunchRequest, ScriptLanguage } from '../../server/src/core/launcher/request';
import type { LaunchResult } from '../../server/src/core/launcher/result';

export const PYTHON = '/usr/bin/python3';
export const RSCRIPT = '/usr/bin/Rscript';
const PREFIX = 'sqlmlbench';
const BASE = '/var/lib/sqlml-bench';

/** Runs body with a started launcher of `workers` workers; everything is removed afterwards. */
export async function withLauncher(workers: number, body: (launcher: Launcher) => Promise<void>, warm?: WarmSettings): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: the launcher benchmarks run in accounts mode, which needs root');
    return;
  }
  const made = await provision(PREFIX, workers);
  if (!made.ok) throw new Error(made.lines.join('\n'));
  const started = await Launcher.start({
    sessionsRoot: `${BASE}/sessions`,
    pythonPath: PYTHON,
    rscriptPath: RSCRIPT,
    pools: [{ name: 'default', prefix: PREFIX, size: workers, limits: { maxCpuPercent: 100, maxMemoryPercent: 0, maxProcesses: 0 }, allowNetwork: false, ...(warm ? { warm } : {}) }],
  });
  try {
    if (!started.ok) throw new Error(started.problems.join('\n'));
    console.log(`machine: ${availableParallelism()} CPUs, Node ${process.version}, mode ${started.launcher.mode}`);
    await body(started.launcher);
  } finally {
    if (started.ok) await started.launcher.close();
    spawnSync('/bin/rm', ['-rf', '--one-file-system', BASE]);
    await deprovision(PREFIX);
  }
}

export async function session(launcher: Launcher, request: Partial<LaunchRequest> & { script: string }): Promise<LaunchResult> {
  const outcome = await launcher.launch({ caller: 'bench', database: 'bench', language: 'python', ...request });
  if (!outcome.ok) throw new Error(outcome.error.message);
  if (outcome.result.session.state !== 'succeeded') throw new Error(JSON.stringify(outcome.result.messages));
  return outcome.result;
}

/** Waits until the pool holds `count` ready warm satellites of the language (a steady state to measure in). */
export async function warmReady(launcher: Launcher, language: ScriptLanguage, count: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (launcher.pools()[0]!.warm[language].ready < count) {
    if (Date.now() > deadline) throw new Error(`${count} warm ${language} satellites were not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What the launcher's idle warm satellites hold, for the report: as their pool is charged
 * (anonymous and tmpfs memory, the launcher's own measure) and as resident memory, where each
 * process counts the shared libraries' pages again.
 */
export function warmMemory(launcher: Launcher): string {
  const w = launcher.pools()[0]!.warm;
  const all = listProcesses();
  const resident = launcher.waitingWarm().reduce((n, s) => n + (s.pid === undefined ? 0 : residentBytesOfTree(s.pid, all)), 0);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return `${w.python.ready} Python + ${w.r.ready} R warm satellites hold ${mib(w.memoryBytes)} while idle, as charged to their pool (resident: ${mib(resident)}; budget ${mib(w.budgetBytes)})`;
}

/** Wall time of one run of a program, from spawn to exit, as the launcher's own spawn sees it. */
export function timeProgram(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, args, { stdio: 'ignore', env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${file} exited ${code}`))));
  });
}

export async function timed(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export const ms = (x: number) => `${x.toFixed(0)} ms`;
