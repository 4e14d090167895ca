// Whether a process exists, for tests that watch an instance or a child come and go.

/** True while `pid` names a live process (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
