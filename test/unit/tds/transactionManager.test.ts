// Transaction manager requests as drivers send them (the bytes FreeTDS and tedious write), the
// T-SQL each stands for, and the descriptors announced for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter } from '../../../server/src/core/tds/bytes';
import { parseTransactionRequest, TransactionDescriptors, transactionStatements } from '../../../server/src/core/tds/transactionManager';
import { Token } from '../../../server/src/core/tds/tokens';

/** ALL_HEADERS with a transaction descriptor header, then `payload`. */
function request(descriptor: bigint, payload: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(64).u32(22).u32(18).u16(2).u64(descriptor).u32(1);
  payload(w);
  return w.written();
}

const name = (w: ByteWriter, text: string) => w.u8(text.length * 2).ucs2(text);

test('FreeTDS with autocommit off: begin, then commit and rollback that begin the next transaction', () => {
  const begin = parseTransactionRequest(request(0n, (w) => w.u16(5).u8(0).u8(0)));
  assert.deepEqual(begin, { ok: true, value: { kind: 'begin', isolation: null, name: '' } });
  const commit = parseTransactionRequest(request(7n, (w) => w.u16(7).u8(0).u8(1).u8(0).u8(0)));
  assert.deepEqual(commit, { ok: true, value: { kind: 'commit', name: '', then: { isolation: null, name: '' } } });
  assert.ok(commit.ok && commit.value.kind === 'commit');
  assert.equal(transactionStatements(commit.value), 'COMMIT TRANSACTION;\nBEGIN TRANSACTION');
  const rollback = parseTransactionRequest(request(7n, (w) => w.u16(8).u8(0).u8(0)));
  assert.deepEqual(rollback, { ok: true, value: { kind: 'rollback', name: '', then: null } });
});

test("tedious's named transaction with an isolation level; a name cannot break out of its brackets", () => {
  const begin = parseTransactionRequest(request(0n, (w) => name(w.u16(5).u8(4), 'tx]; DROP TABLE t; --')));
  assert.ok(begin.ok && begin.value.kind === 'begin');
  assert.equal(transactionStatements(begin.value), 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nBEGIN TRANSACTION [tx]]; DROP TABLE t; --]');
  const save = parseTransactionRequest(request(9n, (w) => name(w.u16(9), 'sp1')));
  assert.ok(save.ok && save.value.kind === 'save');
  assert.equal(transactionStatements(save.value), 'SAVE TRANSACTION [sp1]');
});

test('distributed requests are recognised (to be refused); unknown types and truncated bodies are problems', () => {
  for (const [type, request_] of [
    [0, 'TM_GET_DTC_ADDRESS'],
    [1, 'TM_PROPAGATE_XACT'],
    [6, 'TM_PROMOTE_XACT'],
  ] as const) {
    assert.deepEqual(parseTransactionRequest(request(0n, (w) => w.u16(type))), { ok: true, value: { kind: 'distributed', request: request_ } });
  }
  const unknown = parseTransactionRequest(request(0n, (w) => w.u16(4)));
  assert.ok(!unknown.ok && /type 4/.test(unknown.problem));
  const truncated = parseTransactionRequest(request(0n, (w) => w.u16(7).u8(10)));
  assert.ok(!truncated.ok && /malformed/.test(truncated.problem));
  const level = parseTransactionRequest(request(0n, (w) => w.u16(5).u8(9).u8(0)));
  assert.ok(!level.ok && /isolation level 9/.test(level.problem));
});

test('each begin announces a new descriptor; commit and rollback hand the current one back', () => {
  const descriptors = new TransactionDescriptors(51);
  const envChange = (change: 'begin' | 'commit' | 'rollback') => {
    const w = new ByteWriter(32);
    descriptors.write(w, change);
    const r = new ByteReader(w.written());
    assert.equal(r.u8(), Token.ENVCHANGE);
    const length = r.u16();
    assert.equal(length, r.remaining);
    const type = r.u8();
    const value = r.raw(r.u8());
    const old = r.raw(r.u8());
    return { type, value: Buffer.from(value).toString('hex'), old: Buffer.from(old).toString('hex') };
  };
  const first = envChange('begin');
  assert.equal(first.type, 8);
  assert.equal(first.value.length, 16, 'an 8-byte descriptor');
  assert.equal(first.old, '');
  assert.equal(descriptors.open, true);
  assert.deepEqual(envChange('commit'), { type: 9, value: '', old: first.value });
  assert.equal(descriptors.open, false);
  const second = envChange('begin');
  assert.notEqual(second.value, first.value);
  assert.deepEqual(envChange('rollback'), { type: 10, value: '', old: second.value });
});
