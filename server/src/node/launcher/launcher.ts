// The core launcher's library API (for the instance, the CLI and the tests): start it (it checks
// its own isolation and refuses to serve, saying why, when the configured mode does not hold),
// launch requests, list pools and sessions, follow changes, cancel, close.
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { launcherError } from '../../core/launcher/errors';
import { concreteLimits, describeSetting, sessionStorageBytes, type LimitEnforcement, type PoolLimitName } from '../../core/launcher/limits';
import { WorkerMapper, type WorkerAssignment } from '../../core/launcher/mapping';
import { workerNames, type PoolLimits, type PoolUsage } from '../../core/launcher/pools';
import type { Clock } from '../../core/launcher/ports';
import { normalizeRequest, type LaunchRequest } from '../../core/launcher/request';
import type { LaunchOutcome } from '../../core/launcher/result';
import { SessionTable, type IsolationMode, type SessionListener, type SessionRecord } from '../../core/launcher/sessions';
import { lookupWorkers, type WorkerAccount } from './accounts';
import { closeInheritedDescriptors } from './descriptors';
import type { CgroupDriver } from './cgroups/driver';
import { selectCgroupDriver } from './cgroups/select';
import type { LauncherContext, PoolRuntime } from './context';
import { folderRemover, prepareRoot, prepareWorkerFolder } from './folders';
import { lockRoot, lockWorkers } from './lock';
import { probePool } from './posture';
import { rlimitPlan } from './rlimits';
import { loadRunners } from './runtimes';
import { readHostLayout } from './sandbox';
import { runSession, type LaunchOptions } from './session';
import { storageEnforcement } from './storage';
import { cgroupFolderName, defaultSettings, validateSettings, type LauncherSettings } from './settings';
import { sweepLeftovers, type SweepReport } from './sweep';
import { refillAfterSessionMs } from '../../core/launcher/refillTiming';
import { WarmSatellites, type WarmView } from './warmSatellites';

export interface PoolView {
  name: string;
  prefix: string;
  size: number;
  allowNetwork: boolean;
  limits: PoolLimits;
  enforcement: LimitEnforcement[];
  workers: (WorkerAssignment & { uid: number | undefined })[];
  waiting: number;
  /** The satellites started ahead of time and waiting for a session. */
  warm: WarmView;
}

export interface LauncherStatus {
  mode: IsolationMode;
  /** True in mode none: shown as "unisolated" wherever the launcher appears. */
  unisolated: boolean;
  sessionsRoot: string;
  pools: PoolView[];
  /** What the start-up sweep removed, left by a launcher that crashed. */
  sweep: SweepReport;
}

export type Started = { ok: true; launcher: Launcher } | { ok: false; problems: string[] };

const systemClock: Clock = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export class Launcher {
  private readonly table: SessionTable;
  private readonly mappers = new Map<string, WorkerMapper>();
  private readonly stops = new Map<string, () => void>();
  private readonly active = new Set<Promise<unknown>>();
  private readonly warm: WarmSatellites;
  private closed = false;

  private constructor(
    private readonly ctx: LauncherContext,
    private readonly sweep: SweepReport,
    private readonly releaseLocks: () => void,
  ) {
    this.table = new SessionTable(systemClock, ctx.settings.historySize);
    // Pools that share a worker prefix share its workers, and so one mapper: a worker serves one
    // caller at a time whichever pool the caller's statement runs in.
    const byPrefix = new Map<string, WorkerMapper>();
    for (const pool of ctx.pools.values()) {
      const { prefix, name } = pool.settings;
      if (!byPrefix.has(prefix)) byPrefix.set(prefix, new WorkerMapper(name, workerNames(pool.settings), systemClock));
      this.mappers.set(name, byPrefix.get(prefix)!);
    }
    this.warm = new WarmSatellites(ctx, (pool) => this.mappers.get(pool)!.snapshot());
    this.warm.refill();
  }

  static async start(overrides: Partial<LauncherSettings> = {}): Promise<Started> {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const settings: LauncherSettings = { ...defaultSettings(uid), ...overrides };
    const invalid = validateSettings(settings);
    if (invalid.length > 0) return { ok: false, problems: invalid };
    const mode = settings.mode;
    if (mode === 'accounts' && uid !== 0) {
      return { ok: false, problems: [`Mode accounts needs root to switch to the worker accounts (running as uid ${uid}); use mode namespaces.`] };
    }
    if (mode === 'namespaces' && uid === 0) {
      return {
        ok: false,
        problems: ['Mode namespaces runs scripts as the current user, and bubblewrap run by root keeps root\'s power inside the sandbox (it can read /etc/shadow); as root use mode accounts.'],
      };
    }
    if (mode !== 'none' && !executable(settings.bwrapPath)) {
      return { ok: false, problems: [`bubblewrap was not found at ${settings.bwrapPath}: install Debian's bubblewrap (apt-get install bubblewrap) or set bwrapPath.`] };
    }
    const runners = loadRunners();
    if (!runners.ok) return { ok: false, problems: [runners.problem] };
    closeInheritedDescriptors();
    const rootProblems = prepareRoot(settings.sessionsRoot, mode, uid);
    if (rootProblems.length > 0) return { ok: false, problems: rootProblems };
    const locks: (() => void)[] = [];
    const releaseLocks = () => locks.forEach((release) => release());
    const refuse = (problems: string[]): Started => {
      releaseLocks();
      return { ok: false, problems };
    };
    for (const take of [() => lockRoot(settings.sessionsRoot), ...(mode === 'accounts' ? [...new Set(settings.pools.map((p) => p.prefix))].map((prefix) => () => lockWorkers(prefix)) : [])]) {
      const lock = await take();
      if (!lock.ok) return refuse([lock.problem]);
      locks.push(lock.release);
    }
    const pools = await preparePools(settings, mode);
    if (!pools.ok) return refuse(pools.problems);
    const ctx: LauncherContext = { settings, mode, cgroupName: cgroupFolderName(settings), uid, gid, host: readHostLayout(), pools: pools.pools, runners: runners.sources, relay: runners.relay };
    // The shell that removes session folders is forked now, while the daemon is small.
    folderRemover.start();
    const sweep = await sweepLeftovers(ctx);
    const probeAll = async () => {
      const found: string[] = [];
      for (const pool of ctx.pools.values()) found.push(...(await probePool(ctx, pool, workerNames(pool.settings)[0]!)));
      return found;
    };
    // A difference is looked at twice before the launcher refuses: under load a probe has once
    // seen a descriptor 3 that no second look found (CI, and a Resource Governor reconfigure), and
    // a refusal leaves every script failing until the next start; a real leak is there both times.
    let posture = await probeAll();
    if (posture.length > 0) posture = await probeAll();
    if (posture.length > 0) return refuse([`The launcher refuses to serve: mode ${mode} does not hold.`, ...posture]);
    return { ok: true, launcher: new Launcher(ctx, sweep, releaseLocks) };
  }

  get mode(): IsolationMode {
    return this.ctx.mode;
  }

  get settings(): Readonly<LauncherSettings> {
    return this.ctx.settings;
  }

  async launch(request: LaunchRequest, options: LaunchOptions = {}): Promise<LaunchOutcome> {
    if (this.closed) return { ok: false, error: launcherError('not-serving', 'The launcher has been closed.') };
    const normalized = normalizeRequest(request);
    if (!normalized.ok) return normalized;
    const mapper = this.mappers.get(normalized.request.pool);
    if (!mapper) return { ok: false, error: launcherError('unknown-pool', `There is no external resource pool '${normalized.request.pool}'.`) };
    const id = randomUUID().toUpperCase();
    const deps = {
      ctx: this.ctx,
      table: this.table,
      mapper,
      onStop: (sid: string, stop: (() => void) | undefined) => (stop ? this.stops.set(sid, stop) : this.stops.delete(sid)),
      warm: this.warm,
    };
    const running = runSession(deps, normalized.request, id, options);
    this.active.add(running);
    let returnedCells = 0;
    try {
      const result = await running;
      returnedCells = result.resultSets.reduce((n, set) => n + (set.columnar?.rowCount ?? set.rows.length) * set.columns.length, 0);
      return { ok: true, result };
    } finally {
      this.active.delete(running);
      // The session's worker is free again: it may get a warm satellite, once the rows it returned
      // are on their way (refillAfterSessionMs).
      this.warm.refillIn(refillAfterSessionMs(returnedCells));
    }
  }

  /** Cancels a queued or running session; false when no such session is alive. */
  cancel(sessionId: string): boolean {
    const stop = this.stops.get(sessionId);
    stop?.();
    return stop !== undefined;
  }

  sessions(): SessionRecord[] {
    return this.table.list();
  }

  subscribe(listener: SessionListener): () => void {
    return this.table.subscribe(listener);
  }

  pools(): PoolView[] {
    return [...this.ctx.pools.values()].map((pool) => {
      const mapper = this.mappers.get(pool.settings.name)!;
      return {
        name: pool.settings.name,
        prefix: pool.settings.prefix,
        size: pool.settings.size,
        allowNetwork: pool.settings.allowNetwork,
        limits: pool.settings.limits,
        enforcement: pool.enforcement,
        workers: mapper.snapshot().map((w) => ({ ...w, uid: pool.accounts.get(w.worker)?.uid })),
        waiting: mapper.waiting,
        warm: this.warm.view(pool),
      };
    });
  }

  /** What the pool's sessions have used since the launcher made it; null for a pool it does not have. */
  poolUsage(pool: string): PoolUsage | null {
    const runtime = this.ctx.pools.get(pool);
    if (!runtime) return null;
    return runtime.cgroups?.poolUsage(pool) ?? { peakMemoryBytes: null, cpuUserMs: null, cpuKernelMs: null, readIos: null, writeIos: null };
  }

  /**
   * The warm satellites no session has claimed yet, by GUID (their folder's and cgroup's name) and
   * first process: they serve nobody yet (for the isolation checks, which look for what sessions
   * leave behind).
   */
  waitingWarm(): { id: string; pid: number | undefined }[] {
    return this.warm.waiting();
  }

  status(): LauncherStatus {
    return { mode: this.ctx.mode, unisolated: this.ctx.mode === 'none', sessionsRoot: this.ctx.settings.sessionsRoot, pools: this.pools(), sweep: this.sweep };
  }

  /** Stops every session (as a cancellation), waits for their cleanup, and lets the root go. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stops.values()) stop();
    await Promise.allSettled([...this.active]);
    await this.warm.close();
    const drivers = new Set([...this.ctx.pools.values()].map((p) => p.cgroups).filter((d) => d !== undefined));
    for (const driver of drivers) await driver.release([...this.ctx.pools.keys()]);
    this.releaseLocks();
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type PoolsPrepared = { ok: true; pools: Map<string, PoolRuntime> } | { ok: false; problems: string[] };

async function preparePools(settings: LauncherSettings, mode: IsolationMode): Promise<PoolsPrepared> {
  const capacity = { cpus: settings.capacity?.cpus ?? availableParallelism(), memoryBytes: settings.capacity?.memoryBytes ?? totalmem() };
  const selected = selectCgroupDriver(cgroupFolderName(settings));
  const driver: CgroupDriver | undefined = selected.ok ? selected.driver : undefined;
  const problems: string[] = [];
  const pools = new Map<string, PoolRuntime>();
  for (const pool of settings.pools) {
    const concrete = concreteLimits(pool.limits, capacity);
    const limits = { ...concrete, storageBytes: sessionStorageBytes(pool.sessionStorageMiB, concrete.memoryBytes) };
    const described = Object.fromEntries((['cpu', 'memory', 'processes'] as PoolLimitName[]).map((l) => [l, describeSetting(l, pool.limits)])) as Record<PoolLimitName, string>;
    const accounts = new Map<string, WorkerAccount>();
    if (mode === 'accounts') {
      const found = lookupWorkers(pool.prefix, pool.size);
      if (!found.ok) {
        problems.push(...found.problems);
        continue;
      }
      for (const account of found.workers) accounts.set(account.name, account);
    }
    for (const worker of workerNames(pool)) {
      const problem = prepareWorkerFolder(settings.sessionsRoot, worker, mode, accounts.get(worker)?.gid);
      if (problem) problems.push(problem);
    }
    const prepared = driver ? await driver.preparePool(pool.name, limits, described) : { ok: false as const, reason: selected.ok ? '' : selected.reason };
    const runtime: PoolRuntime = prepared.ok
      ? { settings: pool, limits, enforcement: prepared.enforcement, cgroups: driver, rlimitPrefix: [], accounts }
      : (() => {
          const plan = rlimitPlan(limits, described, `no writable cgroup: ${prepared.reason}`);
          return { settings: pool, limits, enforcement: plan.enforcement, cgroups: undefined, rlimitPrefix: plan.prefix, accounts };
        })();
    runtime.enforcement.push(storageEnforcement(mode, limits, runtime.enforcement.find((e) => e.limit === 'memory')));
    pools.set(pool.name, runtime);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pools };
}
