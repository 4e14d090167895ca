// The TDS endpoint against the instance's own socket protocol, on one daemon serving both: a
// trivial query's round trip (SELECT 1 on an open connection: mssql over TDS, InstanceClient over
// the Unix socket; mssql's pool does not re-validate the connection before each request), and a
// 1,000,000-row x 5-column result set fetched whole both ways. The daemon runs in this process
// with a row limit of 1,000,000 (the instance's default cuts result sets at 100,000), so both
// protocols carry every row. The two protocols take turns (blocks of round trips, then one fetch
// each) so that the load of a shared machine weighs on both alike; the figures are medians.
// The clients run in this process too: their own costs (tedious's parser, the JSON decoder) are
// part of what is measured, as they are part of what a user waits for.
// Run: node --import tsx test/bench/tds-roundtrip.bench.ts
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import sql from 'mssql';
import { DEFAULT_DAEMON_LIMITS } from '../../server/src/node/instance/daemonLimits';
import { InstanceClient } from '../../server/src/node/instance/instanceClient';
import { currentOsUser, serveInstance } from '../../server/src/node/instance/instanceDaemon';
import { instanceLayout } from '../../server/src/node/instance/layout';
import { ScriptHost } from '../../server/src/node/instance/scriptHost';
import { createSqlEngine } from '../../server/src/node/instance/sqlEngine';
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

async function main(): Promise<void> {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true, mode: 0o711 });
  const layout = instanceLayout({ path: join(BASE, 'instance') });
  mkdirSync(layout.root, { recursive: true, mode: 0o711 });
  const owner = currentOsUser();
  const scripts = new ScriptHost({ config: { mode: 'none', prefix: 'sqlmlbt', workers: 1, pythonPath: '/usr/bin/python3', rscriptPath: '/usr/bin/Rscript' }, root: layout.root, log: () => undefined });
  const daemon = await serveInstance({
    layout,
    openEngine: async () => ({ engine: await createSqlEngine({ folder: layout.root, owner: owner.name, scripts, maxRows: ROWS }), scripts }),
    owner,
    idleStopMs: 0,
    limits: DEFAULT_DAEMON_LIMITS,
    log: () => undefined,
    tds: { port: 'auto' },
  });
  const socket = await InstanceClient.connect(layout, { autoStart: false, idleStopSeconds: 0, clientName: 'bench' });
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
    const [trivialTdsTimes, trivialSocketTimes] = await alternate([() => tds.request().batch('SELECT 1 AS one'), () => socket.run('SELECT 1 AS one')], TRIVIAL_RUNS / TRIVIAL_BLOCK, TRIVIAL_BLOCK, 20);
    const trivialTds = median(trivialTdsTimes!);
    const trivialSocket = median(trivialSocketTimes!);
    console.log(`  SELECT 1        TDS (mssql) ${ms(trivialTds)}   socket (InstanceClient) ${ms(trivialSocket)}   TDS/socket ${(trivialTds / trivialSocket).toFixed(2)}`);

    const bigQuery = 'SELECT id, a, b, label, day FROM dbo.big';
    const countTds = async () => {
      const r = await tds.request().batch(bigQuery);
      if (r.recordset.length !== ROWS) throw new Error(`TDS fetched ${r.recordset.length} rows`);
    };
    const countSocket = async () => {
      const r = await socket.run(bigQuery);
      const rows = r.batches[0]!.resultSets[0]!.rows.length;
      if (rows !== ROWS) throw new Error(`the socket fetched ${rows} rows`);
    };
    const [bigTdsTimes, bigSocketTimes] = await alternate([countTds, countSocket], BIG_RUNS, 1, 1);
    const bigTds = median(bigTdsTimes!);
    const bigSocket = median(bigSocketTimes!);
    console.log(`  1M rows x 5     TDS (mssql) ${ms(bigTds)}   socket (InstanceClient) ${ms(bigSocket)}   TDS/socket ${(bigTds / bigSocket).toFixed(2)}`);
    console.log(`  load average ${loadAverage()} at the end`);
  } finally {
    await pool?.close();
    socket.close();
    await daemon.stop('bench done');
    await scripts.close();
    rmSync(BASE, { recursive: true, force: true });
  }
}

/** The 1-minute load average: other work on the machine slows both protocols. */
function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
