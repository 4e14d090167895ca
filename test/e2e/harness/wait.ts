// Waiting on conditions instead of sleeping: polls a probe until it returns a value, and on timeout says what was
// awaited and what was last seen.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message: "the Problems panel to show SQLML200". */
  what: string;
  intervalMs?: number;
  /** Describes the last state seen, for the timeout message. */
  lastSeen?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns something other than undefined (or false), and returns that. A probe that throws
 * ends the wait with its error.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) {
      const seen = options.lastSeen ? `; last seen: ${await options.lastSeen()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${seen}`);
    }
    await sleep(interval);
  }
}
