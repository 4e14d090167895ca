// What was found in each batch of a document, kept across edits. The lexer starts each batch
// afresh after its GO line and T-SQL scopes variables to the batch, so what a batch yields depends
// only on the text it read: after an edit, batches that read nothing past the first change are
// kept as they are, batches in the unchanged tail are kept and moved by the edit's length change,
// and only the batches between are scanned again.
import { TokenPool } from './lexer';

/** One batch: its text is [start, next) of the document, and scanning it read the text up to reach. */
export interface CachedBatch<T> {
  start: number;
  next: number;
  /** The last offset scanning the batch read (next, or further: see lexBatch). */
  reach: number;
  value: T;
}

/**
 * Scans the batch that begins at `from` (as lexBatch lexes it), lexing it through `pool`: one pool
 * serves the batches of one update, each scanned whole before the next, and goes with it (kept,
 * it would hold the tokens of the document's longest batch for as long as the document is open).
 */
export type BatchScan<T> = (text: string, from: number, pool: TokenPool) => { next: number; reach: number; value: T };

/** The same value for a document in which the batch's text moved by `delta`. */
export type BatchShift<T> = (value: T, delta: number) => T;

export class BatchCache<T> {
  private text = '';
  private batches: CachedBatch<T>[] = [];
  private scannedLast = 0;

  constructor(
    private readonly scan: BatchScan<T>,
    private readonly shift: BatchShift<T>,
  ) {}

  /** How many batches the last update scanned again. */
  get scanned(): number {
    return this.scannedLast;
  }

  /** The batches of `text`, in order: every batch of the text, each either kept or scanned again. */
  update(text: string): readonly CachedBatch<T>[] {
    const old = this.text;
    const oldBatches = this.batches;
    const delta = text.length - old.length;
    const prefix = commonPrefixLength(old, text);
    const suffix = commonSuffixLength(old, text, Math.min(old.length, text.length) - prefix);
    const batches: CachedBatch<T>[] = [];
    const unchanged = prefix === old.length && prefix === text.length;
    let from = 0;
    let scanned = 0;
    const pool = new TokenPool();
    while (from < text.length) {
      if (from < prefix) {
        // Kept as it is: a batch began here before, and read only text before the first change.
        const k = batchStartingAt(oldBatches, from);
        if (k >= 0 && (unchanged || oldBatches[k]!.reach < prefix)) {
          batches.push(oldBatches[k]!);
          from = oldBatches[k]!.next;
          continue;
        }
      } else if (from >= text.length - suffix) {
        // From here on the text is the old text moved by delta: if a batch began here, it and
        // every batch after it are the same, moved.
        const k = batchStartingAt(oldBatches, from - delta);
        if (k >= 0) {
          for (let j = k; j < oldBatches.length; j++) batches.push(delta === 0 ? oldBatches[j]! : this.moved(oldBatches[j]!, delta));
          break;
        }
      }
      const { next, reach, value } = this.scan(text, from, pool);
      batches.push({ start: from, next, reach, value });
      scanned++;
      from = next;
    }
    this.text = text;
    this.batches = batches;
    this.scannedLast = scanned;
    return batches;
  }

  /** Forgets everything (the next update scans every batch). */
  clear(): void {
    this.text = '';
    this.batches = [];
    this.scannedLast = 0;
  }

  private moved(batch: CachedBatch<T>, delta: number): CachedBatch<T> {
    return { start: batch.start + delta, next: batch.next + delta, reach: batch.reach + delta, value: this.shift(batch.value, delta) };
  }
}

/** Index of the batch that begins at `start`, or -1. */
function batchStartingAt<T>(batches: readonly CachedBatch<T>[], start: number): number {
  let lo = 0;
  let hi = batches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = batches[mid]!.start;
    if (at === start) return mid;
    if (at < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Compared a block at a time (string equality is a native comparison), then character by character. */
const BLOCK = 256;

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n + BLOCK <= max && a.slice(n, n + BLOCK) === b.slice(n, n + BLOCK)) n += BLOCK;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonSuffixLength(a: string, b: string, max: number): number {
  let n = 0;
  while (n + BLOCK <= max && a.slice(a.length - n - BLOCK, a.length - n) === b.slice(b.length - n - BLOCK, b.length - n)) n += BLOCK;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}
