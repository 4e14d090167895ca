// Launcher failures are values with a stable code and a sentence for the user, never exceptions.

export type LauncherErrorCode =
  /** The request itself is wrong: a bad name, an unsupported type, a malformed value. */
  | 'invalid-request'
  /** The request names a pool the launcher does not have. */
  | 'unknown-pool'
  /** Every worker stayed busy for the whole bounded wait. */
  | 'pool-busy'
  /** The statement was cancelled while it waited for a worker. */
  | 'cancelled'
  /** The launcher has been closed. */
  | 'not-serving';

export interface LauncherError {
  code: LauncherErrorCode;
  message: string;
}

export function launcherError(code: LauncherErrorCode, message: string): LauncherError {
  return { code, message };
}

/** "30 s", "1.5 s", "250 ms": durations in messages read the way people say them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} s`;
}
