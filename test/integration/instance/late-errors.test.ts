// An error in a row DuckDB reaches only after it has handed over earlier rows (a divide by zero in
// row 900,000 of a plain scan) ends the statement with SQL Server's message, however the rows are
// read: whole for the editor and the CLI, as a script's input, or streamed to a TDS client. A
// streamed DuckDB result that fails ends as if it were exhausted (its fetch gives an empty chunk,
// the error is not exposed by the bindings), which once passed a cut result off as a whole one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StreamEvents } from '../../../server/src/node/instance/engine';
import { EngineBed, ENABLE_SCRIPTS, type Session } from './engineBed';

const ROWS = 1_000_000;
const FAILING_ROW = 900_000;
const QUERY = `SELECT n, 10 / (n - ${FAILING_ROW}) AS q FROM dbo.seq`;
const DIVIDE_BY_ZERO = 8134;

describe('an error late in a large result', () => {
  const bed = new EngineBed('late-errors');
  let s: Session;

  before(async () => {
    await bed.open();
    s = await bed.connect();
    await s.ok(`${ENABLE_SCRIPTS}\nCREATE DATABASE lateerr;`);
    await s.ok(`USE lateerr;
CREATE TABLE dbo.digits (d int);
INSERT INTO dbo.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE dbo.seq (n int);
INSERT INTO dbo.seq SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d
FROM dbo.digits a CROSS JOIN dbo.digits b CROSS JOIN dbo.digits c CROSS JOIN dbo.digits e CROSS JOIN dbo.digits f CROSS JOIN dbo.digits g
ORDER BY 1;`);
    const counted = await s.ok('USE lateerr;\nSELECT COUNT(*) FROM dbo.seq;');
    assert.deepEqual(counted.column(), [ROWS]);
  });
  after(() => bed.remove());

  test('read whole (the editor, the CLI): the statement fails with Msg 8134 and sends no cut result', async () => {
    const ran = await s.run(`USE lateerr;\n${QUERY};\nPRINT 'after';`);
    assert.deepEqual(ran.errors.map((e) => [e.number, e.text]), [[DIVIDE_BY_ZERO, 'Divide by zero error encountered.']]);
    assert.equal(ran.resultSets.length, 0, `a result set of ${ran.resultSets[0]?.rows.length} rows was sent`);
    assert.ok(ran.messages.some((m) => m.text === 'after'), 'the batch went on');
  });

  test("as a script's input: the statement fails with Msg 8134 and the script never runs", async () => {
    const ran = await s.run(`USE lateerr;\nEXEC sp_execute_external_script @language = N'Python', @script = N'print("ran")\nOutputDataSet = InputDataSet', @input_data_1 = N'${QUERY}';`);
    assert.deepEqual(ran.errors.map((e) => e.number), [DIVIDE_BY_ZERO]);
    assert.ok(!ran.messages.some((m) => /ran/.test(m.text)), 'the script did not run');
    assert.equal(ran.resultSets.length, 0);
  });

  test('streamed to a TDS client: Msg 8134, and no row at or past the failing one', async () => {
    let rows = 0;
    const errors: (number | null)[] = [];
    const events: StreamEvents = {
      signal: new AbortController().signal,
      onResultSet: () => assert.fail('a SELECT to a streaming client must be streamed'),
      onResultSetStream: async (_columns, chunks) => {
        for await (const chunk of chunks) rows += chunk.rowCount;
      },
      onMessage: (m) => {
        if (m.kind === 'error') errors.push(m.number);
      },
      onDatabaseChanged: () => undefined,
      onTransaction: () => undefined,
    };
    await s.inner.stream({ kind: 'batch', text: `USE lateerr;\n${QUERY};` }, events);
    assert.deepEqual(errors, [DIVIDE_BY_ZERO]);
    assert.ok(rows < FAILING_ROW, `${rows} rows were sent`);
  });
});
