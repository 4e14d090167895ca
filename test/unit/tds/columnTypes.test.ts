// The table-driven value encoder of the TDS endpoint: every type the instance has, written as
// COLMETADATA/RETURNVALUE write TYPE_INFO and a value, then read back by the RPC decoder (the same
// TYPE_INFO + value format, decoded by code written separately from the encoder), plus byte-exact
// vectors worked out from [MS-TDS] for the layouts a decoder could misread the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlValue } from '../../../server/src/core/engine/executor/ports';
import type { SqlType } from '../../../server/src/core/engine/translate/types';
import { ByteWriter } from '../../../server/src/core/tds/bytes';
import { nullMarkerLength, writeNull, writeTypeInfo, writeValue, wireType } from '../../../server/src/core/tds/columnTypes';
import { parseRpcRequest } from '../../../server/src/core/tds/requests';

/** TYPE_INFO and the value as one RPC parameter (sp_executesql by ProcID, so the decoder accepts it). */
function encoded(type: SqlType, value: SqlValue): { whole: Uint8Array; value: Uint8Array } {
  const t = wireType(type);
  const w = new ByteWriter(16);
  w.u16(0xffff).u16(10).u16(0).bVarchar('@p').u8(0);
  writeTypeInfo(w, t);
  const valueAt = w.length;
  if (value === null) writeNull(w, t);
  else writeValue(w, t, value);
  const whole = w.written().slice();
  return { whole, value: whole.subarray(valueAt) };
}

function roundTrip(type: SqlType, value: SqlValue): { type: SqlType; value: SqlValue } {
  const parsed = parseRpcRequest(encoded(type, value).whole);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  const p = parsed.value[0]!.parameters[0]!;
  return { type: p.type, value: p.value };
}

function same(type: SqlType, value: SqlValue, expected: SqlValue = value): void {
  const back = roundTrip(type, value);
  assert.deepEqual(back.value, expected, `${type.name}: ${String(value)}`);
}

test('integers of every width, including bigints beyond 2^53 and negative numbers', () => {
  same({ name: 'tinyint' }, 255);
  same({ name: 'smallint' }, -32768);
  same({ name: 'int' }, -2147483648);
  same({ name: 'int' }, 2147483647);
  same({ name: 'bigint' }, Number.MAX_SAFE_INTEGER);
  same({ name: 'bigint' }, -(2 ** 40 + 3));
  same({ name: 'bigint' }, -1);
  same({ name: 'bigint' }, 2n ** 62n);
  same({ name: 'bigint' }, -(2n ** 63n));
  same({ name: 'bigint' }, '-9007199254740993', -9007199254740993n);
  // A bigint number is two little-endian 32-bit halves: -2 is all ones but the lowest bit.
  assert.deepEqual([...encoded({ name: 'bigint' }, -2).value], [8, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual([...encoded({ name: 'int' }, 1).whole.subarray(-7)], [0x26, 4, 4, 1, 0, 0, 0], 'INTN(4), length 4, value');
});

test('bit, float and real', () => {
  same({ name: 'bit' }, true);
  same({ name: 'bit' }, false);
  same({ name: 'bit' }, 1, true);
  same({ name: 'float' }, 0.1);
  same({ name: 'float' }, -1e308);
  same({ name: 'real' }, 1.5);
  assert.equal(roundTrip({ name: 'real' }, 0.1).value, Math.fround(0.1), 'real is single precision');
});

test('decimal and numeric are exact, with their precision and scale, money with four decimals', () => {
  same({ name: 'decimal', precision: 5, scale: 2 }, 123.45);
  same({ name: 'numeric', precision: 9, scale: 0 }, -987654321);
  same({ name: 'decimal', precision: 18, scale: 4 }, '-0.00005', -0.0001);
  same({ name: 'money' }, -1.2345);
  same({ name: 'money' }, '922337203685477.5807', 922337203685477.5807);
  same({ name: 'money' }, 922337203685477.5807, 922337203685477.5807); // a double just past the range: the maximum
  same({ name: 'money' }, -922337203685477.5808);
  same({ name: 'smallmoney' }, 214748.3647);
  // decimal(5,2) 123.45: DECIMALN, size 5, precision 5, scale 2; then length 5, sign 1, 12345 in 4 bytes.
  const small = encoded({ name: 'decimal', precision: 5, scale: 2 }, 123.45).whole;
  assert.deepEqual([...small.subarray(-10)], [0x6a, 5, 5, 2, 5, 1, 0x39, 0x30, 0, 0]);
  // decimal(38,10): 17 bytes, a 128-bit magnitude that a double could not hold.
  const wide = encoded({ name: 'decimal', precision: 38, scale: 10 }, '-1234567890123456789012345678.0123456789').value;
  assert.equal(wide[0], 17);
  assert.equal(wide[1], 0, 'negative');
  let magnitude = 0n;
  for (let k = 17; k >= 2; k--) magnitude = (magnitude << 8n) | BigInt(wide[k]!);
  assert.equal(magnitude, 12345678901234567890123456780123456789n);
  // money 1.5 is 15000 ten-thousandths, high half first.
  assert.deepEqual([...encoded({ name: 'money' }, 1.5).value], [8, 0, 0, 0, 0, 0x98, 0x3a, 0, 0]);
});

test('date, time, datetime, smalldatetime, datetime2 and datetimeoffset', () => {
  const when = new Date(Date.UTC(2020, 1, 3, 4, 5, 6, 7));
  same({ name: 'date' }, new Date(Date.UTC(2020, 0, 1)));
  same({ name: 'date' }, '1753-01-01', new Date(Date.UTC(1753, 0, 1)));
  // 2020-01-01 is day 737424 (0x0B4090) since 0001-01-01.
  assert.deepEqual([...encoded({ name: 'date' }, new Date(Date.UTC(2020, 0, 1))).value], [3, 0x90, 0x40, 0x0b]);
  same({ name: 'time', scale: 7 }, '12:34:56.1234567');
  same({ name: 'time', scale: 3 }, '23:59:59.999', '23:59:59.9990000');
  same({ name: 'time', scale: 0 }, when, '04:05:06.0000000');
  same({ name: 'datetime' }, when);
  same({ name: 'datetime' }, new Date(Date.UTC(1900, 0, 1)));
  same({ name: 'smalldatetime' }, new Date(Date.UTC(2020, 1, 3, 4, 5)));
  same({ name: 'datetime2', scale: 7 }, when);
  same({ name: 'datetime2', scale: 3 }, '2021-06-30 10:11:12.345', new Date(Date.UTC(2021, 5, 30, 10, 11, 12, 345)));
  same({ name: 'datetimeoffset', scale: 7 }, when);
  const offset = encoded({ name: 'datetimeoffset', scale: 7 }, when).value;
  assert.deepEqual([offset[0], ...offset.subarray(-2)], [10, 0, 0], 'ten bytes, offset zero (UTC)');
});

test('char, varchar, nchar and nvarchar, with (max) as PLP', () => {
  same({ name: 'varchar', length: 20 }, 'café €', 'café €');
  same({ name: 'char', length: 3 }, 'abc');
  same({ name: 'varchar', length: 'max' }, 'x'.repeat(9000));
  same({ name: 'varchar', length: 5 }, '漢', '?');
  same({ name: 'nvarchar', length: 20 }, 'Grüße 漢字 😀');
  same({ name: 'nchar', length: 2 }, 'ab');
  same({ name: 'nvarchar', length: 'max' }, 'ü'.repeat(5000));
  same({ name: 'nvarchar', length: 'max' }, '');
  same({ name: 'nvarchar', length: 10 }, 42, '42');
  // nvarchar(max) 'ab': NVARCHAR, 0xFFFF, collation; total 4 (8 bytes), a 4-byte chunk, the zero chunk.
  const plp = encoded({ name: 'nvarchar', length: 'max' }, 'ab').whole;
  assert.deepEqual([...plp.subarray(-28)], [0xe7, 0xff, 0xff, 0x09, 0x04, 0xd0, 0x00, 0x34, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0x61, 0, 0x62, 0, 0, 0, 0, 0]);
  const longer = wireType({ name: 'nvarchar', length: 4001 });
  assert.equal(longer.plp, true, 'nvarchar beyond 4000 characters travels as (max)');
});

test('binary and varbinary(max), uniqueidentifier', () => {
  same({ name: 'binary', length: 4 }, new Uint8Array([0, 1, 254, 255]));
  same({ name: 'varbinary', length: 'max' }, new Uint8Array(10_000).map((_, k) => k % 251));
  same({ name: 'varbinary', length: 'max' }, new Uint8Array(0));
  same({ name: 'uniqueidentifier' }, '6F9619FF-8B86-D011-B42D-00C04FC964FF');
});

test('NULL of every type is its own marker and decodes as NULL', () => {
  const types: SqlType[] = [
    { name: 'tinyint' }, { name: 'int' }, { name: 'bigint' }, { name: 'bit' }, { name: 'decimal', precision: 10, scale: 2 }, { name: 'money' },
    { name: 'float' }, { name: 'real' }, { name: 'date' }, { name: 'time', scale: 7 }, { name: 'datetime' }, { name: 'datetime2', scale: 7 },
    { name: 'datetimeoffset', scale: 7 }, { name: 'uniqueidentifier' }, { name: 'varchar', length: 10 }, { name: 'nvarchar', length: 10 },
    { name: 'nvarchar', length: 'max' }, { name: 'varbinary', length: 'max' }, { name: 'binary', length: 3 },
  ];
  for (const type of types) {
    const t = wireType(type);
    const marker = encoded(type, null).value;
    assert.equal(marker.length, nullMarkerLength(t), type.name);
    const expected = t.plp ? 0xff : t.prefix === 2 ? 0xff : 0;
    assert.ok(marker.every((b) => b === expected), `${type.name} NULL marker ${[...marker]}`);
    assert.equal(roundTrip(type, null).value, null, type.name);
  }
});
