// Worker pools: SQL Server's pool of low-privilege worker identities (SQLRUserGroup with
// MSSQLSERVER01…20), each pool carrying the limits of an external resource pool
// (CREATE EXTERNAL RESOURCE POOL … MAX_CPU_PERCENT, MAX_MEMORY_PERCENT, MAX_PROCESSES).

export const DEFAULT_POOL_SIZE = 20;
export const MAX_POOL_SIZE = 100;

/** The three limits of an external resource pool; 0 means unlimited for each of them. */
export interface PoolLimits {
  /** Hard cap on the pool's CPU, in percent of all the machine's CPUs (100 = no cap). */
  maxCpuPercent: number;
  /** Cap on the pool's memory, in percent of the machine's memory (100 = no cap). */
  maxMemoryPercent: number;
  /** Cap on the pool's processes and threads together, as cgroups count them. */
  maxProcesses: number;
}

export interface PoolSettings {
  /** The pool's name, as CREATE EXTERNAL RESOURCE POOL names it ("default"). */
  name: string;
  /** Worker names are <prefix>01, <prefix>02, …; also the stem of the pool's group name. */
  prefix: string;
  size: number;
  limits: PoolLimits;
  /** Like mssql-conf's outboundnetworkaccess: satellites get the host's network when true. */
  allowNetwork: boolean;
  /**
   * The scratch storage of each session, in MiB: its folder, /tmp, /var/tmp and /dev/shm share it
   * (a write past it fails with ENOSPC). Absent: sessionStorageBytes() in limits.ts decides.
   */
  sessionStorageMiB?: number;
  /** Satellites kept started ahead of time (warmSatellites.ts); absent: none. */
  warm?: WarmSettings;
}

/**
 * How many satellites of each language the pool keeps started and waiting for a session, and the
 * memory all of them together may hold while they wait (a satellite is not started past it).
 */
export interface WarmSettings {
  python: number;
  r: number;
  memoryMiB: number;
}

/** The warm satellites' memory budget per pool when the settings name none (`--warm-memory`). */
export const DEFAULT_WARM_MEMORY_MIB = 1024;

/**
 * Warm satellites live under their pool's memory limit, so they must leave the sessions room: one
 * starts only while everything the pool holds (sessions and satellites, whatever the kernel
 * cannot simply drop) stays within this share of MAX_MEMORY_PERCENT with it.
 */
export const WARM_SHARE_OF_POOL_MEMORY = 0.5;

export interface WarmRoom {
  /** What one more satellite of the language is expected to hold. */
  satelliteBytes: number;
  /** What the pool's waiting satellites hold now, and the budget the settings give them. */
  warmBytes: number;
  budgetBytes: number;
  /** The pool's memory limit where a cgroup enforces it, and what the pool holds under it now. */
  poolLimitBytes?: number;
  poolHeldBytes?: number;
}

/** Why one more warm satellite may not start now, or undefined when it may. */
export function warmHeldBack(room: WarmRoom): string | undefined {
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  if (room.warmBytes + room.satelliteBytes > room.budgetBytes) return `the warm memory budget (${mib(room.budgetBytes)}) is spent`;
  if (room.poolLimitBytes === undefined || room.poolHeldBytes === undefined) return undefined;
  const share = room.poolLimitBytes * WARM_SHARE_OF_POOL_MEMORY;
  if (room.poolHeldBytes + room.satelliteBytes > share) {
    return `sessions come first: the pool holds ${mib(room.poolHeldBytes)} and one more satellite would pass ${mib(share)}, half its memory limit of ${mib(room.poolLimitBytes)}`;
  }
  return undefined;
}

/** SQL Server's own defaults for the default external pool: 100% CPU, 20% memory, no process cap. */
export const DEFAULT_LIMITS: PoolLimits = { maxCpuPercent: 100, maxMemoryPercent: 20, maxProcesses: 0 };

export function defaultPool(): PoolSettings {
  return { name: 'default', prefix: 'sqlml', size: DEFAULT_POOL_SIZE, limits: { ...DEFAULT_LIMITS }, allowNetwork: false };
}

/** The name of the index-th worker (1-based): two digits at least, as MSSQLSERVER01…. */
export function workerName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(2, '0')}`;
}

export function workerNames(pool: Pick<PoolSettings, 'prefix' | 'size'>): string[] {
  return Array.from({ length: pool.size }, (_, i) => workerName(pool.prefix, i + 1));
}

/** The Unix group every worker of a pool belongs to (SQL Server's SQLRUserGroup). */
export function poolGroupName(prefix: string): string {
  return `${prefix}users`;
}

// Prefixes become Unix user names (at most 32 characters with the digits and the "users"
// suffix) and pool names become cgroup folder names, so both are kept to plain characters.
const PREFIX = /^[a-z][a-z0-9_]{0,22}$/;
const POOL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

function percentProblem(what: string, value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 100 ? undefined : `${what} must be a whole number from 0 to 100 (got ${value}).`;
}

/** Everything wrong with a set of pools, as sentences; empty when they can be used. */
export function validatePools(pools: readonly PoolSettings[]): string[] {
  const problems: string[] = [];
  if (pools.length === 0) problems.push('At least one worker pool is needed.');
  const names = new Set<string>();
  const prefixes = new Map<string, number>();
  for (const pool of pools) {
    const label = `Pool '${pool.name}'`;
    if (!POOL_NAME.test(pool.name)) problems.push(`${label}: a pool name is a letter followed by up to 127 letters, digits or underscores.`);
    if (names.has(pool.name.toLowerCase())) problems.push(`${label} is defined twice.`);
    names.add(pool.name.toLowerCase());
    if (!PREFIX.test(pool.prefix)) {
      problems.push(`${label}: the worker prefix '${pool.prefix}' must be a lower-case letter followed by up to 22 lower-case letters, digits or underscores.`);
    }
    // Pools may share their workers (SQL Server's external pools all use SQLRUserGroup's accounts),
    // so a prefix names one set of workers: every pool that uses it must agree on its size.
    const sharedSize = prefixes.get(pool.prefix);
    if (sharedSize !== undefined && sharedSize !== pool.size) {
      problems.push(`${label}: the worker prefix '${pool.prefix}' is used by another pool with ${sharedSize} workers; pools that share workers have the same size.`);
    }
    prefixes.set(pool.prefix, pool.size);
    if (!Number.isInteger(pool.size) || pool.size < 1 || pool.size > MAX_POOL_SIZE) {
      problems.push(`${label}: the pool size must be a whole number from 1 to ${MAX_POOL_SIZE} (got ${pool.size}).`);
    }
    for (const p of [
      percentProblem(`${label}: MAX_CPU_PERCENT`, pool.limits.maxCpuPercent),
      percentProblem(`${label}: MAX_MEMORY_PERCENT`, pool.limits.maxMemoryPercent),
    ]) {
      if (p) problems.push(p);
    }
    if (!Number.isInteger(pool.limits.maxProcesses) || pool.limits.maxProcesses < 0) {
      problems.push(`${label}: MAX_PROCESSES must be a whole number, 0 for unlimited (got ${pool.limits.maxProcesses}).`);
    }
    const storage = pool.sessionStorageMiB;
    if (storage !== undefined && (!Number.isInteger(storage) || storage < 1)) {
      problems.push(`${label}: the session storage must be a whole number of MiB, at least 1 (got ${storage}).`);
    }
    for (const [what, value] of Object.entries(pool.warm ?? {})) {
      if (!Number.isInteger(value) || value < 0) problems.push(`${label}: warm ${what} must be a whole number, 0 for none (got ${value}).`);
    }
  }
  return problems;
}

/**
 * What a pool's processes have used since the launcher made its cgroup, as the kernel counts it
 * (sys.dm_resource_governor_external_resource_pools); null where nothing measures it (no cgroup,
 * or a controller the launcher does not use).
 */
export interface PoolUsage {
  peakMemoryBytes: number | null;
  cpuUserMs: number | null;
  cpuKernelMs: number | null;
  readIos: number | null;
  writeIos: number | null;
}
