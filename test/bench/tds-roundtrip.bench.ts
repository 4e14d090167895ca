// The TDS endpoint against the instance's own socket protocol, on one instance serving both: a
// trivial query's round trip (SELECT 1 on an open connection: mssql over TDS, InstanceClient over
// the Unix socket; mssql's pool does not re-validate the connection before each request), and a
// 1,000,000-row x 5-column result set fetched whole both ways. The instance runs as it is
// deployed, a daemon process of its own (`sqlml instance start`), with a row limit of 1,000,000
// (the default cuts result sets at 100,000) so both protocols carry every row. The two protocols
// take turns (blocks of round trips, then one fetch each) so that the load of a shared machine
// weighs on both alike; the figures are medians. The clients run in this process: their own costs
// (tedious's parser and mssql's row objects; the JSON decoder and the socket's column decoder,
// wireResultSets.ts) are part of what is measured, as they are part of what a user waits for. The
// daemon's CPU time per round trip and per fetch is printed too: what each protocol costs the
// instance itself; and the client's CPU time per round trip: what each client library costs. The trivial round trip is also timed through tedious alone (mssql's driver on a
// connection of its own), which tells mssql's own share of the TDS figure. The fetch is also timed
// through sqlml's own TDS path (TdsConnection.run: a connection per run, rows streamed into
// columns), which is what the editor and `sqlml run -S` wait for on any SQL Server.
// Run: node --import tsx test/bench/tds-roundtrip.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import sql from 'mssql';
import { Connection, Request } from 'tedious';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { TdsConnection } from '../../server/src/node/remote/tdsConnection';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { cpuMs } from './processes';
import { median, ms, time } from './stats';

/** Runs each of `fns` in turn, `rounds` times `perRound` runs (after a warm-up), and returns each one's wall times. */
async function alternate(fns: Array<() => unknown>, rounds: number, perRound: number, warmup: number): Promise<number[][]> {
  for (const fn of fns) await time(fn, 0, warmup);
  const times = fns.map((): number[] => []);
  for (let round = 0; round < rounds; round++) for (const [k, fn] of fns.entries()) times[k]!.push(...(await time(fn, perRound, 0)));
  return times;
}

const ROWS = 1_000_000;
const TRIVIAL_RUNS = 400;
const TRIVIAL_BLOCK = 20;
/** The daemon's CPU per round trip is summed over this many blocks of each protocol (the clock ticks are 10 ms). */
const CPU_BLOCKS = 8;
const BIG_RUNS = 3;
const BASE = process.getuid?.() === 0 ? '/var/lib/sqlml-bench-tds' : join(process.env.HOME ?? '/tmp', '.cache', 'sqlml-bench-tds');
const PASSWORD = `Bench!${process.pid}Aa`;

const GENERATE = `CREATE TABLE dbo.digits (d int);
INSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE dbo.big (id int, a float, b float, label nvarchar(20), day date);
INSERT INTO dbo.big
SELECT n, n * 0.5, n * 0.25, CONCAT(N'label', n % 100), DATEADD(day, n % 1000, CAST('2020-01-01' AS date))
FROM (SELECT d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d + 100000 * d6.d AS n
      FROM dbo.digits d1 CROSS JOIN dbo.digits d2 CROSS JOIN dbo.digits d3
      CROSS JOIN dbo.digits d4 CROSS JOIN dbo.digits d5 CROSS JOIN dbo.digits d6) AS numbers;`;

const CLI = join(__dirname, '..', '..', 'server', 'dist', 'cli.js');

function cli(...args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlml ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

async function main(): Promise<void> {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true, mode: 0o711 });
  const path = join(BASE, 'instance');
  // No scripts run here: no worker accounts are needed.
  cli('instance', 'create', '--path', path, '--isolation', 'none', '--tds-port', 'auto');
  const configFile = join(path, 'instance.json');
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), results: { maxRowsPerResultSet: ROWS } }, null, 2));
  cli('instance', 'start', '--path', path);
  const socket = await InstanceClient.connect(instanceLayout({ path }), { autoStart: false, idleStopSeconds: 0, clientName: 'bench' });
  let pool: sql.ConnectionPool | undefined;
  try {
    const setup = await socket.run(`CREATE LOGIN bench WITH PASSWORD = N'${PASSWORD}'; ALTER SERVER ROLE sysadmin ADD MEMBER bench;\n${GENERATE}`);
    const failed = setup.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error');
    if (failed.length > 0) throw new Error(`setup failed: ${failed.map((m) => m.text).join('; ')}`);
    const port = (await socket.status()).tds!.port;
    pool = await new sql.ConnectionPool({ server: '127.0.0.1', port, user: 'bench', password: PASSWORD, options: { encrypt: false, trustServerCertificate: true }, pool: { max: 1 }, validateConnection: false }).connect();
    const tds = pool;

    console.log(`TDS endpoint against the socket protocol (${TRIVIAL_RUNS} round trips; ${BIG_RUNS} fetches of ${ROWS.toLocaleString('en')} rows x 5 columns)`);
    console.log(`  machine: ${cpus().length} cores, load average ${loadAverage()} at the start`);
    const raw = await tediousConnection(port);
    const [trivialTdsTimes, trivialSocketTimes, trivialRawTimes] = await alternate(
      [() => tds.request().batch('SELECT 1 AS one'), () => socket.run('SELECT 1 AS one'), () => tediousBatch(raw, 'SELECT 1 AS one')],
      TRIVIAL_RUNS / TRIVIAL_BLOCK,
      TRIVIAL_BLOCK,
      20,
    );
    raw.close();
    const trivialTds = median(trivialTdsTimes!);
    const trivialSocket = median(trivialSocketTimes!);
    const trivialRaw = median(trivialRawTimes!);
    console.log(`  SELECT 1        TDS (mssql) ${ms(trivialTds)}   socket (InstanceClient) ${ms(trivialSocket)}   TDS/socket ${(trivialTds / trivialSocket).toFixed(2)}`);
    // The same TDS round trip through tedious alone: what mssql's pool and request objects add.
    console.log(`  SELECT 1        TDS (tedious alone) ${ms(trivialRaw)}   TDS/socket ${(trivialRaw / trivialSocket).toFixed(2)}`);
    const daemon = (await socket.status()).pid;
    // The daemon's CPU time per round trip, over blocks of each taken in turn (as the wall times
    // are), so that neither protocol gets the daemon's warm-up or a busy spell of the machine alone.
    // The client's CPU time (this process: mssql and tedious, or InstanceClient) is summed alike.
    const cpu = { tds: 0, socket: 0 };
    const clientCpu = { tds: 0, socket: 0 };
    for (let block = 0; block < CPU_BLOCKS; block++) {
      for (const [protocol, trip] of [['tds', () => tds.request().batch('SELECT 1 AS one')], ['socket', () => socket.run('SELECT 1 AS one')]] as const) {
        const before = cpuMs(daemon);
        const clientBefore = process.cpuUsage();
        for (let i = 0; i < TRIVIAL_RUNS / CPU_BLOCKS; i++) await trip();
        const client = process.cpuUsage(clientBefore);
        clientCpu[protocol] += (client.user + client.system) / 1000;
        cpu[protocol] += cpuMs(daemon) - before;
      }
    }
    const tripCpuTds = cpu.tds / TRIVIAL_RUNS;
    const tripCpuSocket = cpu.socket / TRIVIAL_RUNS;
    const clientTds = clientCpu.tds / TRIVIAL_RUNS;
    const clientSocket = clientCpu.socket / TRIVIAL_RUNS;
    console.log(`  SELECT 1        daemon CPU per round trip: TDS ${ms(tripCpuTds)}   socket ${ms(tripCpuSocket)}   TDS/socket ${(tripCpuTds / tripCpuSocket).toFixed(2)}`);
    console.log(`  SELECT 1        client CPU per round trip: TDS (mssql) ${ms(clientTds)}   socket (InstanceClient) ${ms(clientSocket)}   TDS/socket ${(clientTds / clientSocket).toFixed(2)}`);

    const bigQuery = 'SELECT id, a, b, label, day FROM dbo.big';
    const tdsCpu: number[] = [];
    const socketCpu: number[] = [];
    const withCpu = (cpu: number[], fetch: () => Promise<void>) => async () => {
      const before = cpuMs(daemon);
      await fetch();
      cpu.push(cpuMs(daemon) - before);
    };
    const countTds = withCpu(tdsCpu, async () => {
      const r = await tds.request().batch(bigQuery);
      if (r.recordset.length !== ROWS) throw new Error(`TDS fetched ${r.recordset.length} rows`);
    });
    const countSocket = withCpu(socketCpu, async () => {
      const received = (await socket.run(bigQuery)).batches[0]!.resultSets[0]!.columnar;
      if (received?.rowCount !== ROWS) throw new Error(`the socket fetched ${received?.rowCount} rows, or rows instead of columns`);
    });
    const sqlmlTds = await TdsConnection.open(
      { server: '127.0.0.1', port, authenticationType: 'SqlLogin', user: 'bench', encrypt: false, trustServerCertificate: true },
      { password: PASSWORD, appName: 'bench' },
    );
    const countSqlmlTds = async () => {
      const received = (await sqlmlTds.run(bigQuery)).batches[0]!.resultSets[0]!.columnar;
      if (received?.rowCount !== ROWS) throw new Error(`TdsConnection fetched ${received?.rowCount} rows, or rows instead of columns`);
    };
    const [bigTdsTimes, bigSocketTimes, bigSqlmlTimes] = await alternate([countTds, countSocket, countSqlmlTds], BIG_RUNS, 1, 1);
    await sqlmlTds.close();
    const bigTds = median(bigTdsTimes!);
    const bigSocket = median(bigSocketTimes!);
    const bigSqlml = median(bigSqlmlTimes!);
    console.log(`  1M rows x 5     TDS (mssql) ${ms(bigTds)}   socket (InstanceClient) ${ms(bigSocket)}   TDS/socket ${(bigTds / bigSocket).toFixed(2)}`);
    console.log(`  1M rows x 5     TDS (sqlml's TdsConnection.run) ${ms(bigSqlml)}   TDS/socket ${(bigSqlml / bigSocket).toFixed(2)}`);
    const cpuTds = median(tdsCpu.slice(1));
    const cpuSocket = median(socketCpu.slice(1));
    console.log(`  1M rows x 5     daemon CPU per fetch: TDS ${ms(cpuTds)}   socket ${ms(cpuSocket)}   TDS/socket ${(cpuTds / cpuSocket).toFixed(2)}`);
    console.log(`  load average ${loadAverage()} at the end`);
  } finally {
    await pool?.close();
    socket.close();
    spawnSync(process.execPath, [CLI, 'instance', 'stop', '--path', path]);
    rmSync(BASE, { recursive: true, force: true });
  }
}

/** A tedious connection of its own (mssql's driver, without mssql's pool and request objects). */
function tediousConnection(port: number): Promise<Connection> {
  const connection = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'bench', password: PASSWORD } },
    options: { port, encrypt: false, trustServerCertificate: true },
  });
  return new Promise((resolve, reject) => {
    connection.on('connect', (err) => (err ? reject(err) : resolve(connection)));
    connection.connect();
  });
}

function tediousBatch(connection: Connection, text: string): Promise<void> {
  return new Promise((resolve, reject) => connection.execSqlBatch(new Request(text, (err) => (err ? reject(err) : resolve()))));
}

/** The 1-minute load average: other work on the machine slows both protocols. */
function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
