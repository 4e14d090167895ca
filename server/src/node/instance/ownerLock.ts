// One daemon owns an instance folder. The lock is a kernel lock (../kernelLock.ts) named after the
// folder, so a daemon killed with -9 never leaves the instance locked and two daemons starting at
// once can never both win. The pid file next to it is only for people and `status`.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readPidFile, takeKernelLock } from '../kernelLock';

export interface OwnerLock {
  release(): void;
}

export type LockOutcome = { ok: true; lock: OwnerLock } | { ok: false; pid: number | null };

function lockName(root: string): string {
  const digest = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 40);
  return `sqlml-instance-${digest}`;
}

export async function acquireOwnerLock(root: string, pidFile: string): Promise<LockOutcome> {
  const taken = await takeKernelLock(lockName(root), pidFile);
  return taken.ok ? { ok: true, lock: { release: taken.release } } : { ok: false, pid: taken.holder };
}

/** The pid the instance's pid file names (for people and `status`; the kernel lock decides). */
export const readOwner = readPidFile;
