// Issue 10, item 7: one launcher per sessions root and worker pool, decided by a lock the kernel
// releases with its holder. Ten real launcher processes ask at the same moment: exactly one
// serves, the others are refused naming it. Killed with -9, the winner leaves nothing that lets
// two of the next ten win (a lock file judged stale by several racers at once did).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { accountsSkip, pool, TestBed } from './harness';

const skip = accountsSkip();
const bed = new TestBed('lockrace');
const PREFIX = 'sqlmltw';
const RACERS = 10;
const children = new Set<ChildProcess>();

before(async () => {
  if (skip) return;
  await bed.provision(PREFIX, 2);
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (!skip) await bed.teardown();
});

interface Racer {
  child: ChildProcess;
  outcome: Promise<{ started?: number; refused?: string[]; pid?: number }>;
}

/** Starts a launcher process; resolves once it has loaded and waits for the go. */
async function racer(): Promise<Racer> {
  const settings = bed.settings({ pools: [pool(PREFIX, 2)] });
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'holdLauncher.ts'), JSON.stringify(settings)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`a launcher exited (${child.exitCode}) without saying anything`);
    return JSON.parse(line.value as string) as Record<string, unknown>;
  };
  assert.deepEqual(await next(), { ready: true });
  return { child, outcome: next() as Racer['outcome'] };
}

/** Ten launchers ask for the locks at once; returns the winner's pid and the refusals. */
async function race(): Promise<{ winner: Racer & { pid: number }; refusals: string[] }> {
  const racers = await Promise.all(Array.from({ length: RACERS }, () => racer()));
  for (const r of racers) r.child.stdin!.write('go\n');
  const outcomes = await Promise.all(racers.map((r) => r.outcome));
  const winners = racers.flatMap((r, i) => (outcomes[i]!.started !== undefined ? [{ ...r, pid: outcomes[i]!.started! }] : []));
  assert.equal(winners.length, 1, `exactly one launcher serves: ${JSON.stringify(outcomes)}`);
  return { winner: winners[0]!, refusals: outcomes.flatMap((o) => (o.refused ? [o.refused.join('\n')] : [])) };
}

test('#49 ten launchers racing for one sessions root and pool: one wins, nine are refused naming it; after kill -9 the next race has one winner again', { skip, timeout: 180_000 }, async () => {
  const first = await race();
  assert.equal(first.refusals.length, RACERS - 1);
  for (const refusal of first.refusals) assert.match(refusal, new RegExp(`Another launcher \\(pid ${first.winner.pid}\\) serves ${bed.sessionsRoot}`));
  assert.equal(readFileSync(join(bed.sessionsRoot, 'launcher.lock'), 'utf8').trim(), String(first.winner.pid), 'the pid file names the holder, for people');

  const exited = new Promise((resolve) => first.winner.child.once('exit', resolve));
  first.winner.child.kill('SIGKILL');
  await exited;
  // The dead winner's pid file is still there: only the kernel's lock counts.
  assert.equal(readFileSync(join(bed.sessionsRoot, 'launcher.lock'), 'utf8').trim(), String(first.winner.pid));

  const second = await race();
  assert.notEqual(second.winner.pid, first.winner.pid);
  for (const refusal of second.refusals) assert.match(refusal, new RegExp(`Another launcher \\(pid ${second.winner.pid}\\) serves`));
  second.winner.child.kill('SIGKILL');
});
