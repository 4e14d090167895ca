// One daemon owns an instance folder. The lock is a Unix socket in Linux's abstract namespace,
// named after the folder: the kernel allows one listener per name and releases it when the
// process dies, so a daemon killed with -9 never leaves the instance locked and two daemons
// starting at once can never both win. The pid file next to it is only for people and `status`.
import { createHash } from 'node:crypto';
import { realpathSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { writeDurably } from './durableFile';

export interface OwnerLock {
  release(): void;
}

export type LockOutcome = { ok: true; lock: OwnerLock } | { ok: false; pid: number | null };

function lockName(root: string): string {
  const digest = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 40);
  return `\0sqlml-instance-${digest}`;
}

export async function acquireOwnerLock(root: string, pidFile: string): Promise<LockOutcome> {
  const server: Server = createServer((socket) => socket.destroy());
  const bound = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
    server.listen({ path: lockName(root) }, () => resolve(true));
  });
  if (!bound) return { ok: false, pid: readOwner(pidFile) };
  server.unref();
  writeDurably(pidFile, String(process.pid));
  return {
    ok: true,
    lock: {
      release: () => {
        if (readOwner(pidFile) === process.pid) {
          try {
            unlinkSync(pidFile);
          } catch {
            /* already gone */
          }
        }
        server.close();
      },
    },
  };
}

export function readOwner(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
