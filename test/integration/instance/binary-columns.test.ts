// A response's binary section on the instance's socket (binarySection.ts), against a real daemon:
// a client that says binaryColumns in its Hello gets the typed columns of a result set as bytes
// after the JSON, and reads the same rows a client without it reads from base64; the frames that
// follow a section (a PRINT's notification, the next run) are read whole; and the daemon, which
// only sends sections, refuses a peer that sends one, and a Hello whose binaryColumns is not a
// boolean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BINARY_LENGTH_HEADER } from '../../../server/src/node/instance/binarySection';
import type { EncodedColumn, EncodedRunOutcome } from '../../../server/src/node/instance/protocol';
import { decodeRunOutcome } from '../../../server/src/node/instance/wireResultSets';
import { instanceSkip, TestInstance } from './harness';
import { message, RawPeer, refusals, runRequest } from './rawPeer';

const skip = instanceSkip();
const instance = new TestInstance(`binarycolumns-${process.pid}`, 'sqlmltb');

const SETUP = `CREATE TABLE dbo.digits (d int);
INSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE dbo.mixed (id int, f float, big bigint, flag bit, at datetime2, label nvarchar(20), note nvarchar(max));
INSERT INTO dbo.mixed
SELECT n,
       CASE WHEN n % 7 = 0 THEN NULL ELSE n * 0.5 END,
       CAST(n AS bigint) * 4000000000000,
       CASE WHEN n % 5 = 0 THEN NULL ELSE n % 2 END,
       CASE WHEN n % 11 = 0 THEN NULL ELSE DATEADD(second, n, CAST('2024-02-29 13:05:09.123456' AS datetime2)) END,
       CASE WHEN n % 13 = 0 THEN NULL ELSE CONCAT(N'label', n % 4) END,
       CONCAT(N'note ', n, N' ☃')
FROM (SELECT d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d AS n
      FROM dbo.digits d1 CROSS JOIN dbo.digits d2 CROSS JOIN dbo.digits d3 CROSS JOIN dbo.digits d4) AS numbers;`;
const ROWS = 10_000;
const QUERY = "PRINT 'before the rows'; SELECT id, f, big, flag, at, label, note FROM dbo.mixed ORDER BY id;";

before(async () => {
  if (skip) return;
  instance.createWithoutIsolation();
  const client = await instance.connect();
  try {
    const outcome = await client.run(SETUP);
    assert.deepEqual(outcome.batches.flatMap((b) => b.messages).filter((m) => m.kind === 'error'), []);
  } finally {
    client.close();
  }
});

after(async () => {
  if (!skip) await instance.teardown();
});

const hello = (params: Record<string, unknown>) => message({ jsonrpc: '2.0', id: 1, method: 'sqlml/hello', params: { client: 'binary-columns test', ...params } });

/** Hello, then the query twice on one raw connection: everything the daemon sent, and the two runs' results. */
async function rawRuns(helloParams: Record<string, unknown>): Promise<{ received: Buffer; results: EncodedRunOutcome[]; notifications: number }> {
  const peer = await RawPeer.open(instance.layout.ownerSocket);
  try {
    peer.send(hello(helloParams));
    await peer.waitFor((m) => m.some((x) => x.id === 1), 10_000);
    peer.send(Buffer.concat([runRequest(2, QUERY), runRequest(3, QUERY)]));
    const messages = await peer.waitFor((m) => m.some((x) => x.id === 3), 20_000);
    const results = [2, 3].map((id) => {
      const response = messages.find((m) => m.id === id);
      assert.ok(response && 'result' in response, `run ${id} was answered: ${JSON.stringify(response?.error)}`);
      return response.result as EncodedRunOutcome;
    });
    return { received: (await peer.finish(0)).received, results, notifications: messages.filter((m) => m.method === 'sqlml/runMessage').length };
  } finally {
    peer.socket.destroy();
  }
}

test('a client that asks for binary columns reads, from bytes after the JSON, the very rows a client without them reads from base64', { skip, timeout: 60_000 }, async () => {
  const binary = await rawRuns({ binaryColumns: true });
  const base64 = await rawRuns({});
  assert.equal(binary.notifications, 4, 'each run\'s two notifications (the PRINT, the rows affected), written around a section, are read whole');

  const headers = binary.received.toString('latin1').match(new RegExp(`${BINARY_LENGTH_HEADER}: \\d+`, 'g')) ?? [];
  assert.equal(headers.length, 2, 'each run answered with a binary section');
  assert.ok(!base64.received.includes(BINARY_LENGTH_HEADER), 'none for a client that did not ask');

  const sent = binary.results[0]!.batches[0]!.resultSets[0]!;
  assert.ok('data' in sent, 'the result set went as columns');
  const typed = sent.data.filter((c): c is Exclude<EncodedColumn, { values: unknown }> => !('values' in c));
  assert.deepEqual(
    typed.map((c) => c.kind),
    ['i4', 'f8', 'i8', 'b1', 'dt', 'coded', 'text'],
    'every column went as bytes, the notes (all distinct) as plain text',
  );
  for (const column of typed) {
    const ranges = column.kind === 'coded' ? [column.codes] : column.kind === 'text' ? [column.bytes, column.starts, column.nulls] : [column.data, column.nulls];
    for (const range of ranges.filter((r) => r !== null)) assert.equal(typeof range, 'object', `no base64 in the JSON: ${JSON.stringify(range).slice(0, 40)}`);
  }

  for (const k of [0, 1]) {
    const fromBinary = decodeRunOutcome(binary.results[k]!).batches[0]!.resultSets[0]!;
    const fromBase64 = decodeRunOutcome(base64.results[k]!).batches[0]!.resultSets[0]!;
    assert.equal(fromBinary.rows.length, ROWS);
    assert.deepEqual(fromBinary.rows, fromBase64.rows);
  }
  const rows = decodeRunOutcome(binary.results[1]!).batches[0]!.resultSets[0]!.rows;
  assert.deepEqual(rows[0], [0, null, 0, null, null, null, 'note 0 ☃']);
  assert.deepEqual(rows[999], [999, 499.5, 3996000000000000, true, '2024-02-29 13:21:48.123456', 'label3', 'note 999 ☃']);
  assert.deepEqual(rows[9999], [9999, 4999.5, '39996000000000000', true, null, 'label3', 'note 9999 ☃']);
});

test('the instance client asks for binary columns, and its rows match the base64 ones', { skip, timeout: 60_000 }, async () => {
  const base64 = await rawRuns({});
  const client = await instance.connect();
  try {
    const outcome = await client.run(QUERY);
    const set = outcome.batches[0]!.resultSets[0]!;
    assert.equal(set.columnar?.rowCount, ROWS);
    assert.deepEqual(set.rows, decodeRunOutcome(base64.results[0]!).batches[0]!.resultSets[0]!.rows);
  } finally {
    client.close();
  }
});

test('the daemon refuses a peer that sends it a binary section, and a Hello whose binaryColumns is not a boolean', { skip, timeout: 30_000 }, async () => {
  const peer = await RawPeer.open(instance.layout.ownerSocket);
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sqlml/hello', params: { client: 'x' } }));
  peer.send(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n${BINARY_LENGTH_HEADER}: 8\r\n\r\n`), body, Buffer.alloc(8)]));
  const exchange = await peer.finish(5000);
  assert.ok(exchange.closedByDaemon, 'the daemon hung up');
  assert.match(refusals(exchange.received).join('\n'), /a binary section \(Sqlml-Binary-Length\), which only the instance sends/);

  const wrong = await RawPeer.open(instance.layout.ownerSocket);
  try {
    wrong.send(hello({ binaryColumns: 'yes' }));
    const [answer] = await wrong.waitFor((m) => m.some((x) => x.id === 1), 10_000);
    assert.match(String((answer?.error as { message?: string } | undefined)?.message), /binaryColumns\?: boolean/);
  } finally {
    wrong.socket.destroy();
  }
});

test('runs sent on one connection without waiting run one after the other, and a queued run that is cancelled ends without running', { skip, timeout: 60_000 }, async () => {
  const peer = await RawPeer.open(instance.layout.ownerSocket);
  try {
    peer.send(hello({}));
    await peer.waitFor((m) => m.some((x) => x.id === 1), 10_000);
    peer.send(
      Buffer.concat([
        runRequest(2, "WAITFOR DELAY '00:00:01'; SELECT SYSDATETIME() AS ended;"),
        runRequest(3, 'SELECT SYSDATETIME() AS started; CREATE TABLE dbo.never_made (x int);'),
        message({ jsonrpc: '2.0', id: 4, method: 'sqlml/cancel', params: { runId: 'run-3' } }),
        runRequest(5, 'SELECT SYSDATETIME() AS started;'),
      ]),
    );
    const messages = await peer.waitFor((m) => m.some((x) => x.id === 5), 20_000);
    const outcome = (id: number) => decodeRunOutcome(messages.find((m) => m.id === id)!.result as EncodedRunOutcome);
    assert.deepEqual(messages.find((m) => m.id === 4)?.result, { cancelled: true }, 'the queued run was there to cancel');
    const ended = String(outcome(2).batches[0]!.resultSets[0]!.rows[0]![0]);
    const started = String(outcome(5).batches[0]!.resultSets[0]!.rows[0]![0]);
    assert.ok(started >= ended, `the third run started (${started}) after the first ended (${ended})`);
    const cancelled = outcome(3);
    assert.deepEqual(cancelled.batches.flatMap((b) => b.resultSets), [], 'the cancelled run ran nothing');
    const exists = await instance.connect();
    try {
      const found = await exists.run("SELECT COUNT(*) FROM sys.tables WHERE name = 'never_made';");
      assert.deepEqual(found.batches[0]!.resultSets[0]!.rows, [[0]], 'the cancelled run made no table');
    } finally {
      exists.close();
    }
  } finally {
    peer.socket.destroy();
  }
});
