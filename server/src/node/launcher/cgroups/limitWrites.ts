// The files a pool's limits are written to, per cgroup version (isolation.md §2d):
// MAX_PROCESSES → pids.max; MAX_MEMORY_PERCENT → memory.limit_in_bytes (v1) / memory.max (v2);
// MAX_CPU_PERCENT → cpu.cfs_quota_us over cpu.cfs_period_us (v1) / cpu.max (v2).
import { CPU_PERIOD_US, type ConcreteLimits, type PoolLimitName } from '../../../core/launcher/limits';

export interface LimitWrite {
  limit: PoolLimitName;
  controller: 'cpu' | 'memory' | 'pids';
  file: string;
  value: string;
}

export function poolLimitWrites(version: 1 | 2, limits: ConcreteLimits): LimitWrite[] {
  const cpu = limits.cpuQuotaUs;
  const memory = limits.memoryBytes;
  const processes = limits.processes;
  if (version === 1) {
    return [
      { limit: 'cpu', controller: 'cpu', file: 'cpu.cfs_period_us', value: String(CPU_PERIOD_US) },
      { limit: 'cpu', controller: 'cpu', file: 'cpu.cfs_quota_us', value: cpu === undefined ? '-1' : String(cpu) },
      { limit: 'memory', controller: 'memory', file: 'memory.limit_in_bytes', value: memory === undefined ? '-1' : String(memory) },
      { limit: 'processes', controller: 'pids', file: 'pids.max', value: processes === undefined ? 'max' : String(processes) },
    ];
  }
  return [
    { limit: 'cpu', controller: 'cpu', file: 'cpu.max', value: `${cpu === undefined ? 'max' : cpu} ${CPU_PERIOD_US}` },
    { limit: 'memory', controller: 'memory', file: 'memory.max', value: memory === undefined ? 'max' : String(memory) },
    { limit: 'processes', controller: 'pids', file: 'pids.max', value: processes === undefined ? 'max' : String(processes) },
  ];
}

/** Reads "key value" lines (memory.oom_control, memory.events, pids.events, cpu.stat). */
export function counter(text: string | undefined, key: string): number {
  const line = (text ?? '').split('\n').find((l) => l.startsWith(`${key} `));
  return line ? Number(line.slice(key.length + 1)) || 0 : 0;
}
