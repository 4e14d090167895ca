// How one result-set value reads as text (the editor's grid and `sqlml run`'s tables): NULL, bit as
// 1/0, float and real to 15 significant digits while exact types keep every digit (decimal(p,s)
// padded to s decimals, money to two), binary as 0x…
// in upper case, a date column's values as yyyy-mm-dd, datetime2(n) and time(n) with n fractional
// digits and smalldatetime with none, and the wire's other strings (datetimes, big bigints, 0x
// text) shown as they came.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellText } from '../../../server/src/core/text/cellText';

test('null and a missing value both read as NULL, whatever the column type', () => {
  assert.equal(cellText(null, 'int'), 'NULL');
  assert.equal(cellText(undefined, 'nvarchar(50)'), 'NULL');
  assert.equal(cellText(null), 'NULL');
});

test('strings are shown as they are: empty stays empty, not NULL; the word NULL stays a word', () => {
  assert.equal(cellText('', 'nvarchar(10)'), '');
  assert.equal(cellText('  a, "b"\nc ', 'nvarchar(max)'), '  a, "b"\nc ');
  assert.equal(cellText('NULL', 'varchar(4)'), 'NULL');
});

test('bit values read as 1 and 0', () => {
  assert.equal(cellText(true, 'bit'), '1');
  assert.equal(cellText(false, 'bit'), '0');
});

test('float and real show 15 significant digits, hiding binary noise', () => {
  assert.equal(cellText(0.1 + 0.2, 'float'), '0.3');
  assert.equal(cellText(1.4620000000000002, 'float'), '1.462');
  assert.equal(cellText(1 / 3, 'real'), '0.333333333333333');
  assert.equal(cellText(2 / 3, 'float(53)'), '0.666666666666667', 'rounded, not cut, at the 15th digit');
});

test('the float rule matches the type name case-insensitively and only as a whole word', () => {
  assert.equal(cellText(0.1 + 0.2, 'FLOAT'), '0.3');
  assert.equal(cellText(0.1 + 0.2, 'Real'), '0.3');
  assert.equal(cellText(0.1 + 0.2, 'realistic'), String(0.1 + 0.2));
});

test('numbers of other types keep every digit', () => {
  assert.equal(cellText(0.1 + 0.2, 'decimal(20,17)'), '0.30000000000000004');
  assert.equal(cellText(0.1 + 0.2), '0.30000000000000004', 'no type: no rounding');
  assert.equal(cellText(9007199254740991, 'bigint'), '9007199254740991');
  assert.equal(cellText(-42, 'int'), '-42');
});

test('decimal(p,s) shows its s decimals and money two to four, as SSMS does', () => {
  assert.equal(cellText(1.1, 'decimal(10,2)'), '1.10');
  assert.equal(cellText(-1.5, 'numeric(5,2)'), '-1.50');
  assert.equal(cellText(7, 'decimal(5,0)'), '7');
  assert.equal(cellText(0.3, 'decimal(38,20)'), '0.30000000000000000000');
  assert.equal(cellText(1e-7, 'decimal(12,10)'), '0.0000001000', 'a small value is written in digits, not 1e-7');
  assert.equal(cellText(2, 'money'), '2.00');
  assert.equal(cellText(1.5, 'smallmoney'), '1.50');
  assert.equal(cellText(1.2345, 'money'), '1.2345');
  assert.equal(cellText(-0.01, 'money'), '-0.01');
  assert.equal(cellText(1.2345678901234568e22, 'decimal(38,0)'), '1.2345678901234568e+22', 'beyond plain digits the exponent stays');
});

test('the 15-digit rounding holds for large and tiny floats and zero', () => {
  assert.equal(cellText(123456789012345678, 'float'), '123456789012346000');
  assert.equal(cellText(1e-20 * 3, 'float'), '3e-20');
  assert.equal(cellText(0, 'float'), '0');
});

test('the wire strings for a bigint beyond 2^53, a date and binary are shown unchanged', () => {
  assert.equal(cellText('9223372036854775807', 'bigint'), '9223372036854775807');
  assert.equal(cellText('2024-02-29 23:59:59.997', 'datetime'), '2024-02-29 23:59:59.997');
  assert.equal(cellText('0xDEADBEEF', 'varbinary(max)'), '0xDEADBEEF');
});

test('an engine binary value { hex } reads as 0x with upper-case digits', () => {
  assert.equal(cellText({ hex: 'deadbeef' }, 'varbinary(4)'), '0xDEADBEEF');
  assert.equal(cellText({ hex: '' }, 'varbinary(max)'), '0x');
});

test('other objects read as their JSON, and a JS bigint as its digits', () => {
  assert.equal(cellText({ a: 1, b: [2, 'x'] }, 'nvarchar(max)'), '{"a":1,"b":[2,"x"]}');
  assert.equal(cellText(12345678901234567890n, 'bigint'), '12345678901234567890');
});

test('a date column reads yyyy-mm-dd, as SSMS shows it; a datetime keeps its time, midnight included', () => {
  assert.equal(cellText('2024-01-04 00:00:00.000', 'date'), '2024-01-04');
  assert.equal(cellText('0001-01-01 00:00:00.000', 'DATE'), '0001-01-01');
  assert.equal(cellText('2024-01-04 00:00:00.000', 'datetime'), '2024-01-04 00:00:00.000');
  assert.equal(cellText('2024-01-04 00:00:00.000', 'datetime2(3)'), '2024-01-04 00:00:00.000');
  assert.equal(cellText('2024-01-04 13:05:09.120', 'date'), '2024-01-04 13:05:09.120', 'a value with a time is not a date: shown whole');
  assert.equal(cellText('not a date', 'date'), 'not a date');
});

test('datetime2(n) and time(n) show n fractional digits and smalldatetime none, as SSMS shows them', () => {
  assert.equal(cellText('2024-01-04 13:05:09.120', 'datetime2(7)'), '2024-01-04 13:05:09.1200000');
  assert.equal(cellText('2024-01-04 13:05:09.120', 'datetime2'), '2024-01-04 13:05:09.1200000', 'datetime2 alone is datetime2(7)');
  assert.equal(cellText('2024-01-04 13:05:09.100', 'datetime2(1)'), '2024-01-04 13:05:09.1');
  assert.equal(cellText('2024-01-04 13:05:09.000', 'DATETIME2(0)'), '2024-01-04 13:05:09');
  assert.equal(cellText('2024-01-04 13:05:00.000', 'smalldatetime'), '2024-01-04 13:05:00');
  assert.equal(cellText('13:05:09.123456', 'time(7)'), '13:05:09.1234560');
  assert.equal(cellText('13:05:09', 'time(3)'), '13:05:09.000', 'a time without a fraction gets its zeros');
  assert.equal(cellText('13:05:09.5', 'time(0)'), '13:05:09');
  assert.equal(cellText('2024-01-04 13:05:09.120', 'datetime'), '2024-01-04 13:05:09.120', 'datetime keeps its three digits');
  assert.equal(cellText('not a time', 'time(7)'), 'not a time');
});
