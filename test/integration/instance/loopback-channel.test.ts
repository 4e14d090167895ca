// The loopback channel end to end with real worker accounts and sandboxes: sqlml_query in Python
// and in R reaches the instance through the session's descriptor, gets typed data frames back,
// and sees the instance's refusals as errors in the script. The handler here stands in for the
// engine's answer: it echoes what it was asked, so what the script receives proves the round trip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import type { LoopbackSession, ServeLoopback } from '../../../server/src/node/launcher/loopbackDescriptor';
import { MAX_REQUEST_BYTES, serveLoopback, type LoopbackAnswer } from '../../../server/src/node/instance/loopbackServer';
import { accountsSkip, errors, pool, printed, records, rSkip, run, TestBed } from '../launcher/harness';

const skip = accountsSkip();
const bed = new TestBed('loopback');
let launcher: Launcher;

before(async () => {
  if (skip) return;
  await bed.provision('sqlmltl', 2);
  launcher = await bed.start({ pools: [pool('sqlmltl', 2)] });
});

/** Serves each session's channel with the echo handler, remembering the channels and sessions. */
function echoing(): ServeLoopback & { served: { channel: Duplex; session: LoopbackSession }[] } {
  const served: { channel: Duplex; session: LoopbackSession }[] = [];
  return Object.assign((channel: Duplex, session: LoopbackSession) => {
    served.push({ channel, session });
    serveLoopback(channel, echo);
  }, { served });
}

after(async () => {
  if (!skip) await bed.teardown();
});

const asked: string[] = [];
async function echo(query: string): Promise<LoopbackAnswer> {
  asked.push(query);
  if (query.includes('forbidden')) {
    return { error: { number: 229, severity: 14, state: 5, text: "The SELECT permission was denied on the object 'secret', database 'db', schema 'dbo'." } };
  }
  return {
    columns: [
      { name: 'query', type: 'nvarchar(max)' },
      { name: 'n', type: 'int' },
      { name: 'x', type: 'float' },
      { name: 'flag', type: 'bit' },
      { name: 'price', type: 'decimal(10,2)' },
    ],
    rows: [
      [query, query.length, 1.5, true, 2.25],
      ['with "quotes", commas\nand a newline', null, null, false, null],
    ],
  };
}

test('Python: sqlml_query returns the answer as a DataFrame with its columns and NULLs', { skip }, async () => {
  const serve = echoing();
  const result = await run(
    launcher,
    {
      caller: 'alice',
      script: `df = sqlml_query("SELECT 1 AS one")
print(list(df.columns), len(df))
OutputDataSet = df`,
    },
    { loopback: serve },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(asked.at(-1), 'SELECT 1 AS one');
  assert.match(printed(result), /\['query', 'n', 'x', 'flag', 'price'\] 2/);
  const rows = records(result);
  assert.equal(rows[0]!.query, 'SELECT 1 AS one');
  assert.equal(rows[0]!.n, 'SELECT 1 AS one'.length);
  assert.equal(rows[1]!.query, 'with "quotes", commas\nand a newline');
  assert.equal(rows[1]!.x, null);
  assert.deepEqual(serve.served.map((s) => s.session), [{ id: result.session.id, worker: result.session.worker }], 'the channel presents the session\'s own worker');
  assert.ok(serve.served[0]!.channel.destroyed, 'the channel is closed with the session');
});

test('several queries in sequence on one channel, and from threads at once, each get their own answer', { skip }, async () => {
  const result = await run(
    launcher,
    {
      caller: 'alice',
      script: `import threading
first = sqlml_query("SELECT 'a'")['query'][0]
second = sqlml_query("SELECT 'bb'")['query'][0]
got = {}
def ask(i):
    got[i] = sqlml_query("SELECT %d" % i)['query'][0]
threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
OutputDataSet = pandas.DataFrame({'answer': [first, second] + [got[i] for i in range(8)]})`,
    },
    { loopback: echoing() },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.deepEqual(records(result).map((r) => r.answer), ["SELECT 'a'", "SELECT 'bb'", ...Array.from({ length: 8 }, (_, i) => `SELECT ${i}`)]);
});

test('a request over the size limit is refused without reaching the handler, and the channel stays usable', { skip }, async () => {
  const before = asked.length;
  const result = await run(
    launcher,
    {
      caller: 'alice',
      script: `try:
    sqlml_query("SELECT '" + "x" * ${MAX_REQUEST_BYTES} + "'")
    print("ACCEPTED")
except Exception as e:
    print("REFUSED", e)
OutputDataSet = sqlml_query("SELECT 'after'")`,
    },
    { loopback: echoing() },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.match(printed(result), /REFUSED Msg 50000, Level 16, State 1: The loopback request is too large/);
  assert.deepEqual(asked.slice(before), ["SELECT 'after'"]);
  assert.equal(records(result)[0]!.query, "SELECT 'after'");
});

test('Python: a refusal by the instance is an error in the script, with its Msg number, at the script line', { skip }, async () => {
  const result = await run(launcher, { caller: 'alice', script: 'x = 1\ndf = sqlml_query("SELECT * FROM forbidden")' }, { loopback: echoing() });
  assert.equal(result.session.state, 'failed');
  assert.match(errors(result), /Msg 229, Level 14, State 5: The SELECT permission was denied/);
  assert.equal(result.messages.find((m) => m.kind === 'error' && m.line !== null)?.line, 2);
});

test('a session without a channel is told so, in words', { skip }, async () => {
  const result = await run(launcher, { caller: 'bob', script: 'df = sqlml_query("SELECT 1")' });
  assert.equal(result.session.state, 'failed');
  assert.match(errors(result), /no loopback channel to the instance/);
});

test("the channel is the session relay's alone: the script holds no descriptor of it, and the environment names only the relay's socket", { skip }, async () => {
  const result = await run(
    launcher,
    {
      caller: 'alice',
      script: `import os
def is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False  # the descriptor listdir itself had open
print('open descriptors:', sorted(fd for fd in map(int, os.listdir('/proc/self/fd')) if is_open(fd)))
print('names:', sorted(k for k in os.environ if k.startswith('SQLML_')))
OutputDataSet = sqlml_query("SELECT 'through the relay'")`,
    },
    { loopback: echoing() },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  // A byte the script wrote on the channel would cut into the relay's frames, so the runner closes
  // its copy once the relay (tds_relay.py) has it; the script reaches the relay by the name of an
  // abstract socket of the sandbox's own network namespace, which nothing outside the session can reach.
  assert.match(printed(result), /^open descriptors: \[0, 1, 2\]$/m);
  assert.match(printed(result), /^names: \['SQLML_LOOPBACK_SOCKET', 'SQLML_SESSION_ID'\]$/m);
  assert.equal(records(result)[0]!.query, "SELECT 'through the relay'");
});

test('R: sqlml_query returns a data.frame with R types from the SQL types, NULL as NA; queries follow one another', { skip: skip ?? rSkip() }, async () => {
  const result = await run(
    launcher,
    {
      caller: 'alice',
      language: 'R',
      script: `first <- sqlml_query("SELECT 1")
df <- sqlml_query("SELECT 'it''s' AS q")
print(vapply(df, function(col) class(col)[1], ""))
OutputDataSet <- data.frame(q = df$query, n = df$n, na_x = is.na(df$x), flag = df$flag, first = first$query)`,
    },
    { loopback: echoing() },
  );
  assert.equal(result.session.state, 'succeeded', errors(result));
  assert.equal(asked.at(-1), "SELECT 'it''s' AS q");
  assert.match(printed(result), /"character"\s+"integer"\s+"numeric"\s+"logical"\s+"numeric"/);
  const rows = records(result);
  assert.equal(rows[0]!.q, "SELECT 'it''s' AS q");
  assert.equal(rows[0]!.first, 'SELECT 1');
  assert.equal(rows[1]!.q, 'with "quotes", commas\nand a newline');
  assert.equal(rows[1]!.na_x, true);
  assert.equal(rows[0]!.flag, true);
});

test('R: a refusal by the instance stops the script with the Msg text', { skip: skip ?? rSkip() }, async () => {
  const result = await run(launcher, { caller: 'alice', language: 'R', script: 'a <- 1\ndf <- sqlml_query("SELECT * FROM forbidden")' }, { loopback: echoing() });
  assert.equal(result.session.state, 'failed');
  assert.match(errors(result), /Msg 229, Level 14, State 5: The SELECT permission was denied/);
});
