// A long-lived child process spoken to one line at a time: a request is one line on its stdin,
// the answer is the next line on its stdout. Requests queue and run one after another, so an
// answer always belongs to the request in flight. The process starts on the first request, is
// restarted after it exits, and is killed when a request takes longer than the timeout.
import { spawn, type ChildProcess } from 'node:child_process';

export interface LineProcessOptions {
  command: string;
  /** Passed to the program as is; no shell is involved. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** How long one request may take, startup included, before the process is killed. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export type LineFailure =
  /** The program could not be started at all (errno code such as ENOENT or EACCES). */
  | { ok: false; failure: 'spawn'; code: string }
  /** The process ended before answering; detail says how, with its last error output. */
  | { ok: false; failure: 'exit'; detail: string }
  | { ok: false; failure: 'timeout'; timeoutMs: number }
  | { ok: false; failure: 'disposed' };

export type LineReply = { ok: true; line: string } | LineFailure;

interface Pending {
  line: string;
  resolve: (reply: LineReply) => void;
  /** Processes that died with this request in flight; one fresh process gets a second try. */
  deaths: number;
}

/** Kept from stderr to explain a crash; the rest is dropped so the pipe never fills up. */
const STDERR_TAIL_CHARS = 2000;

export class LineProcess {
  private child: ChildProcess | undefined;
  private spawned = false;
  private readonly queue: Pending[] = [];
  private active: { pending: Pending; timer: NodeJS.Timeout } | undefined;
  private stdoutBuffer = '';
  private stderrTail = '';
  private disposed = false;
  private starts = 0;
  private sent = 0;
  private readonly timeoutMs: number;

  constructor(private readonly options: LineProcessOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** How many processes have been started so far. */
  get startCount(): number {
    return this.starts;
  }

  /** How many request lines have been written to a process so far. */
  get requestCount(): number {
    return this.sent;
  }

  /** The running process's id, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends one line (which must not contain '\n') and resolves with the answer line or a failure. */
  request(line: string): Promise<LineReply> {
    if (this.disposed) return Promise.resolve({ ok: false, failure: 'disposed' });
    return new Promise((resolve) => {
      this.queue.push({ line, resolve, deaths: 0 });
      this.pump();
    });
  }

  /** Kills the current process, if any; the next request starts a fresh one. */
  restart(): void {
    if (this.child) this.stop(this.child);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.restart();
    this.settle({ ok: false, failure: 'disposed' });
    for (const pending of this.queue.splice(0)) pending.resolve({ ok: false, failure: 'disposed' });
  }

  private pump(): void {
    if (this.active || this.disposed) return;
    const pending = this.queue.shift();
    if (!pending) {
      // Idle: let Node exit even if the owner never calls dispose(); the analyzer quits on EOF.
      if (this.child) setRef(this.child, false);
      return;
    }
    let child: ChildProcess;
    try {
      child = this.child ?? this.start();
    } catch (error) {
      // spawn() throws synchronously for arguments it rejects outright (an empty path, a NUL byte).
      pending.resolve({ ok: false, failure: 'spawn', code: errorCode(error) });
      this.pump();
      return;
    }
    setRef(child, true);
    const timer = setTimeout(() => this.onTimeout(child), this.timeoutMs);
    this.active = { pending, timer };
    this.sent++;
    child.stdin?.write(`${pending.line}\n`);
  }

  private start(): ChildProcess {
    const child = spawn(this.options.command, this.options.args, {
      env: this.options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.spawned = false;
    this.stdoutBuffer = '';
    this.stderrTail = '';
    this.starts++;
    child.on('spawn', () => {
      if (this.child === child) this.spawned = true;
    });
    child.on('error', (error) => {
      if (this.child !== child) return;
      if (this.spawned) this.onExit(child, `failed: ${error.message}`);
      else this.onSpawnError(child, errorCode(error));
    });
    // 'close', unlike 'exit', comes after stdout and stderr are drained, so the last words are kept.
    child.on('close', (code, signal) => {
      if (this.child === child) this.onExit(child, signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
    // Writing to a process that just died fails with EPIPE, and reading from one can fail with
    // ECONNRESET (stdio are socket pairs); the 'close' handler reports it.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on('error', () => undefined);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (this.child === child) this.onStdout(chunk);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.child === child) this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    return child;
  }

  private onStdout(chunk: string): void {
    this.stdoutBuffer += chunk;
    let newline: number;
    while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      // With nothing in flight there is no one to give a line to. (A stray line while a request is
      // in flight is taken as its answer; the checkers' request ids catch that.)
      if (this.active) {
        this.settle({ ok: true, line });
        this.pump();
      }
    }
  }

  private onSpawnError(child: ChildProcess, code: string): void {
    this.stop(child);
    this.settle({ ok: false, failure: 'spawn', code });
    this.pump();
  }

  private onExit(child: ChildProcess, how: string): void {
    const stderr = this.stderrTail.trim();
    this.stop(child);
    const pending = this.active?.pending;
    if (pending && pending.deaths === 0) {
      // The process may have died (or been killed) before it read this request: try once more
      // on a fresh process. A request that kills the analyzer twice is answered with the failure.
      clearTimeout(this.active!.timer);
      this.active = undefined;
      pending.deaths++;
      this.queue.unshift(pending);
    } else {
      this.settle({ ok: false, failure: 'exit', detail: stderr ? `${how}: ${lastLine(stderr)}` : how });
    }
    this.pump();
  }

  private onTimeout(child: ChildProcess): void {
    if (this.child === child) this.stop(child);
    this.settle({ ok: false, failure: 'timeout', timeoutMs: this.timeoutMs });
    this.pump();
  }

  /** Answers the request in flight, if any. */
  private settle(reply: LineReply): void {
    if (!this.active) return;
    clearTimeout(this.active.timer);
    const { pending } = this.active;
    this.active = undefined;
    pending.resolve(reply);
  }

  /** Forgets a process and makes sure it is gone and holds nothing open in this one. */
  private stop(child: ChildProcess): void {
    if (this.child === child) this.child = undefined;
    child.kill('SIGKILL');
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    setRef(child, false);
  }
}

/** ref/unref a child and its pipes (pipes are sockets, but typed as plain streams). */
function setRef(child: ChildProcess, on: boolean): void {
  const handles = [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>;
  for (const handle of handles) {
    if (on) handle?.ref?.();
    else handle?.unref?.();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/);
  return lines[lines.length - 1]!;
}
