// cgroup v2: one unified hierarchy. The launcher's folder and each pool delegate cpu, memory and
// pids to their children; sessions are leaves (v2's "no internal processes" rule holds because
// no process of ours lives in the launcher's or a pool's cgroup). A session is killed with
// cgroup.kill (Linux 5.14+), or by freezing and killing where that file is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeValue, type ConcreteLimits, type LimitEnforcement } from '../../../core/launcher/limits';
import type { PoolUsage } from '../../../core/launcher/pools';
import type { CgroupDriver, Created, Prepared, SessionCgroup } from './driver';
import { heldBytesIn, killPids, makeDir, numberIn, pidsIn, readText, removeDir, setOomScoreAdj, statValue, subdirectories, tryRemoveDir, waitFor, writeControl } from './cgroupFs';
import { NEEDED } from './layout';
import { counter, poolLimitWrites } from './limitWrites';

export class CgroupV2 implements CgroupDriver {
  readonly version = 2;

  constructor(
    private readonly mount: string,
    private readonly name: string,
  ) {}

  async preparePool(pool: string, limits: ConcreteLimits, settings: Record<'cpu' | 'memory' | 'processes', string>): Promise<Prepared> {
    const base = join(this.mount, this.name);
    const poolDir = join(base, pool);
    for (const dir of [base, poolDir]) {
      const error = makeDir(dir);
      if (error) return { ok: false, reason: `cannot create ${dir} (${error})` };
    }
    for (const dir of [this.mount, base, poolDir]) {
      const enabled = (readText(join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/);
      for (const controller of NEEDED.filter((c) => !enabled.includes(c))) {
        const error = writeControl(join(dir, 'cgroup.subtree_control'), `+${controller}`);
        if (error) return { ok: false, reason: `cannot enable ${controller} in ${dir} (${error})` };
      }
    }
    const enforcement: LimitEnforcement[] = [];
    for (const write of poolLimitWrites(2, limits)) {
      const path = join(poolDir, write.file);
      const error = writeControl(path, write.value);
      if (error) return { ok: false, reason: `cannot write ${write.value} to ${path} (${error})` };
      enforcement.push({ limit: write.limit, setting: settings[write.limit], value: describeValue(write.limit, limits), mechanism: 'cgroup v2', detail: path });
    }
    return { ok: true, enforcement };
  }

  async createSession(pool: string, id: string): Promise<Created> {
    const dir = join(this.mount, this.name, pool, id);
    const error = makeDir(dir);
    if (error) return { ok: false, reason: `cannot create ${dir} (${error})` };
    return { ok: true, cgroup: this.session(dir) };
  }

  processLimitHits(pool: string): number {
    return counter(readText(join(this.mount, this.name, pool, 'pids.events')), 'max');
  }

  poolUsage(pool: string): PoolUsage {
    const dir = join(this.mount, this.name, pool);
    const cpu = readText(join(dir, 'cpu.stat'));
    const usecToMs = (usec: number | null) => (usec === null ? null : Math.round(usec / 1000));
    // io.stat has a line per device ("8:0 rbytes=… wbytes=… rios=… wios=…") while the io controller is on.
    const io = readText(join(dir, 'io.stat'));
    const ios = (key: string) => (io === undefined ? null : [...io.matchAll(new RegExp(`\\b${key}=(\\d+)`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0));
    return {
      peakMemoryBytes: numberIn(readText(join(dir, 'memory.peak'))),
      cpuUserMs: usecToMs(statValue(cpu, 'user_usec')),
      cpuKernelMs: usecToMs(statValue(cpu, 'system_usec')),
      readIos: ios('rios'),
      writeIos: ios('wios'),
    };
  }

  poolHeldBytes(pool: string): number | null {
    return heldBytesIn(readText(join(this.mount, this.name, pool, 'memory.stat')), 'anon', 'shmem');
  }

  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    for (const poolDir of subdirectories(join(this.mount, this.name))) {
      for (const dir of subdirectories(poolDir)) {
        const cgroup = this.session(dir);
        await cgroup.killAll();
        await cgroup.remove();
        removed.push(dir);
      }
    }
    return removed;
  }

  async release(pools: readonly string[]): Promise<void> {
    for (const pool of pools) tryRemoveDir(join(this.mount, this.name, pool));
    tryRemoveDir(join(this.mount, this.name));
  }

  private session(dir: string): SessionCgroup {
    return {
      procsFiles: [join(dir, 'cgroup.procs')],
      killAll: async () => {
        if (existsSync(join(dir, 'cgroup.kill'))) writeControl(join(dir, 'cgroup.kill'), '1');
        else {
          writeControl(join(dir, 'cgroup.freeze'), '1');
          await waitFor(() => counter(readText(join(dir, 'cgroup.events')), 'frozen') === 1, 500);
          killPids(pidsIn(dir));
          writeControl(join(dir, 'cgroup.freeze'), '0');
        }
        return waitFor(
          () => {
            const left = pidsIn(dir);
            killPids(left);
            return left.length === 0;
          },
          2000,
        );
      },
      oomKills: () => counter(readText(join(dir, 'memory.events')), 'oom_kill'),
      processLimitHits: () => counter(readText(join(dir, 'pids.events')), 'max'),
      cpuMs: () => {
        const usec = counter(readText(join(dir, 'cpu.stat')), 'usage_usec');
        return usec / 1000;
      },
      // cpu.weight ranges 1..10000; 100 is the default every sibling has.
      setBackground: (background) => void writeControl(join(dir, 'cpu.weight'), background ? '1' : '100'),
      clearOomPreference: () => setOomScoreAdj(pidsIn(dir), 0),
      heldBytes: () => heldBytesIn(readText(join(dir, 'memory.stat')), 'anon', 'shmem'),
      remove: async () => {
        await removeDir(dir);
      },
    };
  }
}
