// A session's kept prepared statements (statementCache.ts) against a real DuckDB: the same text is
// prepared once; a kept statement answers exactly as a fresh one would after the catalog changed
// under it (columns added, a table dropped, a table made again with other types), with values of
// another type bound, and after a failure; statements that define (CREATE, DROP) and text of
// several statements run whole and are not kept; a write by any session retires every kept
// statement (DuckDB plans on the data's statistics); the least recently used statement goes when the
// cache is full.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { DataVersion, StatementCache } from '../../../server/src/node/instance/statementCache';

let instance: DuckDBInstance;
let con: DuckDBConnection;
/** Statements DuckDB was asked to prepare since the last reset. */
let prepares = 0;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
  const prepare = con.prepare.bind(con);
  con.prepare = (sql: string) => {
    prepares++;
    return prepare(sql);
  };
});

after(() => {
  con.closeSync();
  instance.closeSync();
});

beforeEach(async () => {
  prepares = 0;
  await con.run('DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS log');
});

/** The rows and column names of `sql` run through `cache`. */
async function rows(cache: StatementCache, sql: string, values: DuckDBValue[] = []): Promise<{ names: string[]; rows: unknown[][] }> {
  const result = await cache.use(sql, values, (prepared) => prepared.run());
  return { names: result.columnNames(), rows: (await result.getRowsJS()) as unknown[][] };
}

describe('kept statements', () => {
  test('the same text is prepared once, whatever values are bound', async () => {
    const cache = new StatementCache(con);
    const sql = 'SELECT $1::INTEGER * 2 AS doubled';
    assert.deepEqual((await rows(cache, sql, [21])).rows, [[42]]);
    assert.deepEqual((await rows(cache, sql, [5])).rows, [[10]]);
    assert.deepEqual((await rows(cache, 'SELECT 1 AS one')).rows, [[1]]);
    assert.deepEqual((await rows(cache, 'SELECT 1 AS one')).rows, [[1]]);
    assert.equal(prepares, 2);
    assert.equal(cache.size, 2);
  });

  test("a write retires every kept statement, this session's or another's: DuckDB's plan rests on the statistics of the data it was planned on", async () => {
    const data = new DataVersion();
    const cache = new StatementCache(con, data);
    const otherConnection = await instance.connect();
    const other = new StatementCache(otherConnection, data);
    try {
      await con.run('CREATE TABLE t (id INTEGER, v INTEGER); INSERT INTO t VALUES (1, 1), (2, 2)');
      const sorted = 'SELECT id, v FROM t ORDER BY id';
      const grouped = 'SELECT v, count(*)::INTEGER AS n FROM t GROUP BY v ORDER BY v';
      assert.deepEqual((await rows(cache, sorted)).rows, [[1, 1], [2, 2]]);
      assert.deepEqual((await rows(cache, grouped)).rows, [[1, 1], [2, 1]]);
      await rows(cache, 'UPDATE t SET v = v * 1000');
      prepares = 0;
      // Planned on values up to 2, the sort packed v into a byte (1000 came back as 232) and the
      // GROUP BY was a perfect hash of 4 groups (it failed).
      assert.deepEqual((await rows(cache, sorted)).rows, [[1, 1000], [2, 2000]]);
      assert.deepEqual((await rows(cache, grouped)).rows, [[1000, 1], [2000, 1]]);
      assert.equal(prepares, 2, 'both planned again after the write');
      await rows(other, 'UPDATE t SET v = v * 1000');
      assert.deepEqual((await rows(cache, sorted)).rows, [[1, 1000000], [2, 2000000]], "another session's write counts too");
      prepares = 0;
      assert.deepEqual((await rows(cache, sorted)).rows, [[1, 1000000], [2, 2000000]]);
      assert.equal(prepares, 0, 'no write since: kept');
      // What reads no table stays kept across writes: a loop's condition, an INSERT of VALUES.
      const condition = 'SELECT $1::INTEGER < 2000 AS go';
      const insert = 'INSERT INTO t VALUES ($1, $2)';
      const copy = 'INSERT INTO t SELECT id + 10, v FROM t WHERE id = 1';
      for (const sql of [condition, insert, copy]) await cache.use(sql, sql === condition ? [5] : sql === insert ? [3, 3] : [], (p) => p.run());
      prepares = 0;
      await cache.use(insert, [4, 4], (p) => p.run());
      assert.deepEqual((await rows(cache, condition, [1999])).rows, [[true]]);
      await cache.use(copy, [], (p) => p.run());
      assert.equal(prepares, 1, 'only the INSERT ... SELECT, which reads a table, was planned again');
    } finally {
      other.clear();
      otherConnection.closeSync();
    }
  });

  test('a value of another type is bound to a kept statement as it would be to a fresh one', async () => {
    const cache = new StatementCache(con);
    const sql = 'SELECT typeof($1) AS kind, $1 AS v';
    assert.deepEqual((await rows(cache, sql, [7])).rows, [['INTEGER', 7]]);
    assert.deepEqual((await rows(cache, sql, ['seven'])).rows, [['VARCHAR', 'seven']]);
    assert.deepEqual((await rows(cache, sql, [null])).rows, [['"NULL"', null]]);
  });

  test('a kept statement sees columns added, and a table made again with other columns and types', async () => {
    const cache = new StatementCache(con);
    await con.run('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)');
    const sql = 'SELECT * FROM t';
    assert.deepEqual(await rows(cache, sql), { names: ['a'], rows: [[1]] });
    await con.run('ALTER TABLE t ADD COLUMN b VARCHAR');
    assert.deepEqual(await rows(cache, sql), { names: ['a', 'b'], rows: [[1, null]] });
    await con.run("DROP TABLE t; CREATE TABLE t (label VARCHAR, d DATE); INSERT INTO t VALUES ('x', NULL)");
    assert.deepEqual(await rows(cache, sql), { names: ['label', 'd'], rows: [['x', null]] });
    assert.equal(prepares, 1);
  });

  test("a kept statement fails as a fresh one would once its table is gone, and answers again once it is back", async () => {
    const cache = new StatementCache(con);
    await con.run('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (3)');
    const sql = 'SELECT a FROM t';
    assert.deepEqual((await rows(cache, sql)).rows, [[3]]);
    await con.run('DROP TABLE t');
    await assert.rejects(rows(cache, sql), /Table with name t does not exist/);
    await con.run('CREATE TABLE t (a VARCHAR); INSERT INTO t VALUES (\'back\')');
    assert.deepEqual((await rows(cache, sql)).rows, [['back']]);
  });

  test('text that does not prepare is not kept, and its error is DuckDB\'s own', async () => {
    const cache = new StatementCache(con);
    await assert.rejects(rows(cache, 'SELEC 1'), /syntax error at or near "SELEC"/);
    assert.equal(cache.size, 0);
  });

  test('text of several statements runs every statement, answers with the last, and is not kept', async () => {
    const cache = new StatementCache(con);
    await con.run('CREATE TABLE log (n INTEGER)');
    const sql = 'INSERT INTO log VALUES (1); INSERT INTO log VALUES (2); SELECT count(*)::INTEGER AS n FROM log';
    assert.deepEqual((await rows(cache, sql)).rows, [[2]]);
    assert.deepEqual((await rows(cache, sql)).rows, [[4]]);
    assert.equal(cache.size, 0);
  });

  test('a statement that defines (CREATE OR REPLACE) runs fresh each time: DuckDB cannot run one prepared twice', async () => {
    const cache = new StatementCache(con);
    const create = 'CREATE OR REPLACE TEMP TABLE made (a INTEGER, b VARCHAR)';
    for (let pass = 0; pass < 3; pass++) {
      await cache.use(create, [], (prepared) => prepared.run());
      assert.deepEqual((await rows(cache, "INSERT INTO temp.main.made VALUES (1, 'x') RETURNING b")).rows, [['x']], `pass ${pass}`);
    }
    assert.equal(cache.size, 1, 'only the INSERT is kept');
  });

  test('a full cache lets the least recently used statement go; a statement used again stays', async () => {
    const cache = new StatementCache(con, new DataVersion(), 3);
    for (const n of [1, 2, 3]) await rows(cache, `SELECT ${n} AS n`);
    await rows(cache, 'SELECT 1 AS n'); // used again: now the most recent
    await rows(cache, 'SELECT 4 AS n'); // the fourth: 'SELECT 2' goes
    assert.equal(cache.size, 3);
    prepares = 0;
    await rows(cache, 'SELECT 1 AS n');
    await rows(cache, 'SELECT 3 AS n');
    assert.equal(prepares, 0, 'SELECT 1 and SELECT 3 are still kept');
    await rows(cache, 'SELECT 2 AS n');
    assert.equal(prepares, 1, 'SELECT 2 was let go and is prepared again');
  });

  test('a long text runs but is not kept', async () => {
    const cache = new StatementCache(con);
    const sql = `SELECT '${'x'.repeat(20_000)}' AS long`;
    assert.equal(((await rows(cache, sql)).rows[0]![0] as string).length, 20_000);
    assert.equal(cache.size, 0);
  });

  test('clear() lets every kept statement go', async () => {
    const cache = new StatementCache(con);
    await rows(cache, 'SELECT 1 AS n');
    cache.clear();
    assert.equal(cache.size, 0);
    prepares = 0;
    assert.deepEqual((await rows(cache, 'SELECT 1 AS n')).rows, [[1]]);
    assert.equal(prepares, 1);
  });
});
