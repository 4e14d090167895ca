// The executor's small pure parts: sp_configure's option lookup and values, WAITFOR's time string
// and RAISERROR's formatting, the tables a statement reads, storage errors in SQL Server's words,
// where a frame says a message is, type names as text, table metadata, and which assigned values
// need converting or cutting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch } from '../../../../server/src/core/engine/parser';
import { configureOption, findOption, reconfigure, valueInUse } from '../../../../server/src/core/engine/executor/configuration';
import { initialDocument } from '../../../../server/src/core/engine/executor/document';
import { storageStop } from '../../../../server/src/core/engine/executor/errors';
import { Frame } from '../../../../server/src/core/engine/executor/frame';
import { tablesRead } from '../../../../server/src/core/engine/executor/references';
import { sqlTypeFromText } from '../../../../server/src/core/engine/executor/sqlTypes';
import { metadataFromComment, tableComment } from '../../../../server/src/core/engine/executor/tableMetadata';
import { formatRaiserror, parseDelay } from '../../../../server/src/core/engine/executor/statements/controlValues';
import { convertsUnchanged, fittedToLength } from '../../../../server/src/core/engine/executor/values';

test('sp_configure finds options by exact or unique partial name, hides advanced ones until shown', () => {
  let doc = initialDocument('me');
  const found = findOption(doc, 'external scripts');
  assert.ok(found.ok && found.option.id === 1586);
  const ambiguous = findOption(doc, 'e');
  assert.deepEqual(ambiguous.ok ? null : [ambiguous.number, ambiguous.text], [15124, "The configuration option 'e' is not unique."]);
  const hidden = findOption(doc, 'max degree of parallelism');
  assert.deepEqual(hidden.ok ? null : hidden.number, 15123);
  const show = findOption(doc, 'show advanced options');
  assert.ok(show.ok);
  const changed = configureOption(doc, show.option, 1);
  assert.ok(changed.ok);
  doc = reconfigure(changed.document);
  assert.ok(findOption(doc, 'max degree of parallelism').ok);
});

test('config_value changes with sp_configure, value_in_use only with RECONFIGURE; out-of-range values are Msg 15129', () => {
  const doc = initialDocument('me');
  const option = findOption(doc, 'external scripts enabled');
  assert.ok(option.ok);
  const changed = configureOption(doc, option.option, 1);
  assert.ok(changed.ok);
  assert.equal(valueInUse(changed.document, 'external scripts enabled'), 0);
  assert.equal(valueInUse(reconfigure(changed.document), 'external scripts enabled'), 1);
  const wrong = configureOption(doc, option.option, 5);
  assert.deepEqual(wrong.ok ? null : [wrong.number, wrong.text], [15129, "'5' is not a valid value for configuration option 'external scripts enabled'."]);
});

test('WAITFOR DELAY time strings and RAISERROR substitutions', () => {
  assert.equal(parseDelay('00:00:02'), 2000);
  assert.equal(parseDelay('01:02:03.5'), 3_723_500);
  assert.equal(parseDelay('00:61'), null);
  assert.equal(parseDelay('soon'), null);
  assert.equal(formatRaiserror('%s has %d rows (%i%%), hex %x', ['t', 12, 3.7, 255]), 't has 12 rows (3%), hex ff');
  assert.equal(formatRaiserror('missing %s and %d', ['only']), 'missing only and (null)');
});

test('the tables a statement reads: joins, subqueries, INSERT sources; not its CTEs', () => {
  const names = (sql: string) => tablesRead(parseBatch(sql).statements[0]).map((t) => [t.name.schema?.name ?? null, t.name.name.name].join('.'));
  assert.deepEqual(names('WITH c AS (SELECT * FROM dbo.a) SELECT * FROM c JOIN b ON 1 = 1 WHERE EXISTS (SELECT 1 FROM sales.x)'), ['dbo.a', '.b', 'sales.x']);
  assert.deepEqual(names('INSERT INTO dbo.t SELECT * FROM dbo.s'), ['dbo.s']);
  assert.deepEqual(names('SELECT * FROM sys.tables'), ['sys.tables']);
});

test('storage errors: raised T-SQL errors decoded (conversions end the batch), constraints named, anything else labelled', () => {
  const at = { start: 3, end: 9 };
  const conversion = storageStop(new Error("Invalid Input Error: [sqlml 245/16/1] Conversion failed when converting the varchar value 'x' to data type int."), at);
  assert.deepEqual([conversion.error.number, conversion.scope], [245, 'batch']);
  const target = { database: 'db', schema: 'dbo', table: 't', verb: 'INSERT' as const, keys: [] };
  const duplicate = storageStop(new Error('Constraint Error: Duplicate key "id: 7" violates primary key constraint.'), at, target);
  assert.deepEqual([duplicate.error.number, duplicate.scope], [2627, 'statement']);
  // Named as SQL Server names a constraint declared without a name: PK__<table>__<16 hex digits>.
  assert.match(duplicate.error.text, /^Violation of PRIMARY KEY constraint 'PK__t__[0-9A-F]{16}'\. Cannot insert duplicate key in object 'dbo\.t'\. The duplicate key value is \(7\)\.$/);
  // A name given in CREATE TABLE is the one reported, also for equal keys within one statement's rows.
  const named = { ...target, keys: [{ kind: 'UQ' as const, name: null, columns: ['a'] }, { kind: 'UQ' as const, name: 'uq_b', columns: ['b'] }] };
  const namedDuplicate = storageStop(new Error('Constraint Error: Duplicate key "b: x" violates unique constraint.'), at, named);
  assert.equal(namedDuplicate.error.text, "Violation of UNIQUE KEY constraint 'uq_b'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (x).");
  const withinStatement = storageStop(new Error('Constraint Error: PRIMARY KEY or UNIQUE constraint violation: duplicate key "3"'), at, { ...target, keys: [{ kind: 'PK', name: 'pk_t', columns: ['id'] }] });
  assert.equal(withinStatement.error.text, "Violation of PRIMARY KEY constraint 'pk_t'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (3).");
  const notNull = storageStop(new Error('Constraint Error: NOT NULL constraint failed: t.name'), at, target);
  assert.equal(notNull.error.text, "Cannot insert the value NULL into column 'name', table 'db.dbo.t'; column does not allow nulls. INSERT fails.");
  const other = storageStop(new Error('IO Error: disk full\nmore'), at);
  assert.deepEqual([other.error.number, other.error.text], [50000, "The embedded instance's storage failed: IO Error: disk full"]);
});

test('a frame places messages: script lines, batch-relative lines, procedures at the caller\'s EXEC', () => {
  const text = 'PRINT 1\nGO\nSELECT 1\nEXEC p';
  const script = Frame.script(text, { start: 11, end: text.length, startLine: 2 });
  assert.deepEqual(script.place(text.indexOf('EXEC')), { line: 3 });
  assert.equal(script.ownLine(text.indexOf('EXEC')), 2);
  assert.equal(script.batchText(), 'SELECT 1\nEXEC p');
  const body = 'CREATE PROCEDURE p AS\nBEGIN\n  SELECT x\nEND';
  const proc = Frame.procedure(body, script, text.indexOf('EXEC'), { database: 'db', schema: 'dbo', name: 'p', chain: undefined });
  assert.deepEqual(proc.place(body.indexOf('SELECT')), { line: 3, procedure: 'p', procedureLine: 3 });
  assert.equal(proc.submitted, false);
  assert.deepEqual(Frame.dynamic('SELECT 1', proc, 0).place(0), { line: 3 });
});

test('type names as text become T-SQL types', () => {
  assert.deepEqual(sqlTypeFromText('nvarchar(max)'), { name: 'nvarchar', length: 'max' });
  assert.deepEqual(sqlTypeFromText('DECIMAL(10, 2)'), { name: 'decimal', precision: 10, scale: 2 });
  assert.deepEqual(sqlTypeFromText('[sys].[int]'), { name: 'int' });
  assert.deepEqual(sqlTypeFromText('varbinary(max)'), { name: 'varbinary', length: 'max' });
  assert.equal(sqlTypeFromText('geography'), null);
  assert.equal(sqlTypeFromText('not a type ('), null);
});

test('table metadata round-trips through the storage comment; foreign comments are not metadata', () => {
  const columns = [{ name: 'id', type: { name: 'int' }, nullable: false, identity: true }];
  const keys = [{ kind: 'PK' as const, name: 'pk_t', columns: ['id'] }];
  assert.deepEqual(metadataFromComment(tableComment(columns, keys)), { columns, keys });
  assert.deepEqual(metadataFromComment(JSON.stringify({ sqlml: 1, columns })), { columns, keys: [] }, 'a comment written before key names were kept');
  assert.equal(metadataFromComment('a note someone wrote'), null);
  assert.equal(metadataFromComment(null), null);
});

test('a value needs no conversion when its type is the target\'s, or it is text that fits an nvarchar', () => {
  const nv = (length: number | 'max') => ({ name: 'nvarchar', length });
  assert.equal(convertsUnchanged({ name: 'int' }, { name: 'int' }, 5), true);
  assert.equal(convertsUnchanged({ name: 'int' }, { name: 'bigint' }, 5), false, 'a bigint is another value for the storage');
  assert.equal(convertsUnchanged(nv(10), nv('max'), 'abcdef'), true);
  assert.equal(convertsUnchanged(nv(10), nv(6), 'abcdef'), true);
  assert.equal(convertsUnchanged(nv(10), nv(5), 'abcdef'), false, 'too long: it must be cut');
  assert.equal(convertsUnchanged(nv(10), nv(5), null), true);
  assert.equal(convertsUnchanged({ name: 'varchar', length: 4 }, nv(4), 'abcd'), true);
  assert.equal(convertsUnchanged({ name: 'char', length: 3 }, nv('max'), 'ab '), true, "char's padding is part of its value");
  assert.equal(convertsUnchanged(nv(4), { name: 'varchar', length: 10 }, 'αβ'), false, 'nvarchar into varchar goes through a code page');
  assert.equal(convertsUnchanged(nv(4), { name: 'nchar', length: 10 }, 'ab'), false, 'nchar pads');
  assert.equal(convertsUnchanged({ name: 'ntext' }, nv('max'), 'ab'), false);
  assert.equal(convertsUnchanged({ name: 'int' }, nv('max'), 5), false);
});

test('an assigned value longer than its type is cut to the type\'s length; others are kept', () => {
  assert.equal(fittedToLength('abcdef', { name: 'nvarchar', length: 3 }), 'abc');
  assert.equal(fittedToLength('abcdef', { name: 'varchar', length: 'max' }), 'abcdef');
  assert.equal(fittedToLength('ab', { name: 'nchar', length: 4 }), 'ab');
  assert.deepEqual(fittedToLength(Uint8Array.of(1, 2, 3), { name: 'varbinary', length: 2 }), Uint8Array.of(1, 2));
  assert.equal(fittedToLength(123456, { name: 'int' }), 123456);
  assert.equal(fittedToLength(null, { name: 'nvarchar', length: 1 }), null);
});
