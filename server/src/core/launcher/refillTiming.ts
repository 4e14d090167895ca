// When a pool of warm satellites refills after one is claimed (warmSatellites.ts). Pure.

/**
 * How long after a claim the pool is refilled if no session has ended meanwhile: a short session
 * ends first (and its end refills), so the fork is not in its time; a long one gets its pool
 * refilled while it runs, for the callers who come meanwhile.
 */
const REFILL_AFTER_CLAIM_MS = 250;

/**
 * A replacement's start (a runtime importing pandas: half a second of a CPU) competes with the
 * work around a session that moves many rows: the satellite reading its input, then the daemon
 * staging or sending the rows it returned. It waits about as long as that work takes: for the
 * claim, a millisecond per 50 KB of input past REFILL_AFTER_CLAIM_MS; at the session's end, a
 * millisecond per 5,000 cells returned. Never past REFILL_WAIT_MAX_MS; a session that moves little
 * refills as before. A million rows of five columns in and out, warm, through INSERT ... EXEC:
 * 1.28-1.62 s with the replacement starting beside the staging, 1.00-1.25 s without.
 */
const CLAIM_BYTES_PER_MS = 50_000;
const RETURNED_CELLS_PER_MS = 5_000;
const REFILL_WAIT_MAX_MS = 2000;

/** How long after a claim of `inputBytes` its pool refills, unless a session's end refills first. */
export function refillAfterClaimMs(inputBytes: number): number {
  return Math.min(REFILL_WAIT_MAX_MS, REFILL_AFTER_CLAIM_MS + Math.floor(inputBytes / CLAIM_BYTES_PER_MS));
}

/** How long after a session that returned `cells` values its pool refills (0: at once). */
export function refillAfterSessionMs(cells: number): number {
  return Math.min(REFILL_WAIT_MAX_MS, Math.floor(cells / RETURNED_CELLS_PER_MS));
}
