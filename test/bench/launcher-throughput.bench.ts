// Data exchange throughput: 1,000,000 rows x 5 columns (4 float, 1 text) into a pandas
// DataFrame / R data.frame and back as the result set, through a real accounts-mode session.
// The figure includes everything: encoding in Node, the session, the runtime's reading and
// writing, and decoding back into rows. Goal (issue 13): 1.0 s each. The no-op session of the same
// run is printed beside it, so that the data's own share is visible, and memory beside that: the
// daemon's (this process: Node's resident size after the run and its peak) and the satellite's
// peak resident size (VmHWM, read by the script itself once its output is set, so the encoding of
// the output is not in it). Sessions run on warm satellites (warmSatellites.ts).
// Run as root: node --import tsx test/bench/launcher-throughput.bench.ts
import type { SqlValue } from '../../server/src/core/launcher/request';
import { median, ms, session, timed, warmMemory, warmReady, withLauncher } from './launcher-common';

const ROWS = 1_000_000;
const RUNS = 3;

function input() {
  const rows: SqlValue[][] = new Array(ROWS);
  for (let i = 0; i < ROWS; i++) rows[i] = [i * 0.5, i * 1.25, Math.sqrt(i), -i / 3, `customer ${i % 5000} – segment ${i % 7}`];
  const columns = [
    { name: 'a', type: 'float' },
    { name: 'b', type: 'float' },
    { name: 'c', type: 'float' },
    { name: 'd', type: 'float' },
    { name: 'label', type: 'nvarchar(100)' },
  ];
  return { columns, rows };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

void withLauncher(2, async (launcher) => {
  const data = input();
  await warmReady(launcher, 'python', 2);
  await warmReady(launcher, 'r', 2);
  console.log(warmMemory(launcher));
  for (const [label, language, echo, noop] of [
    ['Python', 'python', "OutputDataSet = InputDataSet\nprint([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0])", 'pass'],
    ['R', 'r', "OutputDataSet <- InputDataSet\ncat(grep('^VmHWM', readLines('/proc/self/status'), value = TRUE), '\\n')", 'invisible(0)'],
  ] as const) {
    const noops: number[] = [];
    const totals: number[] = [];
    const satelliteKb: number[] = [];
    const daemon: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await warmReady(launcher, language, 1);
      noops.push(await timed(() => session(launcher, { language, script: noop })));
      let rowsBack = 0;
      await warmReady(launcher, language, 1);
      totals.push(
        await timed(async () => {
          const result = await session(launcher, { language, script: echo, input: data });
          rowsBack = result.resultSets[0]!.rows.length;
          satelliteKb.push(Number(/VmHWM:\s*(\d+)/.exec(result.messages.map((m) => m.text).join('\n'))?.[1] ?? NaN));
        }),
      );
      daemon.push(process.memoryUsage().rss);
      if (rowsBack !== ROWS) throw new Error(`${label}: ${rowsBack} rows came back`);
    }
    const total = median(totals);
    console.log(
      `${label}: 1,000,000 rows x 5 columns in and out: median ${ms(total)} over ${RUNS} runs (${totals.map(ms).join(', ')}); ` +
        `no-op session ${ms(median(noops))}, so the data's share is ${ms(total - median(noops))} (goal <= 1.0 s: ${total <= 1000 ? 'met' : 'NOT met'}); ` +
        `memory: daemon ${mib(median(daemon))} resident after the run (peak ${mib(process.resourceUsage().maxRSS * 1024)}), satellite peak ${mib(median(satelliteKb) * 1024)}`,
    );
  }
}, { python: 2, r: 2, memoryMiB: 1024 });
