// A SELECT's rows streamed to a client that takes them as they come (the TDS endpoint's path,
// EngineSession.stream): they arrive in chunks while the statement waits for the client, the row
// count follows the last chunk, the row limit cuts the stream, an error while reading ends the
// statement with SQL Server's message, and a client that stops reading (a cancel) leaves the
// session usable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { valueAt, type Columnar } from '../../../server/src/core/launcher/columnValues';
import type { StreamEvents } from '../../../server/src/node/instance/engine';
import { EngineBed, type Session } from './engineBed';

const ROWS = 50_000;
const LIMIT = 20_000;
const NUMBERS = `SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
FROM dbo.digits a CROSS JOIN dbo.digits b CROSS JOIN dbo.digits c CROSS JOIN dbo.digits e CROSS JOIN dbo.digits f`;

type Logged = { kind: 'chunk'; rows: number; first: unknown } | { kind: 'message'; number: number | null; text: string; rowCount?: number; line: number | null };

/** Streams `text` on the session; `consume` reads the chunks (all of them by default) and may cancel. */
async function stream(session: Session, text: string, consume?: (chunks: AsyncIterable<Columnar>, log: Logged[], cancel: () => void) => Promise<void>): Promise<Logged[]> {
  const log: Logged[] = [];
  const controller = new AbortController();
  const events: StreamEvents = {
    signal: controller.signal,
    onResultSet: () => assert.fail('a SELECT to a streaming client must be streamed'),
    onResultSetStream: async (_columns, chunks) => {
      if (consume) return consume(chunks, log, () => controller.abort());
      for await (const chunk of chunks) log.push({ kind: 'chunk', rows: chunk.rowCount, first: valueAt(chunk.values[0]!, 0) });
    },
    onMessage: (m) => log.push({ kind: 'message', number: m.number, text: m.text, rowCount: (m as { rowCount?: number }).rowCount, line: m.line }),
    onDatabaseChanged: () => undefined,
    onTransaction: () => undefined,
  };
  await session.inner.stream({ kind: 'batch', text }, events);
  return log;
}

const chunks = (log: Logged[]) => log.filter((l): l is Extract<Logged, { kind: 'chunk' }> => l.kind === 'chunk');

describe('a SELECT streamed to the client', () => {
  const bed = new EngineBed('stream');
  let s: Session;

  before(async () => {
    await bed.open({ maxRows: LIMIT });
    s = await bed.connect();
    await s.ok('CREATE DATABASE streamdb;\nGO\nUSE streamdb;\nCREATE TABLE dbo.digits (d int);\nINSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);');
  });
  after(() => bed.remove());

  test('rows arrive in chunks, in order, while the statement waits; the row count comes after the last', async () => {
    const log = await stream(s, `SELECT n FROM (${NUMBERS}) AS x WHERE n < 19000 ORDER BY n;`);
    const got = chunks(log);
    assert.ok(got.length > 1, `one chunk of ${got[0]?.rows} rows: the rows were not streamed`);
    assert.equal(got.reduce((sum, c) => sum + c.rows, 0), 19000);
    let next = 0;
    for (const chunk of got) {
      assert.equal(chunk.first, next, 'chunks in order');
      next += chunk.rows;
    }
    const counted = log.findIndex((l) => l.kind === 'message' && l.rowCount !== undefined);
    assert.equal(counted, log.length - 1, 'the row count follows the last chunk');
    assert.equal((log[counted] as { rowCount: number }).rowCount, 19000);
  });

  test("the instance's row limit cuts the stream, with its notice, and counts what was sent", async () => {
    const log = await stream(s, `SELECT n FROM (${NUMBERS}) AS x WHERE n < ${ROWS};`);
    assert.equal(chunks(log).reduce((sum, c) => sum + c.rows, 0), LIMIT);
    const messages = log.filter((l) => l.kind === 'message');
    assert.deepEqual(
      messages.map((m) => (m.kind === 'message' ? [m.text, m.rowCount ?? null] : null)),
      [
        [`The result set was cut at ${LIMIT} rows (the instance's row limit).`, null],
        [`(${LIMIT} rows affected)`, LIMIT],
      ],
    );
  });

  test('an error while the rows are read ends the statement with SQL Server\'s message and line; the batch goes on', async () => {
    const log = await stream(s, `SELECT 1;\nSELECT n, 10 / (n - 12345) AS q FROM (${NUMBERS}) AS x WHERE n < 15000 ORDER BY n;\nPRINT 'after';`);
    const errors = log.filter((l) => l.kind === 'message' && l.number === 8134);
    assert.deepEqual(errors.map((e) => (e.kind === 'message' ? [e.text, e.line] : null)), [['Divide by zero error encountered.', 1]]);
    assert.ok(chunks(log).slice(1).reduce((sum, c) => sum + c.rows, 0) < 15000, 'rows after the failing one were sent');
    assert.ok(log.some((l) => l.kind === 'message' && l.text === 'after'), 'the batch went on after the error');
  });

  test('a client that stops reading (a cancel) stops the statement, and the session runs the next request', async () => {
    const log = await stream(s, `SELECT n FROM (${NUMBERS}) AS x WHERE n < ${ROWS};\nPRINT 'not reached';`, async (stream, log, cancel) => {
      for await (const chunk of stream) {
        log.push({ kind: 'chunk', rows: chunk.rowCount, first: valueAt(chunk.values[0]!, 0) });
        cancel();
        break;
      }
    });
    assert.equal(chunks(log).length, 1);
    assert.ok(!log.some((l) => l.kind === 'message' && l.text === 'not reached'), 'the batch stopped at the cancel');
    const after = await stream(s, 'SELECT COUNT(*) FROM dbo.digits;');
    assert.deepEqual(chunks(after).map((c) => c.first), [10]);
  });
});
