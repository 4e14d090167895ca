// Starts the satellite's command chain and watches it: streams its output, reports how it ended.
// Only stdout and stderr are given to it (stdin is /dev/null); Node opens everything else
// close-on-exec, so no other descriptor of the launcher reaches the sandbox.
import { spawn } from 'node:child_process';
import type { SpawnPlan } from './sandbox';

const STREAM_GRACE_MS = 500;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The chain's first program could not be started (ENOENT…). */
  startError?: string;
}

export interface RunningSatellite {
  readonly pid: number | undefined;
  /** Settles once the process has exited and its output streams are closed. */
  readonly exited: Promise<Exit>;
  /** SIGKILL to the chain's first process (and, unisolated, to its whole process group). */
  kill(): void;
}

export function startSatellite(plan: SpawnPlan, onStdout: (b: Buffer) => void, onStderr: (b: Buffer) => void, processGroup: boolean): RunningSatellite {
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Unisolated satellites get their own process group, the only handle on their children.
    detached: processGroup,
  });
  child.stdout.on('data', onStdout);
  child.stderr.on('data', onStderr);
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, signal: null, startError: e.code ?? e.message }));
    child.once('close', (code, signal) => resolve({ code, signal }));
    // An unisolated script's escaped daemon may hold the pipes open forever: after the exit,
    // wait briefly for the last output, then stop listening.
    child.once('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, signal });
      }, STREAM_GRACE_MS).unref();
    });
  });
  return {
    pid: child.pid,
    exited,
    kill: () => {
      if (child.pid === undefined) return;
      try {
        // The group outlives its leader: it is killed even after the first process exited.
        if (processGroup) process.kill(-child.pid, 'SIGKILL');
        else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
