// Starts the satellite's command chain and watches it: streams its output, reports how it ended.
// Only stdout, stderr and, when the session has one, the loopback channel (descriptor 3) are given
// to it (stdin is /dev/null); Node opens everything else close-on-exec, so no other descriptor of
// the launcher reaches the sandbox.
import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
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
  /** The launcher's end of the loopback channel (plan.loopback), open until the satellite ends. */
  readonly channel: Duplex | undefined;
  /** SIGKILL to the chain's first process (and, unisolated, to its whole process group). */
  kill(): void;
}

export function startSatellite(plan: SpawnPlan, onStdout: (b: Buffer) => void, onStderr: (b: Buffer) => void, processGroup: boolean): RunningSatellite {
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    // An extra 'pipe' is a connected socket pair on Linux: the satellite's end becomes its fd 3.
    stdio: plan.loopback ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    // Unisolated satellites get their own process group, the only handle on their children.
    detached: processGroup,
  });
  child.stdout!.on('data', onStdout);
  child.stderr!.on('data', onStderr);
  const channel = plan.loopback ? ((child.stdio[3] as Duplex | null) ?? undefined) : undefined;
  // A satellite that vanishes mid-exchange is no error of the launcher's. Its stdio are socket
  // pairs, whose reads can fail (ECONNRESET) when it is killed: unheard, that error ended the daemon.
  for (const stream of [child.stdout!, child.stderr!, channel]) stream?.on('error', () => stream.destroy());
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, signal: null, startError: e.code ?? e.message }));
    child.once('close', (code, signal) => resolve({ code, signal }));
    // An unisolated script's escaped daemon may hold the pipes open forever: after the exit,
    // wait briefly for the last output, then stop listening.
    child.once('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        channel?.destroy();
        resolve({ code, signal });
      }, STREAM_GRACE_MS).unref();
    });
  });
  return {
    pid: child.pid,
    exited,
    channel,
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
