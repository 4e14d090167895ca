// What the launcher policy needs from the outside world, injected so that the core stays pure
// and its tests control time.

export interface Clock {
  /** Milliseconds since an arbitrary origin; only differences are used. */
  now(): number;
  /** Calls fn once after ms; the returned function cancels the call if it has not happened. */
  after(ms: number, fn: () => void): () => void;
}
