// One launcher per sessions root, and per pool of worker accounts: the start-up sweep removes
// every session folder and cgroup under its root and kills every process of its workers, which
// must never hit the sessions of another launcher that is still alive. The lock is a kernel lock
// (../kernelLock.ts): released by the kernel when its holder dies, so two launchers that start
// after a crash cannot both take it, as they could when each judged a lock file stale, removed it
// and created it again. The pid file beside it only tells people who holds it.
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { takeKernelLock } from '../kernelLock';

const PID_FILE = 'launcher.lock';
/** Where worker-pool pid files live: root-only, and gone after a reboot like the processes they name. */
const WORKER_LOCKS = '/run/sqlml';

export type Locked = { ok: true; release: () => void } | { ok: false; problem: string };

async function lock(name: string, pidFile: string, taken: (holder: string) => string): Promise<Locked> {
  try {
    const outcome = await takeKernelLock(name, pidFile);
    if (outcome.ok) return outcome;
    return { ok: false, problem: taken(outcome.holder === null ? 'pid unknown' : `pid ${outcome.holder}`) };
  } catch (e) {
    return { ok: false, problem: `Cannot take the lock ${pidFile}: ${(e as Error).message}` };
  }
}

export function lockRoot(root: string): Promise<Locked> {
  const digest = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 40);
  return lock(`sqlml-launcher-root-${digest}`, join(root, PID_FILE), (holder) => `Another launcher (${holder}) serves ${root}; use another sessions root.`);
}

/** Accounts mode: the workers <prefix>01… belong to one launcher at a time. */
export async function lockWorkers(prefix: string): Promise<Locked> {
  try {
    mkdirSync(WORKER_LOCKS, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, problem: `Cannot create ${WORKER_LOCKS}: ${(e as Error).message}` };
  }
  return lock(
    `sqlml-launcher-workers-${prefix}`,
    join(WORKER_LOCKS, `workers-${prefix}.lock`),
    (holder) => `The workers ${prefix}01… are served by another launcher (${holder}); a pool's workers belong to one launcher.`,
  );
}
