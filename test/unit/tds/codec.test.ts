// The pure parts of the TDS endpoint: encryption negotiation, PRELOGIN, LOGIN7's password,
// decimal and GUID encodings, ROW vs NBCROW, RPC decoding and prepared statements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter } from '../../../server/src/core/tds/bytes';
import { guidBytes, guidText, scaledInteger, wireType } from '../../../server/src/core/tds/columnTypes';
import { decodePassword } from '../../../server/src/core/tds/login7';
import { buildPreloginResponse, Encryption, negotiateEncryption, parsePrelogin } from '../../../server/src/core/tds/prelogin';
import { parseRpcRequest } from '../../../server/src/core/tds/requests';
import { PreparedStatements } from '../../../server/src/core/tds/rpcPlan';
import { Token, writeRow } from '../../../server/src/core/tds/tokens';

test('encryption is negotiated as SQL Server does, with and without force encryption', () => {
  assert.deepEqual(negotiateEncryption(Encryption.OFF, false), { answer: Encryption.OFF, tls: 'login' });
  assert.deepEqual(negotiateEncryption(Encryption.ON, false), { answer: Encryption.ON, tls: 'full' });
  assert.deepEqual(negotiateEncryption(Encryption.NOT_SUP, false), { answer: Encryption.NOT_SUP, tls: 'none' });
  assert.deepEqual(negotiateEncryption(Encryption.OFF, true), { answer: Encryption.REQ, tls: 'full' });
  assert.deepEqual(negotiateEncryption(Encryption.NOT_SUP, true), { answer: Encryption.REQ, tls: 'refuse' });
});

test("the PRELOGIN answer carries SQL Server 2019's version, the encryption and MARS off", () => {
  const answer = buildPreloginResponse({ major: 15, minor: 0, build: 4000 }, Encryption.ON);
  const parsed = parsePrelogin(answer);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.encryption, Encryption.ON);
  assert.equal(parsed.value.mars, false);
  const versionAt = (answer[1]! << 8) | answer[2]!;
  assert.deepEqual([...answer.subarray(versionAt, versionAt + 4)], [15, 0, 0x0f, 0xa0]);
  assert.equal(parsePrelogin(new Uint8Array([0x01, 0x00])).ok, false);
  assert.equal(parsePrelogin(new Uint8Array([0x01, 0x00, 0x06, 0x00, 0x01, 0xff, 0x00])).ok, false, 'no VERSION option');
});

test("LOGIN7's password is unscrambled (nibbles swapped, XOR 0xA5)", () => {
  const clear = 'Pa$1';
  const scrambled = new Uint8Array(clear.length * 2);
  for (let k = 0; k < clear.length; k++) {
    for (const [j, byte] of [clear.charCodeAt(k) & 0xff, clear.charCodeAt(k) >> 8].entries()) {
      scrambled[2 * k + j] = (((byte << 4) & 0xf0) | (byte >> 4)) ^ 0xa5;
    }
  }
  assert.equal(decodePassword(scrambled), clear);
});

test('decimals are scaled exactly, rounding half away from zero', () => {
  assert.equal(scaledInteger(12.345, 3), 12345n);
  assert.equal(scaledInteger('-0.005', 2), -1n);
  assert.equal(scaledInteger('12345678901234567890.12', 2), 1234567890123456789012n);
  assert.equal(scaledInteger(1.5, 4), 15000n);
  assert.equal(scaledInteger(7n, 2), 700n);
});

test("a GUID's first three groups travel little-endian", () => {
  const bytes = guidBytes('6F9619FF-8B86-D011-B42D-00C04FC964FF');
  assert.deepEqual([...bytes.subarray(0, 8)], [0xff, 0x19, 0x96, 0x6f, 0x86, 0x8b, 0x11, 0xd0]);
  assert.equal(guidText(bytes), '6F9619FF-8B86-D011-B42D-00C04FC964FF');
});

test('a row with costly NULLs is an NBCROW, one without NULLs a ROW', () => {
  const types = [wireType({ name: 'int' }), wireType({ name: 'nvarchar', length: 'max' }), wireType({ name: 'nvarchar', length: 'max' })];
  const w = new ByteWriter();
  writeRow(w, types, [1, null, null]);
  const nbc = w.written().slice();
  assert.equal(nbc[0], Token.NBCROW);
  assert.equal(nbc[1], 0b110, 'the bitmap marks columns 2 and 3');
  const plain = new ByteWriter();
  writeRow(plain, types, [1, 'a', 'b']);
  assert.equal(plain.written()[0], Token.ROW);
});

test('an RPC by ProcID with typed parameters is decoded; a TVP is refused', () => {
  const w = new ByteWriter();
  w.u32(22).u32(18).u16(2).raw(new Uint8Array(12)); // ALL_HEADERS with a transaction descriptor
  w.u16(0xffff).u16(10).u16(0); // sp_executesql by ProcID
  w.bVarchar('').u8(0).u8(0xe7).u16(8000).raw(new Uint8Array(5)).u16(18).ucs2('SELECT @x');
  w.bVarchar('@x').u8(0x01).u8(0x26).u8(4).u8(4).i32(-7);
  const parsed = parseRpcRequest(w.written());
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  assert.equal(parsed.value[0]!.procedure, 'sp_executesql');
  assert.deepEqual(parsed.value[0]!.parameters.map((p) => [p.name, p.output, p.type.name, p.value]), [
    ['', false, 'nvarchar', 'SELECT @x'],
    ['@x', true, 'int', -7],
  ]);
  const tvp = new ByteWriter().u16(0xffff).u16(10).u16(0).bVarchar('@t').u8(0).u8(0xf3);
  const refused = parseRpcRequest(tvp.written());
  assert.ok(!refused.ok && /table-valued/.test(refused.problem));
  assert.ok(!parseRpcRequest(new ByteWriter().u16(0xffff).u16(10).u16(0).bVarchar('@x').u8(0).u8(0x26).u8(4).u8(4).written()).ok, 'a value cut short');
});

test('prepared statements become sp_executesql; unknown handles and cursors are refused', () => {
  const prepared = new PreparedStatements();
  const text = { name: 'nvarchar', length: 'max' as const };
  const prepare = prepared.plan({ procedure: 'sp_prepare', parameters: [
    { name: '@h', output: true, type: { name: 'int' }, value: null },
    { name: '@params', output: false, type: text, value: '@id int' },
    { name: '@stmt', output: false, type: text, value: 'SELECT @id' },
  ] });
  assert.deepEqual(prepare, { kind: 'answer', returnValues: [{ ordinal: 0, name: '@h', type: { name: 'int' }, value: 1 }] });
  const run = prepared.plan({ procedure: 'sp_execute', parameters: [
    { name: '', output: false, type: { name: 'int' }, value: 1 },
    { name: '@id', output: false, type: { name: 'int' }, value: 5 },
  ] });
  assert.equal(run.kind, 'call');
  assert.ok(run.kind === 'call' && run.procedure === 'sp_executesql' && run.parameters[0]!.value === 'SELECT @id' && run.parameters[1]!.value === '@id int');
  const missing = prepared.plan({ procedure: 'sp_execute', parameters: [{ name: '', output: false, type: { name: 'int' }, value: 9 }] });
  assert.deepEqual(missing.kind === 'refuse' && missing.number, 8179);
  assert.equal(prepared.plan({ procedure: 'sp_cursoropen', parameters: [] }).kind, 'refuse');
  assert.equal(new ByteReader(new Uint8Array([1, 2])).u16(), 0x0201);
});
