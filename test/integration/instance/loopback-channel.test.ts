// The loopback channel end to end with real worker accounts and sandboxes: sqlml_query in Python
// and in R reaches the per-session socket, gets typed data frames back, and sees the instance's
// refusals as errors in the script. The handler here stands in for the engine's answer: it echoes
// what it was asked, so what the script receives proves the round trip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Launcher } from '../../../server/src/node/launcher/launcher';
import { openLoopbackChannel, type LoopbackAnswer } from '../../../server/src/node/instance/loopbackServer';
import { accountsSkip, errors, pool, printed, records, rSkip, run, TestBed } from '../launcher/harness';

const skip = accountsSkip();
const bed = new TestBed('loopback');
let launcher: Launcher;
let channelsDir: string;

before(async () => {
  if (skip) return;
  await bed.provision('sqlmltl', 2);
  launcher = await bed.start({ pools: [pool('sqlmltl', 2)] });
  channelsDir = join(bed.base, 'channels');
  mkdirSync(channelsDir, { recursive: true, mode: 0o711 });
});

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
  const channel = await openLoopbackChannel(channelsDir, echo);
  try {
    const result = await run(launcher, {
      caller: 'alice',
      loopback: { socketPath: channel.socketPath, token: channel.token },
      script: `df = sqlml_query("SELECT 1 AS one")
print(list(df.columns), len(df))
OutputDataSet = df`,
    });
    assert.equal(result.session.state, 'succeeded', errors(result));
    assert.equal(asked.at(-1), 'SELECT 1 AS one');
    assert.match(printed(result), /\['query', 'n', 'x', 'flag', 'price'\] 2/);
    const rows = records(result);
    assert.equal(rows[0]!.query, 'SELECT 1 AS one');
    assert.equal(rows[0]!.n, 'SELECT 1 AS one'.length);
    assert.equal(rows[1]!.query, 'with "quotes", commas\nand a newline');
    assert.equal(rows[1]!.x, null);
  } finally {
    await channel.close();
  }
});

test('Python: a refusal by the instance is an error in the script, with its Msg number, at the script line', { skip }, async () => {
  const channel = await openLoopbackChannel(channelsDir, echo);
  try {
    const result = await run(launcher, {
      caller: 'alice',
      loopback: { socketPath: channel.socketPath, token: channel.token },
      script: 'x = 1\ndf = sqlml_query("SELECT * FROM forbidden")',
    });
    assert.equal(result.session.state, 'failed');
    assert.match(errors(result), /Msg 229, Level 14, State 5: The SELECT permission was denied/);
    assert.equal(result.messages.find((m) => m.kind === 'error' && m.line !== null)?.line, 2);
  } finally {
    await channel.close();
  }
});

test('a wrong token is refused as a failed login, and nothing reaches the handler', { skip }, async () => {
  const channel = await openLoopbackChannel(channelsDir, echo);
  const before = asked.length;
  try {
    const result = await run(launcher, {
      caller: 'mallory',
      loopback: { socketPath: channel.socketPath, token: 'not-the-token' },
      script: 'df = sqlml_query("SELECT 1")',
    });
    assert.equal(result.session.state, 'failed');
    assert.match(errors(result), /Msg 18456.*loopback token/);
    assert.equal(asked.length, before);
  } finally {
    await channel.close();
  }
});

test('a session without a channel is told so, in words', { skip }, async () => {
  const result = await run(launcher, { caller: 'bob', script: 'df = sqlml_query("SELECT 1")' });
  assert.equal(result.session.state, 'failed');
  assert.match(errors(result), /no loopback channel to the instance/);
});

test('closing a channel removes its socket folder', { skip }, async () => {
  const channel = await openLoopbackChannel(channelsDir, echo);
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(channel.socketPath));
  await channel.close();
  assert.ok(!existsSync(join(channel.socketPath, '..')));
});

test('R: sqlml_query returns a data.frame with R types from the SQL types, NULL as NA', { skip: skip ?? rSkip() }, async () => {
  const channel = await openLoopbackChannel(channelsDir, echo);
  try {
    const result = await run(launcher, {
      caller: 'alice',
      language: 'R',
      loopback: { socketPath: channel.socketPath, token: channel.token },
      script: `df <- sqlml_query("SELECT 'it''s' AS q")
print(vapply(df, function(col) class(col)[1], ""))
OutputDataSet <- data.frame(q = df$query, n = df$n, na_x = is.na(df$x), flag = df$flag)`,
    });
    assert.equal(result.session.state, 'succeeded', errors(result));
    assert.equal(asked.at(-1), "SELECT 'it''s' AS q");
    assert.match(printed(result), /"character"\s+"integer"\s+"numeric"\s+"logical"\s+"numeric"/);
    const rows = records(result);
    assert.equal(rows[0]!.q, "SELECT 'it''s' AS q");
    assert.equal(rows[1]!.q, 'with "quotes", commas\nand a newline');
    assert.equal(rows[1]!.na_x, true);
    assert.equal(rows[0]!.flag, true);
  } finally {
    await channel.close();
  }
});

test('R: a refusal by the instance stops the script with the Msg text', { skip: skip ?? rSkip() }, async () => {
  const channel = await openLoopbackChannel(channelsDir, echo);
  try {
    const result = await run(launcher, {
      caller: 'alice',
      language: 'R',
      loopback: { socketPath: channel.socketPath, token: channel.token },
      script: 'a <- 1\ndf <- sqlml_query("SELECT * FROM forbidden")',
    });
    assert.equal(result.session.state, 'failed');
    assert.match(errors(result), /Msg 229, Level 14, State 5: The SELECT permission was denied/);
  } finally {
    await channel.close();
  }
});
