// Warm satellites: Launchpad hides the runtimes' start-up behind process pools created ahead of
// time; so does this. A warm satellite is started exactly as a cold one (its own session folder
// named by a fresh GUID, its own cgroup in the pool, the worker's uid, bubblewrap, the session's
// tmpfs) with nothing in its folder but the runner, which loads its runtime (pandas and numpy; R's
// exchange code), says it is ready on descriptor 3 and waits there. A session that is given a
// worker with a ready satellite of its language claims it: its GUID becomes the session's id, its
// files travel over descriptor 3 (claimMessage.ts), and the descriptor then becomes the session's
// loopback channel or is closed. It serves that one session and exits; nothing of one caller's
// session can reach the next, which gets a satellite, folder, tmpfs and cgroup of its own.
//
// The pool is refilled in the background, for free workers only (a worker serving a caller gets
// its next warm satellite once it is free again), up to the pool's setting per language and its
// memory budget. Nobody waits for a warm satellite: a session without one starts cold.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { WorkerAssignment } from '../../core/launcher/mapping';
import { DEFAULT_WARM_MEMORY_MIB, warmHeldBack } from '../../core/launcher/pools';
import type { ScriptLanguage } from '../../core/launcher/request';
import { refillAfterClaimMs } from '../../core/launcher/refillTiming';
import { encodeClaim, READY_BYTE } from './claimMessage';
import type { LauncherContext, PoolRuntime } from './context';
import { writeExclusive } from './folders';
import { listProcesses, residentBytesOfTree, type ProcessInfo } from './procfs';
import { runtimeFor, runtimeProblem } from './runtimes';
import { openSandbox, type OpenSandbox } from './sandboxSession';
import { runnerFiles, type SessionFile } from './sessionFiles';

const LANGUAGES: readonly ScriptLanguage[] = ['python', 'r'];
/** What a satellite is assumed to hold until one of its language has been measured. */
const ASSUMED_BYTES: Record<ScriptLanguage, number> = { python: 96 * 2 ** 20, r: 64 * 2 ** 20 };
/**
 * After this many warm satellites in a row died before any session claimed them, stop warming the
 * language in that pool, until a cold session of it succeeds there (ranCold).
 */
const FAILURES_TO_GIVE_UP = 3;
const STDERR_KEPT = 2048;
const MEASURE_EVERY_MS = 2000;

/** What the Pools view and `launcher status` show of a pool's warm satellites. */
export interface WarmView {
  python: WarmCount;
  r: WarmCount;
  /** What the ready satellites hold now (heldBytes). */
  memoryBytes: number;
  budgetBytes: number;
  /** Why a language is no longer kept warm (its satellites kept dying), if so. */
  problems: string[];
  /** Why fewer are kept than the setting says just now (memory: warmHeldBack), if so. */
  heldBack?: string;
}

export interface WarmCount {
  /** The setting. */
  target: number;
  ready: number;
  starting: number;
}

/** One warm satellite, taken out of the pool by the session that claims it. */
export interface WarmSatellite {
  readonly id: string;
  readonly worker: string;
  readonly sandbox: OpenSandbox;
  /**
   * Hands the session over: from now on its output goes to the session's streams; the files are
   * sent on descriptor 3, which afterwards is the loopback channel when the session has one.
   */
  claim(files: readonly SessionFile[], loopback: boolean, onStdout: (b: Buffer) => void, onStderr: (b: Buffer) => void): void;
}

interface Entry {
  id: string;
  pool: string;
  worker: string;
  language: ScriptLanguage;
  /** leaving: being killed and removed unclaimed; it holds its memory, worker and folder until gone. */
  state: 'starting' | 'ready' | 'leaving';
  sandbox?: OpenSandbox;
  satellite?: WarmSatellite;
  heldBytes?: number;
  /** Kills and removes it unclaimed (set once its sandbox is open). */
  dispose?: (why: string) => Promise<void>;
}

export class WarmSatellites {
  private readonly entries = new Set<Entry>();
  private readonly failures = new Map<string, number>();
  private readonly measured: Partial<Record<ScriptLanguage, number>> = {};
  private starting = 0;
  private measuredAt = 0;
  private closed = false;
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  /** When refillTimer fires (Date.now() time). */
  private refillAt = 0;
  private readonly parallel = Math.max(1, availableParallelism());

  constructor(
    private readonly ctx: LauncherContext,
    /** The pool's workers, in the order the mapping hands free ones out. */
    private readonly workers: (pool: string) => readonly WorkerAssignment[],
  ) {}

  /** A ready satellite of the language is waiting for this worker. */
  isReady(pool: string, language: ScriptLanguage, worker: string): boolean {
    return this.find(pool, language, worker) !== undefined;
  }

  /**
   * Takes the worker's ready satellite of the language out of the pool. Its replacement starts when
   * a session ends (the launcher refills then), or a while after the claim (refillAfterClaimMs),
   * or once it is removed unclaimed: starting one blocks the event loop while the daemon forks
   * (15-25 ms once it holds DuckDB's memory), which would hold up the very session that took it.
   */
  take(pool: string, language: ScriptLanguage, worker: string): WarmSatellite | undefined {
    const entry = this.find(pool, language, worker);
    if (!entry) return undefined;
    this.entries.delete(entry);
    return entry.satellite;
  }

  /**
   * A session of the language that started cold ran to its end in the pool: its runtime works and
   * the pool had room for it, so a language given up on gets one more warm satellite. What killed
   * the last ones (a pool at its process limit, a runtime being reinstalled) may have passed; if it
   * has not, that one dies too and the language stays given up on, until the next such session.
   */
  ranCold(pool: string, language: ScriptLanguage): void {
    const key = `${pool}/${language}`;
    if ((this.failures.get(key) ?? 0) < FAILURES_TO_GIVE_UP) return;
    this.failures.set(key, FAILURES_TO_GIVE_UP - 1);
    this.refill();
  }

  /** Starts what is missing, in the background. Called whenever a worker may have become free. */
  refill(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    if (this.closed) return;
    while (this.starting < this.parallel) {
      const next = this.nextToStart();
      if (!next) return;
      void this.start(next.pool, next.worker, next.language);
    }
  }

  /**
   * Refills `ms` from now (at once for 0), unless a refill happens before; a later time given
   * meanwhile replaces an earlier one, as the session that asks for it is still moving rows.
   */
  refillIn(ms: number): void {
    if (this.closed) return;
    if (ms <= 0) return this.refill();
    const at = Date.now() + ms;
    if (this.refillTimer && this.refillAt >= at) return;
    clearTimeout(this.refillTimer);
    this.refillAt = at;
    this.refillTimer = setTimeout(() => this.refill(), ms);
    this.refillTimer.unref();
  }

  view(pool: PoolRuntime): WarmView {
    const settings = pool.settings.warm;
    const mine = [...this.entries].filter((e) => e.pool === pool.settings.name);
    const count = (language: ScriptLanguage): WarmCount => ({
      target: settings?.[language] ?? 0,
      ready: mine.filter((e) => e.language === language && e.state === 'ready').length,
      starting: mine.filter((e) => e.language === language && e.state === 'starting').length,
    });
    this.remeasure(mine);
    const problems = LANGUAGES.filter((l) => (this.failures.get(`${pool.settings.name}/${l}`) ?? 0) >= FAILURES_TO_GIVE_UP).map(
      (l) =>
        `${l} satellites are no longer kept warm: ${FAILURES_TO_GIVE_UP} in a row ended before a session claimed them (${this.lastProblem.get(`${pool.settings.name}/${l}`) ?? 'no reason given'}); ` +
        `one is tried again after a ${l} session succeeds in this pool.`,
    );
    const short = LANGUAGES.find((l) => mine.filter((e) => e.language === l).length < (settings?.[l] ?? 0));
    const heldBack = short === undefined ? undefined : this.heldBack(pool, short, mine);
    return {
      python: count('python'),
      r: count('r'),
      memoryBytes: mine.reduce((n, e) => n + (e.heldBytes ?? 0), 0),
      budgetBytes: budgetBytes(pool),
      problems,
      ...(heldBack === undefined ? {} : { heldBack }),
    };
  }

  /** Each satellite no session has claimed (starting, waiting or being removed): its GUID and first process (for checks from outside). */
  waiting(): { id: string; pid: number | undefined }[] {
    return [...this.entries].map((e) => ({ id: e.id, pid: e.sandbox?.satellite.pid }));
  }

  /** Kills every waiting satellite and removes its folder and cgroup. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    await Promise.allSettled([...this.entries].map((e) => e.dispose?.('the launcher closed')));
    // Satellites still being started are disposed of by start() once it sees the launcher closed.
    while (this.starting > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private readonly lastProblem = new Map<string, string>();

  private find(pool: string, language: ScriptLanguage, worker: string): Entry | undefined {
    for (const e of this.entries) if (e.state === 'ready' && e.pool === pool && e.language === language && e.worker === worker) return e;
    return undefined;
  }

  private nextToStart(): { pool: string; worker: string; language: ScriptLanguage } | undefined {
    for (const pool of this.ctx.pools.values()) {
      const name = pool.settings.name;
      const warm = pool.settings.warm;
      if (!warm) continue;
      const mine = [...this.entries].filter((e) => e.pool === name);
      for (const language of LANGUAGES) {
        if ((this.failures.get(`${name}/${language}`) ?? 0) >= FAILURES_TO_GIVE_UP) continue;
        if (mine.filter((e) => e.language === language).length >= warm[language]) continue;
        if (this.heldBack(pool, language, mine) !== undefined) continue;
        const runtime = runtimeFor(language, this.ctx.settings);
        if (runtimeProblem(runtime)) continue;
        const free = this.workers(name).find((w) => w.caller === undefined && !mine.some((e) => e.worker === w.worker && e.language === language));
        if (free) return { pool: name, worker: free.worker, language };
      }
    }
    return undefined;
  }

  /** Reads the idle satellites' memory again, at most every MEASURE_EVERY_MS (it scans /proc). */
  private remeasure(entries: Entry[]): void {
    if (Date.now() - this.measuredAt < MEASURE_EVERY_MS) return;
    this.measuredAt = Date.now();
    let all: readonly ProcessInfo[] | undefined;
    const processes = () => (all ??= listProcesses());
    for (const e of entries) if (e.state === 'ready' && e.sandbox) e.heldBytes = heldBytes(e.sandbox, processes) || undefined;
  }

  /** Why no satellite of the language may start in the pool now (warmHeldBack), if so; `mine`: the pool's entries. */
  private heldBack(pool: PoolRuntime, language: ScriptLanguage, mine: readonly Entry[]): string | undefined {
    const warmBytes = mine.reduce((n, e) => n + this.bytesOf(e), 0);
    const charged = pool.limits.memoryBytes === undefined ? null : (pool.cgroups?.poolHeldBytes(pool.settings.name) ?? null);
    // Satellites still starting have not been charged all they will hold: count them at full size.
    const coming = mine.filter((e) => e.state === 'starting').reduce((n, e) => n + this.bytesOf(e), 0);
    return warmHeldBack({
      satelliteBytes: this.measured[language] ?? ASSUMED_BYTES[language],
      warmBytes,
      budgetBytes: budgetBytes(pool),
      ...(charged === null ? {} : { poolLimitBytes: pool.limits.memoryBytes, poolHeldBytes: charged + coming }),
    });
  }

  private bytesOf(e: Entry): number {
    return e.heldBytes ?? this.measured[e.language] ?? ASSUMED_BYTES[e.language];
  }

  private async start(poolName: string, worker: string, language: ScriptLanguage): Promise<void> {
    const pool = this.ctx.pools.get(poolName)!;
    const runtime = runtimeFor(language, this.ctx.settings);
    const entry: Entry = { id: randomUUID().toUpperCase(), pool: poolName, worker, language, state: 'starting' };
    const key = `${poolName}/${language}`;
    this.entries.add(entry);
    this.starting++;
    let stderrTail = '';
    const sink: Record<'out' | 'err', (b: Buffer) => void> = { out: () => {}, err: (b) => void (stderrTail = (stderrTail + b.toString('utf8')).slice(-STDERR_KEPT)) };
    try {
      const opened = await openSandbox(this.ctx, {
        pool,
        worker,
        id: entry.id,
        writeFiles: async (folder) => {
          for (const [name, data] of runnerFiles(runtime, this.ctx.runners[language], this.ctx.relay)) {
            const problem = await writeExclusive(join(folder, name), data);
            if (problem) return problem;
          }
          return undefined;
        },
        command: (folder) => runtime.argv(`${folder}/${runtime.runnerFile}`),
        handoff: true,
        background: true,
        onStdout: (b) => sink.out(b),
        onStderr: (b) => sink.err(b),
      });
      if (!opened.ok) {
        this.entries.delete(entry);
        this.fail(key, opened.message);
        return;
      }
      const sandbox = opened.sandbox;
      entry.sandbox = sandbox;
      const channel = sandbox.satellite.channel!;
      let claimed = false;
      // Before the claim only the runner runs: one byte says it is ready; anything else is wrong.
      const onData = (chunk: Buffer) => {
        if (entry.state === 'starting' && chunk.length === 1 && chunk[0] === READY_BYTE) {
          entry.state = 'ready';
          this.failures.set(key, 0);
          const held = heldBytes(sandbox, listProcesses);
          if (held > 0) this.measured[language] = held;
          entry.heldBytes = held || undefined;
          // It holds what it will hold now, not the estimate it was counted at: more may fit.
          this.refill();
        } else void dispose('it wrote to its channel before it was claimed');
      };
      channel.on('data', onData);
      const dispose = async (why: string) => {
        if (claimed || entry.state === 'leaving') return;
        if (entry.state === 'starting' && !this.closed) this.fail(key, why);
        entry.state = 'leaving';
        await sandbox.close(false);
        // Only now: until its processes, folder and cgroup are gone, they are this satellite's.
        this.entries.delete(entry);
        this.refill();
      };
      entry.dispose = dispose;
      void sandbox.satellite.exited.then((exit) => {
        const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
        return dispose(`${how}${stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`);
      });
      entry.satellite = {
        id: entry.id,
        worker,
        sandbox,
        claim: (files, loopback, onStdout, onStderr) => {
          claimed = true;
          sandbox.cgroup?.setBackground(false);
          sandbox.cgroup?.clearOomPreference();
          channel.removeListener('data', onData);
          sink.out = onStdout;
          sink.err = onStderr;
          const parts = encodeClaim(files, loopback);
          const bytes = parts.reduce((n, part) => n + part.length, 0);
          channel.cork();
          parts.forEach((part, i) => channel.write(part, i === parts.length - 1 ? () => this.refillIn(refillAfterClaimMs(bytes)) : undefined));
          channel.uncork();
          // Without a loopback the channel ends with the claim: nothing the satellite sends is read.
          if (!loopback) channel.end().resume();
        },
      };
      if (this.closed) await dispose('the launcher closed');
    } finally {
      this.starting--;
      this.refill();
    }
  }

  private fail(key: string, why: string): void {
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    this.lastProblem.set(key, why);
  }
}

function budgetBytes(pool: PoolRuntime): number {
  return (pool.settings.warm?.memoryMiB ?? DEFAULT_WARM_MEMORY_MIB) * 2 ** 20;
}

/**
 * What a satellite holds: in its cgroup, the memory charged to its pool that the kernel cannot
 * drop (the same measure as the pool's, so warmHeldBack compares like with like); without one,
 * the resident memory of its processes (its command chain and the runtime).
 */
function heldBytes(sandbox: OpenSandbox, processes: () => readonly ProcessInfo[]): number {
  const charged = sandbox.cgroup?.heldBytes();
  if (charged !== undefined && charged !== null) return charged;
  const pid = sandbox.satellite.pid;
  return pid === undefined ? 0 : residentBytesOfTree(pid, processes());
}
