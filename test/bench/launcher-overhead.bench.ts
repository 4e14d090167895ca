// Per-session overhead of the launcher (accounts mode: cgroup join, uid switch, bubblewrap,
// session storage (a tmpfs in the worker's own mount namespace), runner, cleanup) against the bare
// runtime started the same way from Node, in the same run, and 20 concurrent sessions against 20
// concurrent bare starts. Each figure is measured twice: with warm satellites (started ahead of
// time, warmSatellites.ts; measured once the pool holds them, its steady state) and cold (a pool
// that keeps none).
// Goals (issue 13): a warm no-op Python session <= 50 ms and <= 0.1x `python3 -I -c "import pandas"`;
// R <= 80 ms and <= 0.2x bare Rscript; 20 concurrent no-op Python sessions of 20 callers <= 1 s wall.
// Run as root: node --import tsx test/bench/launcher-overhead.bench.ts
import type { Launcher } from '../../server/src/node/launcher/launcher';
import { median, ms, percentile, PYTHON, RSCRIPT, session, timed, timeProgram, warmMemory, warmReady, withLauncher } from './launcher-common';

const RUNS = 15;
const WORKERS = 20;

const RUNTIMES = [
  { label: 'Python', language: 'python', noop: 'pass', bare: [PYTHON, ['-I', '-c', 'import pandas']] as const, goalMs: 50, goalRatio: 0.1 },
  { label: 'R', language: 'r', noop: 'invisible(0)', bare: [RSCRIPT, ['--vanilla', '-e', 'invisible(0)']] as const, goalMs: 80, goalRatio: 0.2 },
] as const;

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function measure(launcher: Launcher, warm: boolean): Promise<void> {
  const kind = warm ? 'warm' : 'cold';
  for (const rt of RUNTIMES) {
    const bare: number[] = [];
    const sessions: number[] = [];
    const run = async () => {
      // Steady state: the pool has refilled after the last session. Measured while a refill still
      // runs, the session shares 2 CPUs with a satellite starting up (R's compiles its functions).
      if (warm) await warmReady(launcher, rt.language, WORKERS);
      return timed(() => session(launcher, { language: rt.language, script: rt.noop }));
    };
    await run();
    await timeProgram(rt.bare[0], [...rt.bare[1]]);
    // Interleaved, so that both see the same machine.
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timeProgram(rt.bare[0], [...rt.bare[1]]));
      sessions.push(await run());
    }
    const ratio = median(sessions) / median(bare);
    console.log(
      `${rt.label} no-op session, ${kind}: median ${ms(median(sessions))} (p90 ${ms(percentile(sessions, 90))}); ` +
        `bare \`${[rt.bare[0], ...rt.bare[1]].join(' ')}\`: median ${ms(median(bare))} (p90 ${ms(percentile(bare, 90))}); ratio ${ratio.toFixed(2)}x` +
        (warm ? ` (goal <= ${rt.goalMs} ms and <= ${rt.goalRatio}x: ${met(median(sessions) <= rt.goalMs && ratio <= rt.goalRatio)})` : ''),
    );
  }

  const concurrentBare: number[] = [];
  const concurrentSessions: number[] = [];
  for (let round = 0; round < 3; round++) {
    concurrentBare.push(await timed(() => Promise.all(Array.from({ length: WORKERS }, () => timeProgram(PYTHON, ['-I', '-c', 'import pandas'])))));
    if (warm) await warmReady(launcher, 'python', WORKERS);
    concurrentSessions.push(await timed(() => Promise.all(Array.from({ length: WORKERS }, (_, i) => session(launcher, { caller: `caller${i}`, script: 'pass' })))));
  }
  const wall = median(concurrentSessions);
  console.log(
    `20 concurrent Python no-op sessions (20 callers, 20 workers), ${kind}: median wall ${ms(wall)}; ` +
      `20 concurrent bare starts: ${ms(median(concurrentBare))}; ratio ${(wall / median(concurrentBare)).toFixed(2)}x` +
      (warm ? ` (goal <= 1 s: ${met(wall <= 1000)})` : ''),
  );
}

void (async () => {
  await withLauncher(
    WORKERS,
    async (launcher) => {
      await warmReady(launcher, 'python', WORKERS);
      await warmReady(launcher, 'r', WORKERS);
      console.log(warmMemory(launcher));
      await measure(launcher, true);
    },
    { python: WORKERS, r: WORKERS, memoryMiB: 8192 },
  );
  await withLauncher(WORKERS, (launcher) => measure(launcher, false));
})();
