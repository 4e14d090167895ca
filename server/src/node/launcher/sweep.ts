// What a launcher removes at start, left by one that crashed: every process still running as a
// pool worker, every session cgroup (its processes killed first), then every session folder
// (tmpfs unmounted, plain folders removed with rm --one-file-system) — in that order, so that
// nothing of a dead session runs while its folder is deleted.
import type { LauncherContext } from './context';
import { killPids, waitFor } from './cgroups/cgroupFs';
import { sweepSessionFolders } from './folders';
import { listProcesses } from './procfs';

export interface SweepReport {
  processes: number;
  cgroups: string[];
  folders: string[];
}

export async function sweepLeftovers(ctx: LauncherContext): Promise<SweepReport> {
  const uids = new Set<number>();
  for (const pool of ctx.pools.values()) for (const account of pool.accounts.values()) uids.add(account.uid);
  // Zombies are already dead: only PID 1 can reap them, and nothing can kill them further.
  const workerProcesses = () => listProcesses().filter((p) => uids.has(p.uid) && p.state !== 'Z').map((p) => p.pid);
  const stray = workerProcesses();
  killPids(stray);
  await waitFor(() => workerProcesses().length === 0, 2000, 10);

  const cgroups: string[] = [];
  const drivers = new Set([...ctx.pools.values()].map((p) => p.cgroups).filter((d) => d !== undefined));
  for (const driver of drivers) cgroups.push(...(await driver.sweep()));

  const folders = await sweepSessionFolders(ctx.settings.sessionsRoot);
  return { processes: stray.length, cgroups, folders };
}
