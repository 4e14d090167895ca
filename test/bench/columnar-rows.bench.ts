// 1,000,000 rows x 5 columns (4 float, 1 text) in and out of a script, through a real instance
// daemon (its socket, DuckDB, the launcher's sandbox, the satellite), for Python and R:
//  - INSERT ... EXEC: @input_data_1 read from DuckDB, the script's OutputDataSet put back into a table;
//  - the result set to the client: the same rows back as the statement's result set, received here
//    and decoded column by column (wireResultSets.ts; row arrays are made only for a consumer that
//    asks for rows, as the CLI's table does), its typed columns in the message's binary section
//    (binarySection.ts); and, taken in turn with it, by a client that has them as base64 in the JSON.
// Baseline from the same run: DuckDB exports the rows to CSV, a bare python3 (pandas) / Rscript
// reads them and writes them back to CSV, and DuckDB loads that file into a table. Memory: the
// daemon's resident size after each run and its peak (VmRSS, VmHWM), and the satellite's peak
// (VmHWM, printed by the script once its output is set). The daemon's CPU time for each statement
// is printed too: other processes share the machine, and CPU time is what they change least.
// Each language runs twice: with satellites started cold for every session, then with a warm
// satellite kept in the pool (launcher.warm, as `instance create --warm-python 1 --warm-r 1`);
// before each warm statement the bench waits until the pool has refilled, so that the replacement
// starting beside it is not what is measured. The bench's own client runs as the language server
// does, with malloc on huge pages (hugePageClient.ts).
// Goal (issue 13): 1.0 s each.
// Run as root (accounts mode; else namespaces): node --import tsx test/bench/columnar-rows.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { deprovision } from '../../server/src/node/launcher/accounts';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { instanceLayout } from '../../server/src/node/instance/layout';
import type { RunOutcome } from '../../server/src/node/instance/protocol';
import { bareEnvironment, runAsLanguageServer } from './hugePageClient';
import { cpuMs, statusBytes } from './processes';
import { median } from './stats';
import { refilled } from './warmPools';
import { GENERATE_DUCKDB, GENERATE_TSQL as GENERATE_BIG_TSQL, ROWS } from './millionRows';

const RUNS = 3;
const PREFIX = 'sqlmlbc';
const BASE = process.getuid?.() === 0 ? '/var/lib/sqlml-bench-columnar' : join(process.env.HOME ?? '/tmp', '.cache', 'sqlml-bench-columnar');
const CLI = join(__dirname, '..', '..', 'server', 'dist', 'cli.js');
const INSTANCE = join(BASE, 'instance');

// The rows come back into dbo.back, a table of big's shape.
const GENERATE_TSQL = `${GENERATE_BIG_TSQL}
CREATE TABLE dbo.back (a float, b float, c float, d float, label nvarchar(20));`;

interface Language {
  label: string;
  /** Echoes the input and prints the satellite's peak resident size. */
  echo: string;
  /** The bare runtime's side of the baseline: CSV in, the same data frame out as CSV. */
  bare(input: string, output: string): string[];
}

const LANGUAGES: Language[] = [
  {
    label: 'Python',
    echo: "OutputDataSet = InputDataSet\nprint([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0])",
    bare: (input, output) => ['/usr/bin/python3', '-I', '-c', `import pandas\npandas.read_csv(${JSON.stringify(input)}).to_csv(${JSON.stringify(output)}, index=False)`],
  },
  {
    label: 'R',
    echo: "OutputDataSet <- InputDataSet\ncat(grep('^VmHWM', readLines('/proc/self/status'), value = TRUE), '\\n')",
    bare: (input, output) => ['/usr/bin/Rscript', '-e', `write.csv(read.csv(${JSON.stringify(input)}), ${JSON.stringify(output)}, row.names = FALSE)`],
  },
];

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sqlml ${args[0]} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function problems(outcome: RunOutcome): string[] {
  return outcome.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error').map((m) => `Msg ${m.number}: ${m.text}`);
}

function satellitePeak(outcome: RunOutcome): number {
  const text = outcome.batches.flatMap((b) => b.messages).map((m) => m.text).join('\n');
  return Number(/VmHWM:\s*(\d+)/.exec(text)?.[1] ?? NaN) * 1024;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const figures = (ms: number[]) => `median ${seconds(median(ms))} (${ms.map(seconds).join(', ')})`;

async function measure(client: InstanceClient, base64Client: InstanceClient, warm: boolean, connection: DuckDBConnection, csvIn: string, csvOut: string): Promise<void> {
  const daemon = (await client.status()).pid;
  const run = async (text: string, through = client): Promise<{ ms: number; cpu: number; outcome: RunOutcome }> => {
    if (warm) await refilled(client);
    const t = performance.now();
    const cpu = cpuMs(daemon);
    const outcome = await through.run(text, { database: 'bench' });
    const ms = performance.now() - t;
    const failed = problems(outcome);
    if (failed.length) throw new Error(failed.join('\n'));
    return { ms, cpu: cpuMs(daemon) - cpu, outcome };
  };
  const count = async (): Promise<number> => Number((await run('SELECT COUNT(*) FROM dbo.back')).outcome.batches[0]!.resultSets[0]!.rows[0]![0]);

  for (const language of LANGUAGES) {
    const exec = `EXEC sp_execute_external_script @language = N'${language.label}', @script = N'${language.echo.replace(/'/g, "''")}', @input_data_1 = N'SELECT a, b, c, d, label FROM dbo.big'`;
    const inserts: number[] = [];
    const resultSets: number[] = [];
    const base64Sets: number[] = [];
    const insertCpu: number[] = [];
    const resultSetCpu: number[] = [];
    const baseline: number[] = [];
    const satellite: number[] = [];
    const daemonAfter: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      await run('TRUNCATE TABLE dbo.back');
      const inserted = await run(`INSERT INTO dbo.back ${exec}`);
      if ((await count()) !== ROWS) throw new Error(`${language.label}: INSERT ... EXEC put ${await count()} rows back`);
      const sent = await run(exec);
      const received = sent.outcome.batches.flatMap((b) => b.resultSets)[0]?.columnar;
      if (received?.rowCount !== ROWS) throw new Error(`${language.label}: the result set had ${received?.rowCount} rows, or came as rows`);
      if (received.valueAt(ROWS - 1, 4) !== 'label99') throw new Error(`${language.label}: the last row's label is ${received.valueAt(ROWS - 1, 4)}`);
      const sentAsBase64 = await run(exec, base64Client);
      if (sentAsBase64.outcome.batches.flatMap((b) => b.resultSets)[0]?.columnar?.valueAt(ROWS - 1, 0) !== received.valueAt(ROWS - 1, 0)) throw new Error(`${language.label}: the base64 result set differs`);

      const t = performance.now();
      await connection.run(`COPY big TO '${csvIn}' (HEADER, DELIMITER ',')`);
      const bare = spawnSync(language.bare(csvIn, csvOut)[0]!, language.bare(csvIn, csvOut).slice(1), { encoding: 'utf8', env: bareEnvironment });
      if (bare.status !== 0) throw new Error(`${language.label} baseline failed: ${bare.stderr}`);
      await connection.run(`CREATE OR REPLACE TABLE back AS SELECT * FROM read_csv('${csvOut}')`);
      const bareMs = performance.now() - t;
      if (i === 0) continue; // the warm-up: the first session starts the launcher and its pools
      inserts.push(inserted.ms);
      resultSets.push(sent.ms);
      base64Sets.push(sentAsBase64.ms);
      insertCpu.push(inserted.cpu);
      resultSetCpu.push(sent.cpu);
      baseline.push(bareMs);
      satellite.push(Math.max(satellitePeak(inserted.outcome), satellitePeak(sent.outcome)));
      daemonAfter.push(statusBytes(daemon, 'VmRSS'));
    }
    const goal = (ms: number[]) => (median(ms) <= 1000 ? 'goal <= 1.0 s met' : 'goal <= 1.0 s NOT met');
    console.log(`${language.label}, ${warm ? 'a warm satellite in the pool' : 'satellites started cold'}:`);
    console.log(`  INSERT ... EXEC (DuckDB -> script -> table):     ${figures(inserts)}, ${(median(inserts) / median(baseline)).toFixed(2)}x baseline, ${goal(inserts)}; daemon CPU ${seconds(median(insertCpu))}`);
    console.log(`  result set to the client (DuckDB -> script -> socket): ${figures(resultSets)}, ${(median(resultSets) / median(baseline)).toFixed(2)}x baseline, ${goal(resultSets)}; daemon CPU ${seconds(median(resultSetCpu))}`);
    console.log(`  the same result set with its columns as base64 in the JSON (before binary sections): ${figures(base64Sets)}; binary section / base64 ${(median(resultSets) / median(base64Sets)).toFixed(2)}`);
    console.log(`  baseline (DuckDB COPY to CSV, bare ${language.label} reads and writes CSV, DuckDB loads it): ${figures(baseline)}`);
    console.log(`  memory: daemon ${mib(median(daemonAfter))} resident after a run (peak ${mib(statusBytes(daemon, 'VmHWM'))}), satellite peak ${mib(median(satellite))}`);
  }
}

async function main(): Promise<void> {
  runAsLanguageServer();
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true, mode: 0o755 });
  let client: InstanceClient | undefined;
  let base64Client: InstanceClient | undefined;
  try {
    cli(['instance', 'create', '--path', INSTANCE, '--prefix', PREFIX, '--workers', '2']);
    // A million-row result set is over the default row limit of a result set; this benchmark sends it whole.
    const layout = instanceLayout({ path: INSTANCE });
    const config = JSON.parse(readFileSync(layout.configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(layout.configFile, JSON.stringify({ ...config, results: { maxRowsPerResultSet: 2 * ROWS } }, null, 2));
    const setup = join(BASE, 'setup.sql');
    writeFileSync(setup, `EXEC sp_configure 'external scripts enabled', 1;\nRECONFIGURE;\nGO\nCREATE DATABASE bench;\nGO\nUSE bench;\n${GENERATE_TSQL}\n`);
    cli(['run', '--path', INSTANCE, setup]);

    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    await connection.run(GENERATE_DUCKDB);
    const csvIn = join(BASE, 'big.csv');
    const csvOut = join(BASE, 'back.csv');

    console.log(`machine: ${availableParallelism()} CPUs, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);
    console.log(`${ROWS.toLocaleString('en')} rows x 5 columns (4 float, 1 text) in and out, ${RUNS} runs each after a warm-up`);
    console.log(`the client runs as the language server does, GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES}; the bare runtimes without it`);
    for (const warm of [false, true]) {
      if (warm) {
        client?.close();
        base64Client?.close();
        cli(['instance', 'stop', '--path', INSTANCE]);
        const current = JSON.parse(readFileSync(layout.configFile, 'utf8')) as { launcher: Record<string, unknown> };
        writeFileSync(layout.configFile, JSON.stringify({ ...current, launcher: { ...current.launcher, warm: { python: 1, r: 1, memoryMiB: 1024 } } }, null, 2));
      }
      client = await InstanceClient.connect(layout, { autoStart: true, idleStopSeconds: 600, clientName: 'columnar-rows bench', startTimeoutMs: 60_000 });
      base64Client = await InstanceClient.connect(layout, { autoStart: false, clientName: 'columnar-rows bench (base64)', binaryColumns: false });
      await measure(client, base64Client, warm, connection, csvIn, csvOut);
    }
    connection.closeSync();
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  } finally {
    client?.close();
    base64Client?.close();
    spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', INSTANCE]);
    rmSync(BASE, { recursive: true, force: true });
    if (process.getuid?.() === 0) await deprovision(PREFIX);
  }
}

main().catch((err: Error) => {
  console.error(`benchmark failed: ${err.message}`);
  process.exitCode = 1;
});
