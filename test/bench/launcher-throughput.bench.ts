// Data exchange throughput: 1,000,000 rows x 5 columns (4 float, 1 text) into a pandas
// DataFrame / R data.frame and back as the result set, through a real accounts-mode session.
// The figure includes everything: encoding in Node, the session, the runtime's reading and
// writing, and decoding back into rows. Goal: under 3 s. The no-op session of the same run is
// printed beside it, so that the data's own share is visible.
// Run as root: node --import tsx test/bench/launcher-throughput.bench.ts
import type { SqlValue } from '../../server/src/core/launcher/request';
import { median, ms, session, timed, withLauncher } from './launcher-common';

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

void withLauncher(2, async (launcher) => {
  const data = input();
  for (const [label, language, echo, noop] of [
    ['Python', 'python', 'OutputDataSet = InputDataSet', 'pass'],
    ['R', 'r', 'OutputDataSet <- InputDataSet', 'invisible(0)'],
  ] as const) {
    const noops: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      noops.push(await timed(() => session(launcher, { language, script: noop })));
      let rowsBack = 0;
      totals.push(
        await timed(async () => {
          const result = await session(launcher, { language, script: echo, input: data });
          rowsBack = result.resultSets[0]!.rows.length;
        }),
      );
      if (rowsBack !== ROWS) throw new Error(`${label}: ${rowsBack} rows came back`);
    }
    const total = median(totals);
    console.log(
      `${label}: 1,000,000 rows x 5 columns in and out: median ${ms(total)} over ${RUNS} runs (${totals.map(ms).join(', ')}); ` +
        `no-op session ${ms(median(noops))}, so the data's share is ${ms(total - median(noops))} (goal < 3 s: ${total < 3000 ? 'met' : 'NOT met'})`,
    );
  }
});
