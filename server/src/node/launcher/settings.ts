// The launcher's settings, typed: the lead wires these to VS Code settings and to the instance.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostCapacity } from '../../core/launcher/limits';
import { defaultPool, validatePools, type PoolSettings } from '../../core/launcher/pools';
import type { IsolationMode } from '../../core/launcher/sessions';
import { DEFAULT_HISTORY_SIZE } from '../../core/launcher/sessions';

export interface LauncherSettings {
  /**
   * accounts: root, a real Unix user per worker, bubblewrap after the switch to it, cgroups.
   * namespaces: bubblewrap as the current (non-root) user. none: plain processes, unisolated.
   */
  mode: IsolationMode;
  /** The trusted folder holding <worker>/<session GUID> folders. */
  sessionsRoot: string;
  pools: PoolSettings[];
  /** Debian's interpreter (python3 + python3-pandas), not whatever python3 is first on PATH. */
  pythonPath: string;
  /** Rscript from r-base-core. */
  rscriptPath: string;
  bwrapPath: string;
  /** How long a request waits for a free worker before it fails. */
  workerWaitMs: number;
  /** Like JOB_CLEANUP_ON_EXIT=0: keep session folders after the session, for debugging. */
  keepSessionFolders: boolean;
  /** Per stream, what the script may print before the rest is discarded. */
  maxPrintedBytes: number;
  /** The largest result file (output data set and OUTPUT parameters) the launcher reads. */
  maxResultBytes: number;
  historySize: number;
  /**
   * The launcher's folder in each cgroup hierarchy. Undefined: derived from the sessions root, so
   * that two launchers never sweep each other's cgroups.
   */
  cgroupName: string | undefined;
  /** What 100% of MAX_CPU_PERCENT and MAX_MEMORY_PERCENT means; the machine's own by default. */
  capacity?: Partial<HostCapacity>;
  /**
   * The instance's @@SERVERNAME: a script's trusted connection to that name (the tutorials pass
   * @@SERVERNAME to their R and Python code) reaches its session's relay, as '.' and localhost do.
   */
  serverName?: string;
}

export function defaultMode(uid: number): IsolationMode {
  return uid === 0 ? 'accounts' : 'namespaces';
}

/** Root's sessions live in /var/lib; a user's in their state folder, never in a world-writable place. */
export function defaultSessionsRoot(uid: number): string {
  if (uid === 0) return '/var/lib/sqlml/sessions';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'sqlml', 'sessions');
}

export function defaultSettings(uid: number = process.getuid?.() ?? 0): LauncherSettings {
  return {
    mode: defaultMode(uid),
    sessionsRoot: defaultSessionsRoot(uid),
    pools: [defaultPool()],
    pythonPath: '/usr/bin/python3',
    rscriptPath: '/usr/bin/Rscript',
    bwrapPath: '/usr/bin/bwrap',
    workerWaitMs: 30_000,
    keepSessionFolders: false,
    maxPrintedBytes: 1024 * 1024,
    maxResultBytes: 1024 * 1024 * 1024,
    historySize: DEFAULT_HISTORY_SIZE,
    cgroupName: undefined,
  };
}

/** "sqlml-1a2b3c4d": one cgroup folder per sessions root (whose lock keeps it to one launcher). */
export function cgroupFolderName(settings: Pick<LauncherSettings, 'cgroupName' | 'sessionsRoot'>): string {
  return settings.cgroupName ?? `sqlml-${createHash('sha256').update(settings.sessionsRoot).digest('hex').slice(0, 8)}`;
}

/** Problems with settings that no probe is needed to see. */
export function validateSettings(settings: LauncherSettings): string[] {
  const problems = validatePools(settings.pools);
  for (const [name, path] of [
    ['sessionsRoot', settings.sessionsRoot],
    ['pythonPath', settings.pythonPath],
    ['rscriptPath', settings.rscriptPath],
    ['bwrapPath', settings.bwrapPath],
  ] as const) {
    if (!path.startsWith('/')) problems.push(`The setting ${name} must be an absolute path (got '${path}').`);
  }
  if (settings.cgroupName !== undefined && !/^[A-Za-z0-9_.-]+$/.test(settings.cgroupName)) problems.push(`The cgroup folder name '${settings.cgroupName}' must be a plain name.`);
  for (const [name, value] of [
    ['workerWaitMs', settings.workerWaitMs],
    ['maxPrintedBytes', settings.maxPrintedBytes],
    ['maxResultBytes', settings.maxResultBytes],
    ['historySize', settings.historySize],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) problems.push(`The setting ${name} must be a positive number (got ${value}).`);
  }
  return problems;
}
