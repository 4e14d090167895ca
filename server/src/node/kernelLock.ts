// A lock the kernel holds for us: a Unix socket listening on a name in Linux's abstract namespace.
// The kernel allows one listener per name and frees the name the moment its holder dies (even by
// kill -9), so there is no stale lock to judge and no window in which two processes that both saw
// a dead holder can both win, as there is with a lock file that is checked, unlinked and retaken.
// Used by the instance daemon (one per instance folder) and the launcher (one per sessions root
// and per pool of worker accounts). The socket is opened close-on-exec: children never inherit it.
// The pid file written beside it is only for people and `status`: the kernel decides who holds it.
import { closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';

export type KernelLockOutcome = { ok: true; release: () => void } | { ok: false; holder: number | null };

/**
 * Takes the lock `name` (a short, printable name; it is placed in the abstract namespace) and
 * writes our pid to `pidFile`. When taken, `holder` is the pid of the process that listens on it,
 * as far as /proc lets us see, else the one its pid file names (null when neither tells).
 */
export async function takeKernelLock(name: string, pidFile: string): Promise<KernelLockOutcome> {
  // Nobody connects on purpose; anyone who does is shown the door at once.
  const server = createServer((socket) => socket.destroy());
  const bound = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
    server.listen({ path: `\0${name}` }, () => resolve(true));
  });
  if (!bound) return { ok: false, holder: kernelLockHolder(name) ?? readPidFile(pidFile) };
  // The lock must not keep an otherwise finished process alive.
  server.unref();
  server.on('error', () => undefined);
  try {
    // O_NOFOLLOW: a link planted here must not make us write elsewhere.
    const fd = openSync(pidFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    ok: true,
    release: () => {
      if (readPidFile(pidFile) === process.pid) {
        try {
          unlinkSync(pidFile);
        } catch {
          // Already removed.
        }
      }
      // Closing the listening socket frees the name at once (the close callback is only bookkeeping).
      server.close();
    },
  };
}

/** The pid a lock's pid file names, or null. */
export function readPidFile(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid listening on the abstract name, found through /proc/net/unix and each process's fds. */
export function kernelLockHolder(name: string): number | null {
  let table: string;
  try {
    table = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return null;
  }
  // Columns: Num RefCount Protocol Flags Type St Inode Path. An abstract name is shown with its
  // NUL bytes as '@': a leading one, and the trailing ones Node pads the address with.
  const inodes = new Set<string>();
  for (const line of table.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns[7]?.replace(/@+$/, '') === `@${name}`) inodes.add(columns[6]!);
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's (only root sees every process's descriptors)
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return Number(entry);
    }
  }
  return null;
}
