// What one caller may cost the daemon: the size of a message, how many connections, how long a
// connection may sit without logging in or take to send a message. Before the Hello nobody is
// known, so a message is at most a few KiB (a Hello is ~200 bytes); after it, the instance's
// configuration decides (instance.json, "daemon": { … }), as large scripts are a logged-in need.
import { InstanceConfigError, type InstanceConfig } from './instanceConfig';

export interface DaemonLimits {
  /** The largest message accepted before the connection has a login. */
  maxMessageBytesBeforeLogin: number;
  /** The largest message accepted from a logged-in connection (a script, with its parameters). */
  maxMessageBytes: number;
  /** Connections at once, all users together, logged in or not. */
  maxConnections: number;
  /** Connections at once through one OS user's socket. */
  maxConnectionsPerUser: number;
  /** A connection that has not logged in by then is closed. */
  loginTimeoutMs: number;
  /** A message whose header and body have not all arrived by then, counted from its first byte, closes its connection. */
  messageTimeoutMs: number;
  /**
   * Runs a connection may have waiting behind the one it is running (a session runs one at a time);
   * past it a run is refused: each holds its text, up to maxMessageBytes, until its turn.
   */
  maxRunsWaiting: number;
}

export const DEFAULT_DAEMON_LIMITS: DaemonLimits = {
  maxMessageBytesBeforeLogin: 64 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
  maxConnections: 256,
  maxConnectionsPerUser: 64,
  loginTimeoutMs: 10_000,
  messageTimeoutMs: 30_000,
  maxRunsWaiting: 16,
};

/** The settings instance.json may give, in the units people write them in. */
export interface DaemonSettings {
  maxMessageBytes?: number;
  maxConnections?: number;
  maxConnectionsPerUser?: number;
  loginTimeoutSeconds?: number;
  messageTimeoutSeconds?: number;
  maxRunsWaiting?: number;
}

// V8 cannot hold a string much past 512 MiB: a larger message could never be parsed anyway.
const BOUNDS: Record<keyof DaemonSettings, [number, number]> = {
  maxMessageBytes: [64 * 1024, 512 * 1024 * 1024],
  maxConnections: [1, 100_000],
  maxConnectionsPerUser: [1, 100_000],
  loginTimeoutSeconds: [1, 3600],
  messageTimeoutSeconds: [1, 3600],
  maxRunsWaiting: [0, 10_000],
};

export function daemonLimits(config: InstanceConfig, configFile: string): DaemonLimits {
  const settings = (config.daemon ?? {}) as Record<string, unknown>;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new InstanceConfigError(`${configFile}: "daemon" must be an object`);
  for (const key of Object.keys(settings)) {
    if (!(key in BOUNDS)) throw new InstanceConfigError(`${configFile}: "daemon" has no setting "${key}" (known: ${Object.keys(BOUNDS).join(', ')})`);
  }
  const value = (key: keyof DaemonSettings, fallback: number): number => {
    const given = settings[key];
    if (given === undefined) return fallback;
    const [low, high] = BOUNDS[key];
    if (typeof given !== 'number' || !Number.isInteger(given) || given < low || given > high) {
      throw new InstanceConfigError(`${configFile}: "daemon.${key}" must be a whole number from ${low} to ${high}, not ${JSON.stringify(given)}`);
    }
    return given;
  };
  const d = DEFAULT_DAEMON_LIMITS;
  return {
    maxMessageBytesBeforeLogin: d.maxMessageBytesBeforeLogin,
    maxMessageBytes: value('maxMessageBytes', d.maxMessageBytes),
    maxConnections: value('maxConnections', d.maxConnections),
    maxConnectionsPerUser: value('maxConnectionsPerUser', d.maxConnectionsPerUser),
    loginTimeoutMs: value('loginTimeoutSeconds', d.loginTimeoutMs / 1000) * 1000,
    messageTimeoutMs: value('messageTimeoutSeconds', d.messageTimeoutMs / 1000) * 1000,
    maxRunsWaiting: value('maxRunsWaiting', d.maxRunsWaiting),
  };
}
