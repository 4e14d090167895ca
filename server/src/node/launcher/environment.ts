// The satellite's environment is built from this allow-list alone: nothing of the launcher's own
// environment (secrets included) is ever passed on, and nothing in it is a secret (bubblewrap
// gets it on its command line, which every local user can read).
import { HUGE_PAGE_MALLOC } from '../../core/launcher/hugePageMalloc';
import { LOOPBACK_FD } from './loopbackDescriptor';

export interface EnvironmentInput {
  sessionId: string;
  folder: string;
  worker: string;
  /** The session has a loopback channel (as descriptor LOOPBACK_FD). */
  loopback: boolean;
  /** External library folders, searched first by the runners (runner.py, runner.R). */
  libraryPaths?: readonly string[];
  /** The instance's @@SERVERNAME, a name the session's TDS relay answers to (tds_relay.py). */
  serverName?: string;
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function satelliteEnvironment(input: EnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: input.folder,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    USER: input.worker,
    LOGNAME: input.worker,
    SQLML_SESSION_ID: input.sessionId,
    // The runners' columns on huge pages: a warm R session echoing a million rows took 0.37 s of
    // its runner's time with 4 KiB pages, 0.11-0.26 s with them (hugePageMalloc.ts).
    GLIBC_TUNABLES: HUGE_PAGE_MALLOC,
  };
  // A descriptor number, not a secret: only the process holding the descriptor can use it.
  if (input.loopback) env.SQLML_LOOPBACK_FD = String(LOOPBACK_FD);
  // Paths the request check refused ':' in; not secrets.
  if (input.libraryPaths && input.libraryPaths.length > 0) env.SQLML_LIBRARY_PATHS = input.libraryPaths.join(':');
  // Only a name that can be a host name: it goes into the sandbox's hosts file. Not a secret.
  if (input.serverName && HOST_NAME.test(input.serverName)) env.SQLML_SERVER_NAME = input.serverName;
  return env;
}

/** The names a satellite may have in its environment (the posture probe checks against these). */
export const ALLOWED_VARIABLES: ReadonlySet<string> = new Set([
  'PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER', 'LOGNAME', 'GLIBC_TUNABLES', 'SQLML_SESSION_ID', 'SQLML_LOOPBACK_FD', 'SQLML_LIBRARY_PATHS', 'SQLML_SERVER_NAME',
  // bubblewrap sets PWD itself after --chdir.
  'PWD',
]);
