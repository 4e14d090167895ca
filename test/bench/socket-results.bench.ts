// A million-row query result through the instance's socket, received and decoded by the client
// (InstanceClient; rows are not made, as for a consumer that reads columns), for the column kinds a
// result set is made of: numbers, text with few distinct values (coded) and text with a distinct
// value per row (plain). Each query is taken in turn by a client that reads the answer's binary
// section (binarySection.ts: typed arrays and text bytes after the JSON) and by one that has them
// inside the JSON (base64, and text as a string per row): the baseline, from the same run. Then the
// same with every row read, as the CLI's table does. The daemon's CPU time per query is printed
// beside each figure: other processes share the machine, and CPU time is what they change least.
// Run: node --import tsx test/bench/socket-results.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { cpuMs } from './processes';
import { median } from './stats';
import { GENERATE_TSQL, ROWS } from './millionRows';

const RUNS = 5;
const BASE = process.getuid?.() === 0 ? '/var/lib/sqlml-bench-socket' : join(process.env.HOME ?? '/tmp', '.cache', 'sqlml-bench-socket');
const CLI = join(__dirname, '..', '..', 'server', 'dist', 'cli.js');
const INSTANCE = join(BASE, 'instance');

const QUERIES = [
  { label: 'four float columns', text: 'SELECT a, b, c, d FROM dbo.big' },
  { label: 'text, 100 distinct values (coded)', text: 'SELECT label FROM dbo.big' },
  { label: 'text, a distinct value per row (plain)', text: 'SELECT name FROM dbo.names' },
];

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlml ${args[0]} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

async function main(): Promise<void> {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true, mode: 0o755 });
  const layout = instanceLayout({ path: INSTANCE });
  let binary: InstanceClient | undefined;
  let base64: InstanceClient | undefined;
  try {
    cli(['instance', 'create', '--path', INSTANCE, '--isolation', 'none']);
    // A million-row result set is over the default row limit of a result set; this benchmark sends it whole.
    const config = JSON.parse(readFileSync(layout.configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(layout.configFile, JSON.stringify({ ...config, results: { maxRowsPerResultSet: 2 * ROWS } }, null, 2));
    // The plain text is stored, not computed by the query: what is measured is its way to the client.
    const names = "CREATE TABLE dbo.names (name nvarchar(40));\nINSERT INTO dbo.names SELECT CONCAT(label, N'/', a) FROM dbo.big;";
    writeFileSync(join(BASE, 'setup.sql'), `CREATE DATABASE bench;\nGO\nUSE bench;\n${GENERATE_TSQL}\n${names}\n`);
    cli(['run', '--path', INSTANCE, join(BASE, 'setup.sql')]);
    binary = await InstanceClient.connect(layout, { autoStart: true, idleStopSeconds: 600, clientName: 'socket-results bench', startTimeoutMs: 60_000 });
    base64 = await InstanceClient.connect(layout, { autoStart: false, clientName: 'socket-results bench (base64)', binaryColumns: false });
    const daemon = (await binary.status()).pid;
    console.log(`machine: ${availableParallelism()} CPUs, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);
    console.log(`${ROWS.toLocaleString('en')} rows a query, ${RUNS} runs of each client in turn after a warm-up`);
    for (const readRows of [false, true]) {
      console.log(readRows ? 'every row read (as the CLI prints them):' : 'received and decoded, rows not made:');
      for (const query of QUERIES) {
        const figures = { binary: [] as number[], base64: [] as number[], binaryCpu: [] as number[], base64Cpu: [] as number[] };
        for (let i = 0; i <= RUNS; i++) {
          for (const [name, client] of [['binary', binary], ['base64', base64]] as const) {
            const cpu = cpuMs(daemon);
            const t = performance.now();
            const outcome = await client.run(query.text, { database: 'bench' });
            const set = outcome.batches[0]?.resultSets[0];
            if (set?.columnar?.rowCount !== ROWS) throw new Error(`${query.label}: ${set?.columnar?.rowCount ?? 'no columnar'} rows`);
            if (readRows && set.rows.length !== ROWS) throw new Error(`${query.label}: ${set.rows.length} rows made`);
            const elapsed = performance.now() - t;
            if (i === 0) continue;
            figures[name].push(elapsed);
            figures[`${name}Cpu`].push(cpuMs(daemon) - cpu);
          }
        }
        const ratio = median(figures.binary) / median(figures.base64);
        console.log(
          `  ${query.label.padEnd(40)} binary section ${seconds(median(figures.binary))} (daemon CPU ${seconds(median(figures.binaryCpu))}), ` +
            `base64 in the JSON ${seconds(median(figures.base64))} (daemon CPU ${seconds(median(figures.base64Cpu))}): ${ratio.toFixed(2)}x`,
        );
      }
    }
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  } finally {
    binary?.close();
    base64?.close();
    spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', INSTANCE]);
    rmSync(BASE, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`benchmark failed: ${err.message}`);
  process.exitCode = 1;
});
