// Runs a fuzz target in a child process, so that an input that hangs or eats memory is caught:
// the child reports each case before running it, and the parent kills it when one case makes no
// progress for `stallMs` (a generous per-input deadline that a loaded 2-core machine still meets),
// and V8 ends it when its heap passes `maxHeapMb`. Either way the finding names the case.
//
// A target is a named export of a module: (progress) => findings, e.g. runLoop(...) of fuzz.ts.
// Run as a script, this file is the child: `fuzzProcess.ts <module path> <export name>`.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type FuzzTarget = (progress: (index: number) => void) => string[] | Promise<string[]>;

export interface ChildOptions {
  /** Longest time one case may run. */
  stallMs?: number;
  /** The child's V8 heap limit. */
  maxHeapMb?: number;
}

export interface ChildOutcome {
  /** Cases started. */
  cases: number;
  findings: string[];
}

const RESULT = 'fuzz-result ';

export function runTargetInChild(modulePath: string, exportName: string, options: ChildOptions = {}): Promise<ChildOutcome> {
  const stallMs = options.stallMs ?? 30_000;
  const maxHeapMb = options.maxHeapMb ?? 512;
  const child = spawn(process.execPath, ['--import', 'tsx', `--max-old-space-size=${maxHeapMb}`, __filename, resolve(modulePath), exportName], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done) => {
    let lastCase = -1;
    let pending = '';
    let stderr = '';
    let result: ChildOutcome | undefined;
    let stalled = false;
    let timer = setTimeout(stall, stallMs);
    function stall(): void {
      stalled = true;
      child.kill('SIGKILL');
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(RESULT)) result = JSON.parse(line.slice(RESULT.length)) as ChildOutcome;
        else if (/^\d+$/.test(line)) {
          lastCase = Number(line);
          clearTimeout(timer);
          timer = setTimeout(stall, stallMs);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result) return done(result);
      const where = `${exportName} of ${modulePath}, case ${lastCase}`;
      const why = stalled
        ? `made no progress for ${stallMs / 1000} s (a hang or superlinear work)`
        : /heap out of memory|Allocation failed/i.test(stderr)
          ? `ran out of its ${maxHeapMb} MB heap`
          : `ended with ${signal ?? `exit code ${code}`} before reporting`;
      done({ cases: lastCase + 1, findings: [`${where} ${why}\n${stderr.slice(-1500)}`] });
    });
  });
}

async function childMain(modulePath: string, exportName: string): Promise<void> {
  const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, FuzzTarget>;
  const target = mod[exportName];
  if (typeof target !== 'function') throw new Error(`${modulePath} has no fuzz target ${exportName}`);
  let cases = 0;
  // Synchronous writes: a case that hangs must not hold its own heartbeat back in a buffer.
  const findings = await target((index) => {
    cases = index + 1;
    writeFully(`${index}\n`);
  });
  writeFully(`${RESULT}${JSON.stringify({ cases, findings })}\n`);
}

/** stdout is a non-blocking pipe: when the parent is slow to read, a write says EAGAIN; wait and go on. */
function writeFully(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

if (require.main === module) {
  childMain(process.argv[2]!, process.argv[3]!).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
