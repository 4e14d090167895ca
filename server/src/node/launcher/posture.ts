// The start-up posture probe: the launcher starts a real sandbox per pool, exactly as a session
// gets it, and reads the sandboxed process from outside through /proc (the gVisor
// sandboxposture pattern): identity, capabilities, no-new-privileges, namespaces, network
// interfaces, environment, descriptors and cgroups. Any difference from what the mode promises
// is a reason to refuse to serve.
import { randomUUID } from 'node:crypto';
import type { IsolationMode } from '../../core/launcher/sessions';
import { waitFor } from './cgroups/cgroupFs';
import type { LauncherContext, PoolRuntime } from './context';
import { ALLOWED_VARIABLES } from './environment';
import {
  cgroupLines,
  commandName,
  descendants,
  environmentNames,
  interfaces,
  namespaceIds,
  NAMESPACES,
  openFds,
  processStatus,
  type NamespaceName,
} from './procfs';
import { openSandbox } from './sandboxSession';

export interface ObservedPosture {
  status: Map<string, string>;
  namespaces: Partial<Record<NamespaceName, string>>;
  launcherNamespaces: Partial<Record<NamespaceName, string>>;
  interfaces: string[];
  environment: string[];
  fds: number[];
  cgroups: string[];
}

export interface ExpectedPosture {
  mode: IsolationMode;
  uid: number;
  gid: number;
  allowNetwork: boolean;
  /** Suffixes the process's /proc/<pid>/cgroup lines must show (the session's cgroup). */
  cgroupSuffix: string | undefined;
}

const CAPABILITY_FIELDS = ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'];

/** Every way the observed process differs from what the mode promises; empty when it holds. */
export function judgePosture(seen: ObservedPosture, want: ExpectedPosture): string[] {
  const problems: string[] = [];
  const extraEnv = seen.environment.filter((name) => !ALLOWED_VARIABLES.has(name));
  if (extraEnv.length > 0) problems.push(`the satellite's environment holds variables outside the allow-list: ${extraEnv.join(', ')}`);
  const extraFds = seen.fds.filter((fd) => fd > 2);
  if (extraFds.length > 0) problems.push(`the satellite holds descriptors beyond 0-2: ${extraFds.join(', ')}`);
  if (want.mode === 'none') return problems;

  const ids = (field: string) => (seen.status.get(field) ?? '').split(/\s+/).map(Number);
  if (!ids('Uid').every((id) => id === want.uid)) problems.push(`the satellite runs as uid ${seen.status.get('Uid')}, not ${want.uid}`);
  if (!ids('Gid').every((id) => id === want.gid)) problems.push(`the satellite runs as gid ${seen.status.get('Gid')}, not ${want.gid}`);
  if (want.mode === 'accounts' && (seen.status.get('Groups') ?? '') !== '') problems.push(`the satellite keeps supplementary groups ${seen.status.get('Groups')}`);
  for (const field of CAPABILITY_FIELDS) {
    if (!/^0+$/.test(seen.status.get(field) ?? '')) problems.push(`the satellite holds capabilities (${field} ${seen.status.get(field)})`);
  }
  if (seen.status.get('NoNewPrivs') !== '1') problems.push('the satellite may gain privileges (NoNewPrivs is not set)');
  for (const ns of NAMESPACES) {
    if (ns === 'net' && want.allowNetwork) continue;
    const mine = seen.launcherNamespaces[ns];
    if (mine !== undefined && seen.namespaces[ns] === mine) problems.push(`the satellite shares the launcher's ${ns} namespace`);
  }
  if (!want.allowNetwork && seen.interfaces.some((i) => i !== 'lo')) problems.push(`the satellite sees network interfaces ${seen.interfaces.join(', ')}`);
  if (want.cgroupSuffix && !seen.cgroups.some((line) => line.endsWith(want.cgroupSuffix!))) problems.push(`the satellite is not in its session cgroup (${seen.cgroups.join('; ')})`);
  return problems;
}

const PROBE_COMMAND = ['/usr/bin/sleep', '30'];

/** Probes one pool with its first worker; returns the problems found (empty: the mode holds). */
export async function probePool(ctx: LauncherContext, pool: PoolRuntime, worker: string): Promise<string[]> {
  const id = randomUUID().toUpperCase();
  let stderr = '';
  const opened = await openSandbox(ctx, {
    pool,
    worker,
    id,
    writeFiles: async () => undefined,
    command: () => PROBE_COMMAND,
    onStdout: () => {},
    onStderr: (b) => (stderr += b.toString('utf8')),
  });
  if (!opened.ok) return [opened.message];
  const { sandbox } = opened;
  const problems: string[] = [];
  try {
    let target: number | undefined;
    let ended = false;
    void sandbox.satellite.exited.then(() => (ended = true));
    await waitFor(() => {
      const pid = sandbox.satellite.pid;
      if (pid === undefined || ended) return true;
      target = [{ pid }, ...descendants(pid)].find((p) => commandName(p.pid) === 'sleep')?.pid;
      return target !== undefined;
    }, 5000);
    if (target === undefined) {
      const exit = ended ? await sandbox.satellite.exited : undefined;
      problems.push(sandboxFailure(ctx, exit?.startError, stderr));
      return problems;
    }
    const account = pool.accounts.get(worker);
    const seen: ObservedPosture = {
      status: processStatus(target) ?? new Map(),
      namespaces: namespaceIds(target),
      launcherNamespaces: namespaceIds('self'),
      interfaces: interfaces(target),
      environment: environmentNames(target) ?? [],
      fds: openFds(target) ?? [],
      cgroups: cgroupLines(target),
    };
    problems.push(
      ...judgePosture(seen, {
        mode: ctx.mode,
        uid: account?.uid ?? ctx.uid,
        gid: account?.gid ?? ctx.gid,
        allowNetwork: pool.settings.allowNetwork,
        cgroupSuffix: sandbox.cgroup ? `/${ctx.cgroupName}/${pool.settings.name}/${id}` : undefined,
      }).map((p) => `Pool '${pool.settings.name}': ${p}.`),
    );
    return problems;
  } finally {
    await sandbox.killAll();
    await sandbox.satellite.exited;
    problems.push(...(await sandbox.close(false)));
  }
}

function sandboxFailure(ctx: LauncherContext, startError: string | undefined, stderr: string): string {
  const first = ctx.mode === 'none' ? PROBE_COMMAND[0] : ctx.settings.bwrapPath;
  if (startError === 'ENOENT') {
    return ctx.mode === 'none'
      ? `${first} was not found.`
      : `bubblewrap was not found at ${first}: install Debian's bubblewrap (apt-get install bubblewrap) or set bwrapPath.`;
  }
  const said = stderr.trim();
  const hint = /namespace/i.test(said) ? ' Unprivileged user namespaces must be enabled (sysctl user.max_user_namespaces > 0).' : '';
  return `The sandbox could not be started${startError ? ` (${startError})` : ''}${said ? `: ${said}` : ''}.${hint}`;
}
