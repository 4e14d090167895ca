// Session folders are removed with `rm -rf --one-file-system` (folders.ts says why never Node's
// recursive rm), and every session ends with one. Spawned from the daemon, each rm blocked its
// event loop for the fork: 7 ms from a bare Node process, 15-25 ms once the daemon holds DuckDB's
// memory (the page tables are copied), in every session's own time and, 20 sessions ending
// together, once after another. So one small /bin/sh, started once, forks them instead: the
// daemon writes a folder's path on its stdin and reads back rm's exit status and complaint. The
// command is the same rm with the same arguments and environment; the shell reads nothing but
// the paths the launcher writes. Should the shell be gone, the folders waiting on it are removed
// by rm started directly, and the next removal starts a new shell.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { PROGRAMS } from './programs';
import { describeFailure, PROGRAM_ENV, PROGRAM_TIMEOUT_MS, runProgram, type ProgramResult } from './runProgram';

const RM_ARGS = ['-rf', '--one-file-system', '--'] as const;

/** Reads one path a line and answers each with rm's status and what it printed, each ended by a NUL. */
const SCRIPT = `while IFS= read -r folder; do err=$(${PROGRAMS.rm} ${RM_ARGS.join(' ')} "$folder" 2>&1); printf '%s\\0%s\\0' "$?" "$err"; done`;

/** rm started directly, as the launcher did before the shell: for a path that is not one line, or one the shell left unanswered. */
function removeDirectly(path: string): Promise<ProgramResult> {
  return runProgram(PROGRAMS.rm, [...RM_ARGS, path]);
}

interface Waiting {
  path: string;
  done(result: ProgramResult): void;
}

export class FolderRemover {
  private shell: ChildProcessByStdio<Writable, Readable, null> | null = null;
  /** Removals written to the shell, answered in order. */
  private waiting: Waiting[] = [];
  private answer = '';

  /** Removes `path` and all below it (on its file system); a description of the failure, if any. */
  async remove(path: string): Promise<string | undefined> {
    const result = await this.run(path);
    return result.code === 0 ? undefined : describeFailure(PROGRAMS.rm, result);
  }

  /** Starts the shell now (while the daemon is small, its fork is cheapest), if it is not running. */
  start(): void {
    if (this.shell) return;
    const shell = spawn(PROGRAMS.sh, ['-c', SCRIPT], { env: PROGRAM_ENV, stdio: ['pipe', 'pipe', 'ignore'] });
    this.shell = shell;
    shell.stdout.setEncoding('utf8');
    shell.stdout.on('data', (text: string) => this.read(text));
    // Idle, it must not keep the process alive (it ends when the process's end closes its stdin);
    // while a removal waits for its answer, its stdout does (see holdOpen).
    shell.unref();
    pipeOf(shell.stdin).unref();
    pipeOf(shell.stdout).unref();
    shell.stdin.on('error', () => this.lost(shell));
    shell.stdout.on('error', () => this.lost(shell));
    shell.on('error', () => this.lost(shell));
    shell.on('exit', () => this.lost(shell));
    // Its stdout closes with it, and may be the last thing holding the process.
    shell.stdout.on('close', () => this.lost(shell));
  }

  private run(path: string): Promise<ProgramResult> {
    // A path is one line of the shell's input: one that could not be (never one the launcher makes) goes to rm directly.
    if (/[\n\0]/.test(path)) return removeDirectly(path);
    this.start();
    const shell = this.shell!;
    return new Promise((done) => {
      // An rm that hangs holds up those behind it: past the time a program may take, the shell is
      // killed, and what waited on it goes to rm directly, each with that time of its own.
      const timer = setTimeout(() => shell.kill('SIGKILL'), PROGRAM_TIMEOUT_MS).unref();
      this.waiting.push({
        path,
        done: (result) => {
          clearTimeout(timer);
          done(result);
        },
      });
      this.holdOpen();
      shell.stdin.write(`${path}\n`);
    });
  }

  private read(text: string): void {
    this.answer += text;
    for (;;) {
      const statusEnd = this.answer.indexOf('\0');
      const textEnd = statusEnd < 0 ? -1 : this.answer.indexOf('\0', statusEnd + 1);
      if (textEnd < 0) return;
      const code = Number(this.answer.slice(0, statusEnd));
      const printed = this.answer.slice(statusEnd + 1, textEnd);
      this.answer = this.answer.slice(textEnd + 1);
      this.waiting.shift()?.done({ code, stdout: '', stderr: printed });
      this.holdOpen();
    }
  }

  /** The shell's answers keep the process alive while removals wait for them, and only then. */
  private holdOpen(): void {
    if (!this.shell) return;
    const stdout = pipeOf(this.shell.stdout);
    if (this.waiting.length > 0) stdout.ref();
    else stdout.unref();
  }

  /** The shell ended or broke: what it had not answered is removed by rm started directly. */
  private lost(shell: ChildProcessByStdio<Writable, Readable, null>): void {
    if (this.shell !== shell) return;
    this.shell = null;
    this.answer = '';
    const unanswered = this.waiting;
    this.waiting = [];
    for (const w of unanswered) void removeDirectly(w.path).then(w.done);
  }
}

/** A child's stdio pipe is a net.Socket, which can be let go of (unref) and held (ref) again. */
function pipeOf(stream: Readable | Writable): { ref(): void; unref(): void } {
  return stream as unknown as { ref(): void; unref(): void };
}
