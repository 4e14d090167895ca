// The instance's one catalog writer at a time. A statement that changes the catalog (logins,
// users, permissions, objects, procedures, pools, configuration) takes it before it reads the
// catalog it computes the change from; outside a transaction it gives it back when the statement
// ends, inside one at COMMIT or ROLLBACK. So a transaction's staged catalog is always based on the
// committed one, and publishing it at COMMIT loses no other session's change: those wait, as
// SQL Server's catalog locks make them wait. Waiting ends early when the waiter's run is cancelled.
// The holder may take it again (runs of one session at once, a statement inside a transaction):
// it is free once every hold is given back.
import type { CancelSignal } from './ports';

export class CatalogLock {
  private holder: number | null = null;
  private holdCount = 0;
  private readonly queue: { owner: number; grant: () => void }[] = [];

  holds(owner: number): boolean {
    return this.holder === owner;
  }

  /** Resolves true once `owner` holds the lock, false when the signal aborted first. */
  acquire(owner: number, signal: CancelSignal): Promise<boolean> {
    if (this.holder === owner || this.holder === null) {
      this.holder = owner;
      this.holdCount++;
      return Promise.resolve(true);
    }
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        owner,
        grant: () => {
          signal.removeEventListener('abort', abandon);
          resolve(true);
        },
      };
      const abandon = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        resolve(false);
      };
      this.queue.push(waiter);
      signal.addEventListener('abort', abandon);
    });
  }

  /** Gives back one hold of `owner`; the last one gives the lock to the next waiter. */
  release(owner: number): void {
    if (this.holder !== owner || --this.holdCount > 0) return;
    const next = this.queue.shift();
    this.holder = next ? next.owner : null;
    this.holdCount = next ? 1 : 0;
    next?.grant();
  }

  /** Gives back every hold of `owner` (a session that closes). */
  releaseAll(owner: number): void {
    if (this.holder !== owner) return;
    this.holdCount = 1;
    this.release(owner);
  }
}
