// One launcher per sessions root, and per pool of worker accounts: the start-up sweep removes
// every session folder and cgroup under its root and kills every process of its workers, which
// must never hit the sessions of another launcher that is still alive. A lock file names its
// holder by pid and process start time, so a crashed holder is recognised as gone even when its
// pid has been reused.
import { constants, openSync, readFileSync, unlinkSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { processInfo } from './procfs';

const LOCK_FILE = 'launcher.lock';
/** Where worker-pool locks live: root-only, and gone after a reboot like the processes they guard. */
const WORKER_LOCKS = '/run/sqlml';

export type Locked = { ok: true; release: () => void } | { ok: false; problem: string };

function holderAlive(text: string): number | undefined {
  const [pid, startTime] = text.trim().split(' ');
  const info = processInfo(Number(pid));
  // A zombie is a dead launcher whose parent has not reaped it yet.
  return info && info.state !== 'Z' && info.startTime === startTime ? info.pid : undefined;
}

function lockFile(path: string, taken: (holder: number) => string): Locked {
  const me = processInfo(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      writeSync(fd, `${process.pid} ${me?.startTime ?? ''}\n`);
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          try {
            unlinkSync(path);
          } catch {
            // Already removed.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, problem: `Cannot create ${path}: ${(e as Error).message}` };
      let holder: number | undefined;
      try {
        holder = holderAlive(readFileSync(path, 'utf8'));
      } catch {
        holder = undefined;
      }
      if (holder !== undefined) return { ok: false, problem: taken(holder) };
      // A crashed launcher's lock: take it over (the sweep that follows cleans up after it).
      unlinkSync(path);
    }
  }
  return { ok: false, problem: `Cannot take ${path}: another launcher is starting at the same time.` };
}

export function lockRoot(root: string): Locked {
  return lockFile(join(root, LOCK_FILE), (pid) => `Another launcher (pid ${pid}) serves ${root}; use another sessions root.`);
}

/** Accounts mode: the workers <prefix>01… belong to one launcher at a time. */
export function lockWorkers(prefix: string): Locked {
  try {
    mkdirSync(WORKER_LOCKS, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, problem: `Cannot create ${WORKER_LOCKS}: ${(e as Error).message}` };
  }
  return lockFile(join(WORKER_LOCKS, `workers-${prefix}.lock`), (pid) => `The workers ${prefix}01… are served by another launcher (pid ${pid}); a pool's workers belong to one launcher.`);
}
