// One sandboxed process tree with its session folder and cgroup, from creation to removal. Both
// script sessions and the start-up posture probe go through here, so the probe checks exactly
// what scripts get.
import type { SessionCgroup } from './cgroups/driver';
import type { LauncherContext, PoolRuntime } from './context';
import { satelliteEnvironment } from './environment';
import { createSessionFolder, removeSessionFolder, type SessionFolder } from './folders';
import { startSatellite, type RunningSatellite } from './satellite';
import { spawnPlan } from './sandbox';

export interface SandboxRequest {
  pool: PoolRuntime;
  worker: string;
  id: string;
  /** Writes the session's files into the folder before anything of the worker runs. */
  writeFiles(folder: string): Promise<string | undefined>;
  command(folder: string): string[];
  /** Give the satellite a loopback channel (RunningSatellite.channel is the launcher's end). */
  loopback?: boolean;
  /**
   * Give the satellite descriptor 3 without saying so in its environment: a warm satellite gets
   * its session over it when claimed (warmSatellites.ts), then, if the session has one, uses it as
   * the loopback channel.
   */
  handoff?: boolean;
  /**
   * Start in the background of its pool: the least CPU (cgroups.setBackground) and, in accounts
   * mode, the OOM killer's first choice (a warm satellite until claimed).
   */
  background?: boolean;
  /** Host folders the satellite sees read-only at the same path (external libraries), in search order. */
  readOnlyBinds?: readonly string[];
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

export interface OpenSandbox {
  folder: SessionFolder;
  cgroup: SessionCgroup | undefined;
  satellite: RunningSatellite;
  /** The uid files written by the satellite belong to. */
  ownerUid: number;
  /** Kills every process of the session; resolves once none is left (or none can be found). */
  killAll(): Promise<void>;
  /** After the satellite exited: makes sure nothing of it survives, then removes folder and cgroup. */
  close(keepFolder: boolean): Promise<string[]>;
}

export type Opened = { ok: true; sandbox: OpenSandbox } | { ok: false; message: string };

export async function openSandbox(ctx: LauncherContext, request: SandboxRequest): Promise<Opened> {
  const { settings, mode } = ctx;
  const account = mode === 'accounts' ? request.pool.accounts.get(request.worker) : undefined;
  if (mode === 'accounts' && !account) return { ok: false, message: `The worker ${request.worker} has no account.` };
  const created = await createSessionFolder(settings.sessionsRoot, request.worker, request.id, { mode, gid: account?.gid });
  if (!created.ok) return created;
  const folder = created.folder;

  const problem = await request.writeFiles(folder.path);
  if (problem) {
    await removeSessionFolder(folder);
    return { ok: false, message: problem };
  }

  let cgroup: SessionCgroup | undefined;
  if (request.pool.cgroups) {
    const made = await request.pool.cgroups.createSession(request.pool.settings.name, request.id);
    if (!made.ok) {
      await removeSessionFolder(folder);
      return { ok: false, message: `Cannot create the session's cgroup: ${made.reason}` };
    }
    cgroup = made.cgroup;
    if (request.background) cgroup.setBackground(true);
  }

  const loopback = request.loopback === true;
  const readOnlyBinds = request.readOnlyBinds ?? [];
  const env = satelliteEnvironment({ sessionId: request.id, folder: folder.path, worker: request.worker, loopback, libraryPaths: readOnlyBinds, serverName: settings.serverName });
  const plan = spawnPlan(
    {
      mode,
      bwrapPath: settings.bwrapPath,
      ...(account ? { worker: { uid: account.uid, gid: account.gid } } : {}),
      cgroupProcs: cgroup?.procsFiles ?? [],
      // Only root can rank the satellite like a session's again when one claims it.
      oomFirst: request.background === true && mode === 'accounts',
      rlimitPrefix: request.pool.rlimitPrefix,
      folder: folder.path,
      allowNetwork: request.pool.settings.allowNetwork,
      quotaBytes: request.pool.limits.storageBytes,
      keepFolder: settings.keepSessionFolders,
      loopback: loopback || request.handoff === true,
      readOnlyBinds,
      env,
      command: request.command(folder.path),
    },
    ctx.host,
  );
  const satellite = startSatellite(plan, request.onStdout, request.onStderr, mode === 'none');

  const killAll = async () => {
    satellite.kill();
    if (cgroup) await cgroup.killAll();
  };
  return {
    ok: true,
    sandbox: {
      folder,
      cgroup,
      satellite,
      ownerUid: account?.uid ?? ctx.uid,
      killAll,
      close: async (keepFolder) => {
        const problems: string[] = [];
        satellite.kill();
        satellite.channel?.destroy();
        // Nothing of the session may run while its folder is deleted (isolation.md §3, rule 1).
        if (cgroup && !(await cgroup.killAll())) problems.push(`Processes of session ${request.id} survived the kill.`);
        if (!keepFolder) {
          const removed = await removeSessionFolder(folder);
          if (removed) problems.push(removed);
        }
        await cgroup?.remove();
        return problems;
      },
    },
  };
}
