// The satellite's environment is built from this allow-list alone: nothing of the launcher's own
// environment (secrets included) is ever passed on.
export interface EnvironmentInput {
  sessionId: string;
  folder: string;
  worker: string;
  loopback?: { socketPath: string; token?: string };
}

/** Where the loopback socket appears inside the sandbox. */
export const LOOPBACK_SOCKET_IN_SANDBOX = '/run/sqlml/loopback.sock';

export function satelliteEnvironment(input: EnvironmentInput, loopbackPath: string | undefined): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: input.folder,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    USER: input.worker,
    LOGNAME: input.worker,
    SQLML_SESSION_ID: input.sessionId,
  };
  if (input.loopback && loopbackPath) {
    env.SQLML_LOOPBACK_SOCKET = loopbackPath;
    if (input.loopback.token) env.SQLML_LOOPBACK_TOKEN = input.loopback.token;
  }
  return env;
}

/** The names a satellite may have in its environment (the posture probe checks against these). */
export const ALLOWED_VARIABLES: ReadonlySet<string> = new Set([
  'PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER', 'LOGNAME', 'SQLML_SESSION_ID', 'SQLML_LOOPBACK_SOCKET', 'SQLML_LOOPBACK_TOKEN',
  // bubblewrap sets PWD itself after --chdir.
  'PWD',
]);
