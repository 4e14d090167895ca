import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tablesIn } from '../../../server/src/core/preflight/tables';

const names = (sql: string) => tablesIn(sql).map((t) => `${t.permission} ${[t.database, t.schema, t.name].filter((p) => p !== null).join('.')} @${sql.slice(t.start, t.end)}`);

test('FROM and JOIN sources are read, with aliases, hints and old-style comma joins', () => {
  assert.deepEqual(names('SELECT * FROM dbo.iris'), ['SELECT dbo.iris @dbo.iris']);
  assert.deepEqual(names('SELECT a.x FROM [dbo].[iris] AS a INNER JOIN sales.orders o ON o.id = a.id LEFT OUTER JOIN t3 ON 1 = 1'), [
    'SELECT dbo.iris @[dbo].[iris]',
    'SELECT sales.orders @sales.orders',
    'SELECT t3 @t3',
  ]);
  assert.deepEqual(names('SELECT * FROM a WITH (NOLOCK), b x, [c d] WHERE 1 = 1'), ['SELECT a @a', 'SELECT b @b', 'SELECT c d @[c d]']);
  assert.deepEqual(names('select * from ml.dbo.iris'), ['SELECT ml.dbo.iris @ml.dbo.iris']);
  assert.deepEqual(names('select * from ml..iris'), ['SELECT ml.iris @ml..iris']);
});

test('subqueries are scanned where they are; what is not a table the instance can be asked about is left out', () => {
  assert.deepEqual(names('SELECT * FROM (SELECT id FROM dbo.inner_t) AS d JOIN dbo.outer_t o ON 1=1 WHERE id IN (SELECT id FROM keep)'), [
    'SELECT dbo.inner_t @dbo.inner_t',
    'SELECT dbo.outer_t @dbo.outer_t',
    'SELECT keep @keep',
  ]);
  assert.deepEqual(names('SELECT * FROM #tmp JOIN @t v ON 1=1 JOIN sys.objects o ON 1=1 JOIN INFORMATION_SCHEMA.TABLES t ON 1=1'), []);
  assert.deepEqual(names('SELECT * FROM dbo.f(1) CROSS APPLY OPENJSON(x) j'), []);
  assert.deepEqual(names('SELECT * FROM srv.db.dbo.t'), [], 'a linked server');
  assert.deepEqual(names('WITH recent (id) AS (SELECT id FROM dbo.events), other AS (SELECT 1 AS x) SELECT * FROM recent JOIN other ON 1=1'), ['SELECT dbo.events @dbo.events']);
});

test('writes: INSERT [INTO], UPDATE and DELETE [FROM] targets', () => {
  assert.deepEqual(names("INSERT INTO dbo.log (x) VALUES (1); UPDATE dbo.state SET v = 1; DELETE FROM dbo.old WHERE 1 = 0; DELETE dbo.older"), [
    'INSERT dbo.log @dbo.log',
    'UPDATE dbo.state @dbo.state',
    'DELETE dbo.old @dbo.old',
    'DELETE dbo.older @dbo.older',
  ]);
  assert.deepEqual(names('INSERT dbo.t SELECT * FROM dbo.s'), ['INSERT dbo.t @dbo.t', 'SELECT dbo.s @dbo.s']);
});

test('broken SQL gives fewer tables, never an exception', () => {
  for (const sql of ['SELECT * FROM', 'FROM (', "SELECT * FROM 'x'", 'JOIN .', 'FROM a.', '', 'SELECT * FROM [unclosed']) {
    assert.doesNotThrow(() => tablesIn(sql), sql);
  }
  assert.deepEqual(names('SELECT * FROM a.'), []);
});
