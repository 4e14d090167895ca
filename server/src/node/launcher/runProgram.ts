// Runs a system program with an argument vector (never a shell command line) and a fixed, minimal
// environment, and reports how it ended as a value.
import { execFile } from 'node:child_process';

export interface ProgramResult {
  /** The exit code; null when a signal ended it or it never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started (ENOENT, EACCES…). */
  startError?: string;
}

export const PROGRAM_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
/** How long a program may run before it is killed (and reported so). */
export const PROGRAM_TIMEOUT_MS = 30_000;

export function runProgram(file: string, args: readonly string[], timeoutMs = PROGRAM_TIMEOUT_MS): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env: PROGRAM_ENV, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const code = typeof error.code === 'number' ? error.code : null;
      const startError = typeof error.code === 'string' ? error.code : undefined;
      resolve({ code, stdout, stderr, ...(startError ? { startError } : {}) });
    });
  });
}

/** "useradd failed (exit 9): useradd: user 'x' already exists" — for messages. */
export function describeFailure(file: string, result: ProgramResult): string {
  const name = file.split('/').pop();
  if (result.startError) return `${name} could not be started (${result.startError})`;
  const why = result.stderr.trim() || result.stdout.trim();
  return `${name} failed (${result.code === null ? 'killed' : `exit ${result.code}`})${why ? `: ${why}` : ''}`;
}
