// `sqlml run` of a Python script over 1,000,000 input rows, end to end (a CLI process, the
// daemon, DuckDB, permission checks, the launcher's sandbox, pandas, the result back), against
// the baseline of the same rows exported by DuckDB to a CSV file and read by pandas in a bare
// python3 doing the same computation. Both measured here, in the same run.
// Run: node --import tsx test/bench/instance-run.bench.ts   (root: accounts mode; else namespaces)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { deprovision } from '../../server/src/node/launcher/accounts';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { median } from './stats';
import { refilled } from './warmPools';
import { GENERATE_DUCKDB, GENERATE_TSQL, ROWS } from './millionRows';

const RUNS = 5;
const PREFIX = 'sqlmlbr';
const BASE = process.getuid?.() === 0 ? '/var/lib/sqlml-bench-run' : join(process.env.HOME ?? '/tmp', '.cache', 'sqlml-bench-run');
const CLI = join(__dirname, '..', '..', 'server', 'dist', 'cli.js');
const INSTANCE = join(BASE, 'instance');

// The same computation on both sides: per label, the row count and the mean of a + b * c.
const COMPUTE = 'df.assign(v=df["a"] + df["b"] * df["c"]).groupby("label", as_index=False).agg(n=("v", "size"), mean_v=("v", "mean"))';


function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<void> {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true, mode: 0o755 });
  try {
    must(cli(['instance', 'create', '--path', INSTANCE, '--prefix', PREFIX, '--workers', '2']), 'instance create');
    const setup = join(BASE, 'setup.sql');
    writeFileSync(setup, `EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\nGO\nCREATE DATABASE bench;\nGO\nUSE bench;\n${GENERATE_TSQL}\n`);
    must(cli(['run', '--path', INSTANCE, setup]), 'loading the rows');

    const script = join(BASE, 'score.sql');
    writeFileSync(
      script,
      `USE bench;
EXEC sp_execute_external_script @language = N'Python',
  @script = N'df = InputDataSet
OutputDataSet = ${COMPUTE.replace(/'/g, "''")}',
  @input_data_1 = N'SELECT a, b, c, d, label FROM dbo.big';
`,
    );
    let answer = '';
    const runs = async (client?: InstanceClient): Promise<number[]> => {
      const measured: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        if (client) await refilled(client);
        const t = performance.now();
        answer = must(cli(['run', '--path', INSTANCE, '--format', 'json', script]), 'sqlml run');
        if (i > 0) measured.push(performance.now() - t); // the first run starts the daemon and launcher
      }
      return measured;
    };
    const measured = await runs();
    // The same with a warm Python satellite kept in the pool (instance create --warm-python 1), each
    // run once the pool has replaced the satellite the last one used.
    must(cli(['instance', 'stop', '--path', INSTANCE]), 'instance stop');
    const configFile = join(INSTANCE, 'instance.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { launcher: Record<string, unknown> };
    writeFileSync(configFile, JSON.stringify({ ...config, launcher: { ...config.launcher, warm: { python: 1, r: 0, memoryMiB: 1024 } } }, null, 2));
    const client = await InstanceClient.connect(instanceLayout({ path: INSTANCE }), { autoStart: true, idleStopSeconds: 600, clientName: 'instance-run bench', startTimeoutMs: 60_000 });
    const warmMeasured = await runs(client).finally(() => client.close());
    const groups = (JSON.parse(answer) as { batches: { resultSets: { rows: unknown[][] }[] }[] }).batches.flatMap((b) => b.resultSets)[0]!.rows;

    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    await connection.run(GENERATE_DUCKDB);
    const csv = join(BASE, 'big.csv');
    const baseline: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t = performance.now();
      await connection.run(`COPY big TO '${csv}' (HEADER, DELIMITER ',')`);
      const r = spawnSync('/usr/bin/python3', ['-I', '-c', `import pandas\ndf = pandas.read_csv(${JSON.stringify(csv)})\nout = ${COMPUTE}\nprint(len(out))`], { encoding: 'utf8' });
      if (r.status !== 0 || Number(r.stdout.trim()) !== groups.length) throw new Error(`baseline failed: ${r.stderr}`);
      if (i > 0) baseline.push(performance.now() - t);
    }
    connection.closeSync();

    const m = median(measured);
    const b = median(baseline);
    console.log(`machine: ${availableParallelism()} CPUs, Node ${process.version}, ${process.getuid?.() === 0 ? 'accounts' : 'namespaces'} mode`);
    console.log(`${ROWS.toLocaleString('en')} rows × 5 columns (4 float, 1 text) into pandas, grouped into ${groups.length} rows, ${RUNS} runs each after a warm-up`);
    const w = median(warmMeasured);
    console.log(`sqlml run (CLI → daemon → DuckDB → launcher sandbox → pandas → result): median ${(m / 1000).toFixed(2)} s (min ${(Math.min(...measured) / 1000).toFixed(2)} s)`);
    console.log(`the same with a warm Python satellite in the pool:                    median ${(w / 1000).toFixed(2)} s (${warmMeasured.map((ms) => (ms / 1000).toFixed(2)).join(", ")})`);
    console.log(`baseline (DuckDB COPY to CSV + bare python3 pandas.read_csv):      median ${(b / 1000).toFixed(2)} s (min ${(Math.min(...baseline) / 1000).toFixed(2)} s)`);
    console.log(`ratio: ${(m / b).toFixed(2)}× cold, ${(w / b).toFixed(2)}× warm (goal <= 0.6×)`);
  } finally {
    cli(['instance', 'stop', '--path', INSTANCE]);
    rmSync(BASE, { recursive: true, force: true });
    if (process.getuid?.() === 0) await deprovision(PREFIX);
  }
}

main().catch((err: Error) => {
  console.error(`benchmark failed: ${err.message}`);
  process.exitCode = 1;
});
