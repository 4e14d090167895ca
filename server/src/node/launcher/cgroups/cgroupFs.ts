// Small file operations on cgroupfs, shared by the v1 and v2 drivers.
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes a control file; returns the error code on failure (EACCES, EINVAL…). */
export function writeControl(path: string, value: string): string | undefined {
  try {
    writeFileSync(path, value);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}

export function makeDir(path: string): string | undefined {
  try {
    mkdirSync(path, { recursive: true });
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}

export function pidsIn(dir: string): number[] {
  return (readText(join(dir, 'cgroup.procs')) ?? '')
    .split('\n')
    .filter((l) => l.length > 0)
    .map(Number);
}

export function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((p) => statSync(p).isDirectory());
  } catch {
    return [];
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until test() holds or the time is up; returns the last answer. */
export async function waitFor(test: () => boolean, timeoutMs: number, stepMs = 5): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (test()) return true;
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Removes a cgroup folder, retrying while the kernel still counts a dying process in it. */
export async function removeDir(path: string): Promise<string | undefined> {
  let last = 'EBUSY';
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      rmdirSync(path);
      return undefined;
    } catch (e) {
      last = (e as NodeJS.ErrnoException).code ?? String(e);
      if (last === 'ENOENT') return undefined;
      if (last !== 'EBUSY') return last;
      await sleep(10);
    }
  }
  return last;
}

/** One attempt, for folders that may rightly still be in use (another pool, another launcher). */
export function tryRemoveDir(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // In use or already gone: left as it is.
  }
}

/** The number after `key` on a "key value" line of a cgroup stat file; null when the file or the line is missing. */
export function statValue(text: string | undefined, key: string): number | null {
  const line = text?.split('\n').find((l) => l.startsWith(`${key} `));
  if (line === undefined) return null;
  const value = Number(line.slice(key.length + 1));
  return Number.isFinite(value) ? value : null;
}

/**
 * What a memory.stat says the kernel cannot simply drop: anonymous memory and tmpfs pages (the
 * keys differ: v1 total_rss and total_shmem, v2 anon and shmem). Page cache is left out.
 */
export function heldBytesIn(stat: string | undefined, anonKey: string, shmemKey: string): number | null {
  const anon = statValue(stat, anonKey);
  return anon === null ? null : anon + (statValue(stat, shmemKey) ?? 0);
}

/** Sets the OOM killer's adjustment of each process (gone ones are skipped). */
export function setOomScoreAdj(pids: readonly number[], value: number): void {
  for (const pid of pids) writeControl(`/proc/${pid}/oom_score_adj`, String(value));
}

/** A single number in a cgroup file; null when it is missing. */
export function numberIn(text: string | undefined): number | null {
  const value = text === undefined ? NaN : Number(text.trim());
  return Number.isFinite(value) ? value : null;
}
