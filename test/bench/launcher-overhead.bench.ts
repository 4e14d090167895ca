// Per-session overhead of the launcher (accounts mode: cgroup join, uid switch, bubblewrap,
// session storage (a tmpfs in the worker's own mount namespace), runner, cleanup) against the bare runtime started the same way from Node, in
// the same run, and 20 concurrent sessions against 20 concurrent bare starts.
// Goal: a no-op Python session within 1.5x of `python3 -I -c "import pandas"`.
// Run as root: node --import tsx test/bench/launcher-overhead.bench.ts
import { median, ms, percentile, PYTHON, RSCRIPT, session, timed, timeProgram, withLauncher } from './launcher-common';

const RUNS = 15;

const RUNTIMES = [
  { label: 'Python', language: 'python', noop: 'pass', bare: [PYTHON, ['-I', '-c', 'import pandas']] as const },
  { label: 'R', language: 'r', noop: 'invisible(0)', bare: [RSCRIPT, ['--vanilla', '-e', 'invisible(0)']] as const },
];

void withLauncher(20, async (launcher) => {
  for (const rt of RUNTIMES) {
    const bare: number[] = [];
    const sessions: number[] = [];
    const run = () => timed(() => session(launcher, { language: rt.language, script: rt.noop }));
    await run();
    await timeProgram(rt.bare[0], [...rt.bare[1]]);
    // Interleaved, so that both see the same machine.
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timeProgram(rt.bare[0], [...rt.bare[1]]));
      sessions.push(await run());
    }
    const ratio = median(sessions) / median(bare);
    console.log(
      `${rt.label} no-op session: median ${ms(median(sessions))} (p90 ${ms(percentile(sessions, 90))}); ` +
        `bare \`${[rt.bare[0], ...rt.bare[1]].join(' ')}\`: median ${ms(median(bare))} (p90 ${ms(percentile(bare, 90))}); ` +
        `overhead ${ms(median(sessions) - median(bare))}, ratio ${ratio.toFixed(2)}x${rt.language === 'python' ? ` (goal <= 1.5x: ${ratio <= 1.5 ? 'met' : 'NOT met'})` : ''}`,
    );
  }

  const concurrentBare: number[] = [];
  const concurrentSessions: number[] = [];
  for (let round = 0; round < 3; round++) {
    concurrentBare.push(await timed(() => Promise.all(Array.from({ length: 20 }, () => timeProgram(PYTHON, ['-I', '-c', 'import pandas'])))));
    concurrentSessions.push(await timed(() => Promise.all(Array.from({ length: 20 }, (_, i) => session(launcher, { caller: `caller${i}`, script: 'pass' })))));
  }
  console.log(
    `20 concurrent Python no-op sessions (20 callers, 20 workers): median wall ${ms(median(concurrentSessions))}; ` +
      `20 concurrent bare starts: ${ms(median(concurrentBare))}; ratio ${(median(concurrentSessions) / median(concurrentBare)).toFixed(2)}x`,
  );
});
