// Session folders (ARCHITECTURE §3.4): <root>/<worker>/<session GUID>. The root is trusted
// (owned by the launcher's user, not a link, no link or foreign-writable folder above it), worker
// folders can be entered but not listed by their worker, and a session folder is writable by its
// worker alone. Inputs are written with exclusive create before the worker starts; outputs are
// read without following links; deletion happens only after the session's processes are dead,
// with `rm -rf --one-file-system`, never Node's recursive rm, which a racing worker can redirect
// (isolation.md §3). While the session runs, the script sees a size-limited tmpfs at the folder's
// path instead (storage.ts); the host folder holds only what the launcher wrote and what is copied
// back at the end, both bounded.
import { constants, promises as fsp, lstatSync, mkdirSync, chmodSync, chownSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { IsolationMode } from '../../core/launcher/sessions';
import { FolderRemover } from './folderRemover';
import { mountsBelow, unmount } from './mounts';

/** Who may own the root and what mode it has: root-owned 0711 with worker accounts, else private. */
function rootPolicy(mode: IsolationMode, uid: number): { owner: number; mode: number } {
  return mode === 'accounts' ? { owner: 0, mode: 0o711 } : { owner: uid, mode: 0o700 };
}

const octal = (m: number) => `0${(m & 0o7777).toString(8)}`;

/** Everything that makes the sessions root untrustworthy; empty when it can be used. */
export function checkTrustedRoot(root: string, mode: IsolationMode, uid: number): string[] {
  try {
    return rootProblems(root, mode, uid);
  } catch (e) {
    return [`Cannot inspect the sessions root ${root} and the folders above it: ${(e as Error).message}`];
  }
}

function rootProblems(root: string, mode: IsolationMode, uid: number): string[] {
  const policy = rootPolicy(mode, uid);
  const problems: string[] = [];
  if (!root.startsWith('/') || normalize(root) !== root || root === '/') return [`The sessions root '${root}' must be a normalised absolute path below /.`];
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return [`The sessions root ${root} does not exist.`];
  }
  if (st.isSymbolicLink()) return [`The sessions root ${root} is a symbolic link; the launcher never follows one there.`];
  if (!st.isDirectory()) return [`The sessions root ${root} is not a folder.`];
  if (st.uid !== policy.owner) problems.push(`The sessions root ${root} is owned by uid ${st.uid}, not ${policy.owner}.`);
  if ((st.mode & 0o7777) !== policy.mode) problems.push(`The sessions root ${root} has mode ${octal(st.mode)}, not ${octal(policy.mode)}.`);
  problems.push(...foldersAboveProblems(dirname(root), uid, 'the sessions root'));
  if (problems.length === 0 && realpathSync(root) !== root) problems.push(`The sessions root ${root} resolves elsewhere (${realpathSync(root)}).`);
  return problems;
}

/**
 * What makes the folders from `dir` up to / untrustworthy for a sessions root below them: a link,
 * another user's folder, one that others may write (they could swap what lies below). `below`
 * names what is below them, for the message. `dir` must exist.
 */
export function foldersAboveProblems(dir: string, uid: number, below: string): string[] {
  const problems: string[] = [];
  for (; ; dir = dirname(dir)) {
    const a = lstatSync(dir);
    if (a.isSymbolicLink()) problems.push(`${dir}, above ${below}, is a symbolic link.`);
    else if (a.uid !== 0 && a.uid !== uid) problems.push(`${dir}, above ${below}, is owned by uid ${a.uid}.`);
    else if (a.mode & 0o022) problems.push(`${dir}, above ${below}, is writable by others (mode ${octal(a.mode)}).`);
    if (dir === '/') break;
  }
  return problems;
}

/** Creates the root (and missing folders above it) when absent, then checks it. */
export function prepareRoot(root: string, mode: IsolationMode, uid: number): string[] {
  const policy = rootPolicy(mode, uid);
  const missing: string[] = [];
  let dir = root;
  while (!exists(dir)) {
    missing.unshift(dir);
    dir = dirname(dir);
  }
  for (const path of missing) {
    try {
      // Made with its mode at once (the chmod only undoes an unusual umask), so that a launcher
      // starting at the same moment never sees it with another mode.
      const folderMode = path === root ? policy.mode : mode === 'accounts' ? 0o755 : 0o700;
      mkdirSync(path, { mode: folderMode });
      chmodSync(path, folderMode);
    } catch (e) {
      // Another launcher starting at the same moment made it first: the trust check below judges
      // it as it is, whoever made it.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return [`Cannot create the sessions root ${path}: ${(e as Error).message}`];
    }
  }
  return checkTrustedRoot(root, mode, uid);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A worker's folder: root:<worker gid> 0710 with accounts (enter, not list), else private. */
export function prepareWorkerFolder(root: string, worker: string, mode: IsolationMode, gid: number | undefined): string | undefined {
  const path = join(root, worker);
  try {
    if (!exists(path)) mkdirSync(path);
    const st = lstatSync(path);
    if (st.isSymbolicLink() || !st.isDirectory()) return `${path} is not a folder.`;
    if (mode === 'accounts') {
      chownSync(path, 0, gid!);
      chmodSync(path, 0o710);
    } else chmodSync(path, 0o700);
    return undefined;
  } catch (e) {
    return `Cannot prepare the worker folder ${path}: ${(e as Error).message}`;
  }
}

export interface SessionFolder {
  path: string;
}

export type FolderCreated = { ok: true; folder: SessionFolder } | { ok: false; message: string };

/**
 * Makes <root>/<worker>/<id>: with accounts root:<gid> 0770 (the worker writes in it but cannot
 * chmod it), else private to the launcher's user.
 */
export async function createSessionFolder(root: string, worker: string, id: string, options: { mode: IsolationMode; gid: number | undefined }): Promise<FolderCreated> {
  const path = join(root, worker, id);
  try {
    // mkdir fails on anything already there, link or not: the worker folder is not writable by workers.
    mkdirSync(path, 0o700);
  } catch (e) {
    return { ok: false, message: `Cannot create the session folder ${path}: ${(e as Error).message}` };
  }
  if (options.mode !== 'accounts') return { ok: true, folder: { path } };
  try {
    chownSync(path, 0, options.gid!);
    chmodSync(path, 0o770);
  } catch (e) {
    await fsp.rmdir(path).catch(() => undefined);
    return { ok: false, message: `Cannot hand the session folder ${path} to its worker: ${(e as Error).message}` };
  }
  return { ok: true, folder: { path } };
}

/** Forks the rm of each session's folder from a small shell instead of the daemon (folderRemover.ts). */
export const folderRemover = new FolderRemover();

/** Deletes a session folder; call only once every process of the session is dead. */
export function removeSessionFolder(folder: SessionFolder): Promise<string | undefined> {
  return folderRemover.remove(folder.path);
}

/** Writes a new file: fails if anything (a planted link included) is already at that path. */
export async function writeExclusive(path: string, data: readonly Buffer[] | string): Promise<string | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o444);
    if (typeof data === 'string') await handle.writeFile(data, 'utf8');
    else await handle.writev(data as Buffer[]);
    return undefined;
  } catch (e) {
    return `Cannot write ${path}: ${(e as Error).message}`;
  } finally {
    await handle?.close();
  }
}

export type WorkerFile = { ok: true; data: Buffer } | { ok: false; reason: string; missing?: boolean };

/**
 * Reads a file a worker wrote, refusing links, non-regular files (FIFOs, folders, devices),
 * files with other hard links, files owned by someone else, and files over maxBytes.
 */
export async function readWorkerFile(path: string, owner: number, maxBytes: number): Promise<WorkerFile> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, reason: 'it is not a regular file' };
    if (st.nlink !== 1) return { ok: false, reason: 'it has other hard links' };
    if (st.uid !== owner) return { ok: false, reason: `it is owned by uid ${st.uid}, not the worker` };
    if (st.size > maxBytes) return { ok: false, reason: `it is larger than ${maxBytes} bytes` };
    const data = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const { bytesRead } = await handle.read(data, at, st.size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return { ok: true, data: data.subarray(0, at) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'it does not exist', missing: true };
    if (code === 'ELOOP') return { ok: false, reason: 'it is a symbolic link' };
    return { ok: false, reason: (e as Error).message };
  } finally {
    await handle?.close();
  }
}

/**
 * Removes every session folder under the root (after a crash). Anything mounted below the root
 * (an earlier launcher mounted session folders on the host) is unmounted first: rm
 * --one-file-system would leave it, and the folder with it.
 */
export async function sweepSessionFolders(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const mount of mountsBelow(root)) {
    const r = await unmount(mount);
    if (r.ok) removed.push(mount);
  }
  for (const worker of safeList(root)) {
    const workerDir = join(root, worker);
    // Worker folders are root's (no worker can plant a link there); the lock file is skipped.
    if (!exists(workerDir) || !lstatSync(workerDir).isDirectory()) continue;
    for (const session of safeList(workerDir)) {
      const path = join(workerDir, session);
      if ((await removeSessionFolder({ path })) === undefined && !removed.includes(path)) removed.push(path);
    }
  }
  return removed;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
