// Identity mapping, as Launchpad does it: a caller is mapped to a free worker for the lifetime
// of one statement; statements of the same caller that overlap share that worker; when no
// worker is free the request waits in FIFO order for a bounded time, then fails naming the pool.
import { formatDuration, launcherError, type LauncherError } from './errors';
import type { Clock } from './ports';
import { plural } from '../text/plural';

export interface Lease {
  readonly worker: string;
  /** Ends this statement's use of the worker; idempotent. */
  release(): void;
}

export type Acquired = { ok: true; lease: Lease } | { ok: false; error: LauncherError };

export interface PendingAcquisition {
  readonly result: Promise<Acquired>;
  /** The lease when a worker was free at once (the request did not queue). */
  readonly granted?: Lease;
  /** Gives up waiting (the statement was cancelled); a lease already granted is unaffected. */
  cancel(): void;
}

/** Whom a worker serves now, for the Pools view. */
export interface WorkerAssignment {
  worker: string;
  caller: string | undefined;
  statements: number;
}

interface Slot {
  name: string;
  caller: string | undefined;
  statements: number;
}

interface Waiter {
  caller: string;
  settle(result: Acquired): void;
}

export class WorkerMapper {
  private readonly slots: Slot[];
  private readonly queue: Waiter[] = [];

  constructor(
    readonly poolName: string,
    workers: readonly string[],
    private readonly clock: Clock,
  ) {
    this.slots = workers.map((name) => ({ name, caller: undefined, statements: 0 }));
  }

  /**
   * prefer: among free workers, which to take first (one with a warm satellite ready); it never
   * changes whether the request gets a worker, only which free one.
   */
  acquire(caller: string, waitMs: number, prefer?: (worker: string) => boolean): PendingAcquisition {
    const free = this.slots.filter((s) => s.caller === undefined);
    const slot = this.slots.find((s) => s.caller === caller) ?? (prefer && free.find((s) => prefer(s.name))) ?? free[0];
    if (slot) {
      const granted = this.grant(slot, caller);
      return { result: Promise.resolve(granted), granted: granted.ok ? granted.lease : undefined, cancel: () => {} };
    }

    let settled = false;
    let cancelTimer = () => {};
    let resolve!: (value: Acquired) => void;
    const result = new Promise<Acquired>((r) => (resolve = r));
    const waiter: Waiter = {
      caller,
      settle: (value) => {
        if (settled) return;
        settled = true;
        cancelTimer();
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        resolve(value);
      },
    };
    this.queue.push(waiter);
    cancelTimer = this.clock.after(waitMs, () => waiter.settle({ ok: false, error: this.busyError(waitMs) }));
    return {
      result,
      cancel: () => waiter.settle({ ok: false, error: launcherError('cancelled', 'The statement was cancelled while it waited for a worker.') }),
    };
  }

  snapshot(): WorkerAssignment[] {
    return this.slots.map((s) => ({ worker: s.name, caller: s.caller, statements: s.statements }));
  }

  /** How many requests wait for a worker now. */
  get waiting(): number {
    return this.queue.length;
  }

  private grant(slot: Slot, caller: string): Acquired {
    slot.caller = caller;
    slot.statements++;
    let released = false;
    const lease: Lease = {
      worker: slot.name,
      release: () => {
        if (released) return;
        released = true;
        slot.statements--;
        if (slot.statements === 0) {
          slot.caller = undefined;
          this.handOver(slot);
        }
      },
    };
    return { ok: true, lease };
  }

  // The freed worker goes to the oldest waiter; other waiters of that same caller join it at
  // once, since a caller's overlapping statements share one worker.
  private handOver(slot: Slot): void {
    const first = this.queue[0];
    if (!first) return;
    const sameCaller = this.queue.filter((w) => w.caller === first.caller);
    for (const waiter of sameCaller) waiter.settle(this.grant(slot, first.caller));
  }

  private busyError(waitMs: number): LauncherError {
    const size = this.slots.length;
    return launcherError(
      'pool-busy',
      `No worker of pool '${this.poolName}' became free within ${formatDuration(waitMs)}: all ${plural(size, 'worker')} of the pool are serving other callers.`,
    );
  }
}
