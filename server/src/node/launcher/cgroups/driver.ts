// What the launcher needs from a cgroup hierarchy, whichever version carries it. Sessions are
// children of their pool's cgroup (<hierarchy>/<name>/<pool>/<session>), so the limits bind the
// pool as a whole and the kill is per session.
import type { ConcreteLimits, LimitEnforcement } from '../../../core/launcher/limits';
import type { PoolUsage } from '../../../core/launcher/pools';

export interface SessionCgroup {
  /** The cgroup.procs files the session's first process writes its own pid into, before it execs. */
  readonly procsFiles: readonly string[];
  /** Kills every process of the session and waits until none is left; false if some survived. */
  killAll(): Promise<boolean>;
  /** How many processes of the session the kernel's OOM killer took. */
  oomKills(): number;
  /** How often a fork of the session failed on a process limit (v1 counts it where the fork failed). */
  processLimitHits(): number;
  /** CPU time the session used, in ms, where the hierarchy measures it. */
  cpuMs(): number | undefined;
  /**
   * Background: the session gets the least CPU its pool's siblings leave over (a warm satellite
   * loading its runtime must not slow the sessions running beside it under the pool's cap);
   * foreground: an equal share again, once a session claims it.
   */
  setBackground(background: boolean): void;
  /**
   * A warm satellite waits as the OOM killer's first choice (its join script set oom_score_adj);
   * once a session claims it, its processes are ranked like any session's again.
   */
  clearOomPreference(): void;
  /** What the session holds now that the kernel cannot simply drop (heldBytesIn); null where unknown. */
  heldBytes(): number | null;
  /** Removes the cgroup; its processes must be gone. */
  remove(): Promise<void>;
}

export type Prepared = { ok: true; enforcement: LimitEnforcement[] } | { ok: false; reason: string };

export type Created = { ok: true; cgroup: SessionCgroup } | { ok: false; reason: string };

export interface CgroupDriver {
  readonly version: 1 | 2;
  /** Creates the pool's cgroup and writes its limits. */
  preparePool(pool: string, limits: ConcreteLimits, settings: Record<'cpu' | 'memory' | 'processes', string>): Promise<Prepared>;
  createSession(pool: string, id: string): Promise<Created>;
  /** How often the pool refused a fork because of MAX_PROCESSES, since it was made. */
  processLimitHits(pool: string): number;
  /** What the pool's sessions have used, all together, since it was made. */
  poolUsage(pool: string): PoolUsage;
  /** What the pool holds now that the kernel cannot simply drop (anonymous and tmpfs memory); null where unknown. */
  poolHeldBytes(pool: string): number | null;
  /** Kills and removes every session cgroup left under the launcher's folder; returns their paths. */
  sweep(): Promise<string[]>;
  /** Removes the pools' cgroups and the launcher's folder, once no session is left. */
  release(pools: readonly string[]): Promise<void>;
}
