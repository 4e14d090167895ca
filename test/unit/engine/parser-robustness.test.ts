// The parser never throws and never reports an internal error, whatever it is given: random
// token soup, every prefix of a real script, huge batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch, parseScript, type ParseResult } from '../../../server/src/core/engine/parser';

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VOCABULARY = [
  'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE', 'CREATE', 'TABLE', 'PROCEDURE', 'AS',
  'BEGIN', 'END', 'IF', 'ELSE', 'WHILE', 'EXEC', 'DECLARE', 'GRANT', 'ON', 'TO', 'CASE', 'WHEN', 'THEN', 'AND', 'OR',
  'NOT', 'NULL', 'IN', 'BETWEEN', 'LIKE', 'EXISTS', 'JOIN', 'LEFT', 'GROUP', 'BY', 'ORDER', 'TOP', 'UNION', 'WITH',
  'OUTPUT', 'CAST', 'CONVERT', 'OVER', 'MERGE', 'GO', 'TRY', 'CATCH', 'THROW', 'RESULT', 'SETS', 'EXTERNAL', 'POOL',
  '(', ')', ',', ';', '.', '*', '+', '-', '/', '=', '<>', '::', '@v', '@@ROWCOUNT', "N'text'", "'x''y'", '[a b]', '"q"',
  '1', '2.5', '1e3', '0xFF', 't', 'dbo', '#tmp', 'sp_execute_external_script', '\n', '--c\n', '/* c */',
];

function checkResult(text: string, result: ParseResult): void {
  for (const e of result.errors) {
    assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length, `error range in ${JSON.stringify(text)}`);
    assert.notEqual(e.number, 8630, `internal error for ${JSON.stringify(text)}: ${e.message}`);
    assert.ok(e.message.length > 0);
  }
  for (const s of result.statements) assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `statement range in ${JSON.stringify(text)}`);
}

test('random token soup never throws and never reports an internal error', () => {
  const next = random(20240501);
  for (let i = 0; i < 3000; i++) {
    const length = 1 + Math.floor(next() * 40);
    const words: string[] = [];
    for (let k = 0; k < length; k++) words.push(VOCABULARY[Math.floor(next() * VOCABULARY.length)]!);
    const text = words.join(' ');
    checkResult(text, parseBatch(text));
    for (const batch of parseScript(text)) checkResult(text, batch);
  }
});

const SCRIPT = `CREATE OR ALTER PROCEDURE dbo.p @a int = 1, @b nvarchar(max) OUTPUT
AS
BEGIN
  SET NOCOUNT ON;
  DECLARE @t TABLE (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(50) DEFAULT N'x');
  INSERT INTO @t (name) SELECT TOP (5) name FROM dbo.people WHERE name LIKE N'[ab]%' ORDER BY name;
  IF EXISTS (SELECT 1 FROM @t) BEGIN UPDATE t SET name = UPPER(name) FROM @t t WHERE t.id > @a; END
  ELSE THROW 50000, N'none', 1;
  EXEC sp_execute_external_script @language = N'Python', @script = N'OutputDataSet = InputDataSet',
    @input_data_1 = N'SELECT * FROM @t' WITH RESULT SETS ((id int, name nvarchar(50)));
  SELECT @b = CONCAT(COUNT(*), ' rows') FROM @t;
END`;

test('every prefix of a real script parses without throwing', () => {
  for (let n = 0; n <= SCRIPT.length; n++) {
    const text = SCRIPT.slice(0, n);
    checkResult(text, parseBatch(text));
  }
  assert.deepEqual(parseBatch(SCRIPT).errors, []);
});

test('10,000 statements in one batch, and a 10,000-line script of batches', (t) => {
  const statements = Array.from({ length: 10000 }, (_, i) => `INSERT INTO t (id, name) VALUES (${i}, N'row ${i}')`).join('\n');
  let started = performance.now();
  const one = parseBatch(statements);
  const batchMs = performance.now() - started;
  assert.equal(one.statements.length, 10000);
  assert.deepEqual(one.errors, []);

  const lines: string[] = [];
  for (let i = 0; lines.length < 10000; i++) {
    lines.push(`SELECT a, b + ${i} AS c FROM dbo.t WHERE x = N'${i}' AND y IN (1, 2, 3)`, `PRINT 'batch ${i}'`, i % 10 === 9 ? 'GO' : '');
  }
  const script = lines.join('\n');
  started = performance.now();
  const batches = parseScript(script);
  const scriptMs = performance.now() - started;
  assert.ok(batches.every((b) => b.errors.length === 0));
  assert.equal(batches.reduce((n, b) => n + b.statements.length, 0), 6668);
  t.diagnostic(`10,000-statement batch: ${batchMs.toFixed(0)} ms; 10,000-line script (${batches.length} batches): ${scriptMs.toFixed(0)} ms`);
});
