// cgroup v1: one hierarchy per controller (/sys/fs/cgroup/{cpu,memory,pids,freezer,cpuacct}).
// A session joins the same relative path in each. v1 has no cgroup.kill, so a session is killed
// by freezing it, killing every pid, and thawing (isolation.md §2d measured 109 ms for five
// setsid daemons); without the freezer, kills repeat until the cgroup is empty.
import { join } from 'node:path';
import { describeValue, type ConcreteLimits, type LimitEnforcement } from '../../../core/launcher/limits';
import type { PoolUsage } from '../../../core/launcher/pools';
import type { CgroupDriver, Created, Prepared, SessionCgroup } from './driver';
import { heldBytesIn, killPids, makeDir, numberIn, pidsIn, readText, removeDir, setOomScoreAdj, statValue, subdirectories, tryRemoveDir, waitFor, writeControl } from './cgroupFs';
import { counter, poolLimitWrites } from './limitWrites';

export class CgroupV1 implements CgroupDriver {
  readonly version = 1;
  /** The distinct hierarchy roots a session joins (cpu and cpuacct may share one). */
  private readonly roots: string[];

  constructor(
    private readonly mounts: ReadonlyMap<string, string>,
    /** The launcher's folder in each hierarchy, e.g. "sqlml". */
    private readonly name: string,
  ) {
    this.roots = [...new Set(mounts.values())];
  }

  private dir(controller: string, ...parts: string[]): string | undefined {
    const mount = this.mounts.get(controller);
    return mount && join(mount, this.name, ...parts);
  }

  async preparePool(pool: string, limits: ConcreteLimits, settings: Record<'cpu' | 'memory' | 'processes', string>): Promise<Prepared> {
    for (const root of this.roots) {
      const error = makeDir(join(root, this.name, pool));
      if (error) return { ok: false, reason: `cannot create ${join(root, this.name, pool)} (${error})` };
    }
    const enforcement: LimitEnforcement[] = [];
    for (const write of poolLimitWrites(1, limits)) {
      const path = join(this.dir(write.controller, pool)!, write.file);
      const error = writeControl(path, write.value);
      if (error) return { ok: false, reason: `cannot write ${write.value} to ${path} (${error})` };
      if (write.file === 'cpu.cfs_period_us') continue;
      enforcement.push({ limit: write.limit, setting: settings[write.limit], value: describeValue(write.limit, limits), mechanism: 'cgroup v1', detail: path });
    }
    return { ok: true, enforcement };
  }

  async createSession(pool: string, id: string): Promise<Created> {
    for (const dir of this.sessionDirs(pool, id)) {
      const error = makeDir(dir);
      if (error) return { ok: false, reason: `cannot create ${dir} (${error})` };
    }
    return { ok: true, cgroup: this.session(pool, id) };
  }

  processLimitHits(pool: string): number {
    return counter(readText(join(this.dir('pids', pool)!, 'pids.events')), 'max');
  }

  poolUsage(pool: string): PoolUsage {
    const memory = this.dir('memory', pool);
    const cpuacct = this.dir('cpuacct', pool);
    // cpuacct.stat counts in USER_HZ, which Linux fixes at 100 a second for user space.
    const stat = cpuacct ? readText(join(cpuacct, 'cpuacct.stat')) : undefined;
    const ticksToMs = (ticks: number | null) => (ticks === null ? null : ticks * 10);
    return {
      peakMemoryBytes: memory ? numberIn(readText(join(memory, 'memory.max_usage_in_bytes'))) : null,
      cpuUserMs: ticksToMs(statValue(stat, 'user')),
      cpuKernelMs: ticksToMs(statValue(stat, 'system')),
      // The launcher does not join the blkio hierarchy: I/O is not counted per pool in v1.
      readIos: null,
      writeIos: null,
    };
  }

  poolHeldBytes(pool: string): number | null {
    const memory = this.dir('memory', pool);
    return memory ? heldBytesIn(readText(join(memory, 'memory.stat')), 'total_rss', 'total_shmem') : null;
  }

  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    const base = this.dir('pids')!;
    for (const poolDir of subdirectories(base)) {
      for (const sessionDir of subdirectories(poolDir)) {
        const cgroup = this.session(poolDir.slice(base.length + 1), sessionDir.slice(poolDir.length + 1));
        await cgroup.killAll();
        await cgroup.remove();
        removed.push(sessionDir);
      }
    }
    return removed;
  }

  async release(pools: readonly string[]): Promise<void> {
    for (const root of this.roots) {
      for (const pool of pools) tryRemoveDir(join(root, this.name, pool));
      tryRemoveDir(join(root, this.name));
    }
  }

  private sessionDirs(pool: string, id: string): string[] {
    return this.roots.map((root) => join(root, this.name, pool, id));
  }

  private session(pool: string, id: string): SessionCgroup {
    const dirs = this.sessionDirs(pool, id);
    const pidsDir = this.dir('pids', pool, id)!;
    const memoryDir = this.dir('memory', pool, id)!;
    const freezerDir = this.dir('freezer', pool, id);
    const cpuacctDir = this.dir('cpuacct', pool, id);
    const cpuDir = this.dir('cpu', pool, id);
    return {
      procsFiles: dirs.map((d) => join(d, 'cgroup.procs')),
      killAll: async () => {
        const frozen = freezerDir !== undefined && writeControl(join(freezerDir, 'freezer.state'), 'FROZEN') === undefined;
        if (frozen) await waitFor(() => readText(join(freezerDir, 'freezer.state'))?.trim() !== 'FREEZING', 500);
        killPids(pidsIn(pidsDir));
        if (frozen) writeControl(join(freezerDir, 'freezer.state'), 'THAWED');
        // Without a freezer a process may fork between listing and killing: repeat until empty.
        return waitFor(
          () => {
            const left = pidsIn(pidsDir);
            killPids(left);
            return left.length === 0;
          },
          2000,
        );
      },
      oomKills: () => counter(readText(join(memoryDir, 'memory.oom_control')), 'oom_kill'),
      processLimitHits: () => counter(readText(join(pidsDir, 'pids.events')), 'max'),
      cpuMs: () => {
        const ns = cpuacctDir && readText(join(cpuacctDir, 'cpuacct.usage'));
        return ns ? Number(ns) / 1e6 : undefined;
      },
      // cpu.shares: 2 is the kernel's minimum, 1024 the default every sibling has.
      setBackground: (background) => void (cpuDir && writeControl(join(cpuDir, 'cpu.shares'), background ? '2' : '1024')),
      clearOomPreference: () => setOomScoreAdj(pidsIn(pidsDir), 0),
      heldBytes: () => heldBytesIn(readText(join(memoryDir, 'memory.stat')), 'total_rss', 'total_shmem'),
      remove: async () => {
        for (const dir of dirs) await removeDir(dir);
      },
    };
  }
}
