// A script's result set entering the storage (INSERT ... EXEC, WITH RESULT SETS): 20,000 rows of
// (int, bigint-or-number, text) staged through the appender and converted by one INSERT ... SELECT,
// against the baseline of one prepared INSERT per row with bound parameters (how it was done
// before), both into a DuckDB temporary table, measured here in the same run.
// Run: node --import tsx test/bench/staged-rows.bench.ts
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SqlValue } from '../../server/src/core/engine/executor/ports';
import { toDuckdb } from '../../server/src/node/instance/duckdbValues';
import { stageRows } from '../../server/src/node/instance/stagedRows';
import { median, time } from './stats';

const ROWS = 20_000;
const RUNS = 7;
// The baseline takes seconds a run: fewer runs of it give as steady a median.
const BASELINE_RUNS = 3;
const rows: SqlValue[][] = Array.from({ length: ROWS }, (_, k) => [k, k * k, `row${k}`]);
const CONVERT = 'CAST(c1 AS INTEGER), CAST(c2 AS BIGINT), CAST(c3 AS VARCHAR)';

async function staged(con: DuckDBConnection, k: number): Promise<void> {
  await stageRows(con, `staged${k}`, 3, rows);
  await con.run(`INSERT INTO target SELECT ${CONVERT} FROM temp.main."staged${k}" ORDER BY rowid`);
  await con.run(`DROP TABLE temp.main."staged${k}"`);
}

async function perRow(con: DuckDBConnection): Promise<void> {
  const prepared = await con.prepare('INSERT INTO target VALUES (CAST($1 AS INTEGER), CAST($2 AS BIGINT), CAST($3 AS VARCHAR))');
  for (const row of rows) {
    prepared.bind(row.map(toDuckdb));
    await prepared.run();
  }
}

async function main(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run('CREATE TEMP TABLE target (n INTEGER, square BIGINT, label VARCHAR)');
  let k = 0;
  const appended = await time(() => staged(con, k++), RUNS);
  const baseline = await time(() => perRow(con), BASELINE_RUNS, 1);
  const count = (await con.runAndReadAll('SELECT count(*) FROM target')).getRows()[0]![0];
  con.closeSync();
  instance.closeSync();
  const [a, b] = [median(appended), median(baseline)];
  console.log(`${ROWS} result-set rows into a table (medians of ${RUNS} and ${BASELINE_RUNS} runs; ${count} rows written in all):`);
  console.log(`  staged through the appender + INSERT ... SELECT: ${a.toFixed(1)} ms (${((a * 1000) / ROWS).toFixed(1)} µs a row)`);
  console.log(`  baseline, one prepared INSERT per row:          ${b.toFixed(1)} ms (${((b * 1000) / ROWS).toFixed(1)} µs a row)`);
  console.log(`  baseline/staged: ${(b / a).toFixed(1)}×`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
