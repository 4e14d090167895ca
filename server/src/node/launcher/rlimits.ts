// Where no cgroup can be written, per-process rlimits are the fallback (set with prlimit before
// the sandbox starts). They are weaker, and the status says exactly how: RLIMIT_AS bounds each
// process's address space, not the pool; RLIMIT_NPROC counts processes per user (inside the
// sandbox's own user namespace); nothing caps CPU bandwidth.
import { describeValue, type ConcreteLimits, type LimitEnforcement } from '../../core/launcher/limits';
import { PROGRAMS } from './programs';

export interface RlimitPlan {
  /** The prlimit prefix for the satellite's command, empty when there is nothing to limit. */
  prefix: string[];
  enforcement: LimitEnforcement[];
}

export function rlimitPlan(limits: ConcreteLimits, settings: Record<'cpu' | 'memory' | 'processes', string>, why: string): RlimitPlan {
  const args: string[] = [];
  if (limits.memoryBytes !== undefined) args.push(`--as=${limits.memoryBytes}`);
  if (limits.processes !== undefined) args.push(`--nproc=${limits.processes}`);
  const enforcement: LimitEnforcement[] = [
    {
      limit: 'cpu',
      setting: settings.cpu,
      value: describeValue('cpu', limits),
      mechanism: 'none',
      detail: limits.cpuQuotaUs === undefined ? 'no cap configured' : `not enforced: ${why}, and rlimits cannot cap CPU bandwidth`,
    },
    {
      limit: 'memory',
      setting: settings.memory,
      value: describeValue('memory', limits),
      mechanism: limits.memoryBytes === undefined ? 'none' : 'rlimit',
      detail: limits.memoryBytes === undefined ? 'no cap configured' : `RLIMIT_AS of each process, not the pool as a whole (${why})`,
    },
    {
      limit: 'processes',
      setting: settings.processes,
      value: describeValue('processes', limits),
      mechanism: limits.processes === undefined ? 'none' : 'rlimit',
      detail: limits.processes === undefined ? 'no cap configured' : `RLIMIT_NPROC of each session (${why})`,
    },
  ];
  return { prefix: args.length > 0 ? [PROGRAMS.prlimit, ...args, '--'] : [], enforcement };
}
