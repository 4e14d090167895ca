// Turns a pool's percentages into the numbers a kernel enforces, and describes how each limit
// is (or is not) enforced, so that status views report it instead of implying it.
import type { PoolLimits } from './pools';

/** What 100% means: the machine's CPUs and memory, or what a setting says they are. */
export interface HostCapacity {
  cpus: number;
  memoryBytes: number;
}

export const CPU_PERIOD_US = 100_000;

/** Concrete limits; an absent field is unlimited. */
export interface ConcreteLimits {
  /** CPU time allowed per CPU_PERIOD_US, summed over all CPUs (cfs quota / cpu.max). */
  cpuQuotaUs?: number;
  memoryBytes?: number;
  processes?: number;
  /** The size of each session's scratch storage (sessionStorageBytes). */
  storageBytes?: number;
}

// SQL Server defines MAX_CPU_PERCENT as a share under contention; we make it a hard cap, which
// behaves the same when the machine is busy and is deterministic to test (isolation.md §2d).
export function concreteLimits(limits: PoolLimits, host: HostCapacity): ConcreteLimits {
  const out: ConcreteLimits = {};
  if (limits.maxCpuPercent > 0 && limits.maxCpuPercent < 100) {
    out.cpuQuotaUs = Math.max(1000, Math.round((limits.maxCpuPercent / 100) * host.cpus * CPU_PERIOD_US));
  }
  if (limits.maxMemoryPercent > 0 && limits.maxMemoryPercent < 100) {
    // Whole pages: the kernel rounds down anyway, and a stable number reads back the same.
    out.memoryBytes = Math.floor(((limits.maxMemoryPercent / 100) * host.memoryBytes) / 4096) * 4096;
  }
  if (limits.maxProcesses > 0) out.processes = limits.maxProcesses;
  return out;
}

const MiB = 1024 * 1024;

/** A session's scratch storage when its pool sets none: 1 GiB. */
export const DEFAULT_SESSION_STORAGE_MIB = 1024;

/**
 * The bytes of scratch storage each session of a pool gets. The storage is a tmpfs, so its pages
 * are memory charged to the session's cgroup inside the pool's: by default it is kept within the
 * pool's memory limit, so that a script filling it meets ENOSPC rather than the OOM killer.
 */
export function sessionStorageBytes(settingMiB: number | undefined, memoryBytes: number | undefined): number {
  if (settingMiB !== undefined) return settingMiB * MiB;
  const fallback = DEFAULT_SESSION_STORAGE_MIB * MiB;
  return memoryBytes === undefined ? fallback : Math.min(fallback, Math.max(MiB, Math.floor(memoryBytes / MiB) * MiB));
}

/** The limits of SQL Server's external resource pools. */
export type PoolLimitName = 'cpu' | 'memory' | 'processes';

export type LimitName = PoolLimitName | 'storage';

/** The mechanism behind one limit. 'none' is reported as "not enforced", never hidden. */
export type EnforcementMechanism = 'cgroup v1' | 'cgroup v2' | 'rlimit' | 'tmpfs' | 'none';

export interface LimitEnforcement {
  limit: LimitName;
  /** The pool's setting in SQL Server's words: "MAX_CPU_PERCENT = 25". */
  setting: string;
  /** The concrete value: "0.50 CPU", "200 MiB", "30 processes", or "unlimited". */
  value: string;
  mechanism: EnforcementMechanism;
  /** Why, or where: "cpu.cfs_quota_us of /sys/fs/cgroup/cpu/sqlml/default". */
  detail: string;
}

export function describeValue(limit: LimitName, limits: ConcreteLimits): string {
  switch (limit) {
    case 'cpu':
      return limits.cpuQuotaUs === undefined ? 'unlimited' : `${(limits.cpuQuotaUs / CPU_PERIOD_US).toFixed(2)} CPU`;
    case 'memory':
      return limits.memoryBytes === undefined ? 'unlimited' : `${Math.round(limits.memoryBytes / 1048576)} MiB`;
    case 'processes':
      return limits.processes === undefined ? 'unlimited' : `${limits.processes} processes`;
    case 'storage':
      return limits.storageBytes === undefined ? 'unlimited' : `${Math.round(limits.storageBytes / MiB)} MiB per session`;
  }
}

export function describeSetting(limit: PoolLimitName, limits: PoolLimits): string {
  switch (limit) {
    case 'cpu':
      return `MAX_CPU_PERCENT = ${limits.maxCpuPercent}`;
    case 'memory':
      return `MAX_MEMORY_PERCENT = ${limits.maxMemoryPercent}`;
    case 'processes':
      return `MAX_PROCESSES = ${limits.maxProcesses}`;
  }
}
