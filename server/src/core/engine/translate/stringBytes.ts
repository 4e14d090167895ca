// The bytes of a string, as SQL Server converts between character and binary types: nvarchar is
// UTF-16 little-endian (N'ab' is 0x61006200), varchar is in the collation's code page, 1252
// (what it cannot hold becomes '?'). The storage keeps every string as UTF-8, whose bytes
// DuckDB's encode()/decode() give, so both directions are spelled out character by character.
import { WINDOWS_1252_HIGH } from '../../tds/codepage';
import { isUnicode, type SqlType } from './types';

/** The SQL of a string value's bytes, by its type's encoding. */
export function stringToBytes(x: string, from: SqlType): string {
  return `CASE WHEN ${x} = '' THEN ''::BLOB ELSE unhex(array_to_string(list_transform(string_split(${x}, ''), c -> ${isUnicode(from) ? utf16Hex('unicode(c)') : cp1252Hex('unicode(c)')}), '')) END`;
}

/** The SQL of the string whose bytes a binary value holds, in the target type's encoding. */
export function bytesToString(x: string, to: SqlType): string {
  return isUnicode(to) ? utf16Text(x) : cp1252Text(x);
}

/** One code point as UTF-16LE hex digits: two bytes, or a surrogate pair beyond U+FFFF. */
function utf16Hex(cp: string): string {
  const unit = (u: string) => `printf('%02X%02X', (${u}) % 256, (${u}) // 256)`;
  const high = `55296 + (${cp} - 65536) // 1024`;
  const low = `56320 + (${cp} - 65536) % 1024`;
  return `CASE WHEN ${cp} < 65536 THEN ${unit(cp)} ELSE ${unit(high)} || ${unit(low)} END`;
}

/** One code point as its code page 1252 byte in hex; '?' when the code page has none. */
function cp1252Hex(cp: string): string {
  const high = WINDOWS_1252_HIGH.flatMap((code, k) => (code === 0 ? [] : [`WHEN ${code} THEN '${(0x80 + k).toString(16).toUpperCase()}'`])).join(' ');
  return `CASE WHEN ${cp} < 128 OR (${cp} >= 160 AND ${cp} < 256) THEN printf('%02X', ${cp}) ELSE CASE ${cp} ${high} ELSE '3F' END END`;
}

/**
 * UTF-16LE bytes as text: each two bytes one code unit, a high surrogate and the low one after it
 * one character. A lone surrogate, which nvarchar may hold but UTF-8 cannot, reads as U+FFFD; an
 * odd last byte is dropped.
 */
function utf16Text(x: string): string {
  const hex = `hex(${x})`;
  const unit = (i: string) => `('0x' || substr(${hex}, 4 * (${i}) + 3, 2) || substr(${hex}, 4 * (${i}) + 1, 2))::INTEGER`;
  const units = `list_transform(range(octet_length(${x}) // 2), i -> ${unit('i')})`;
  const isHigh = (u: string) => `(${u} BETWEEN 55296 AND 56319)`;
  const isLow = (u: string) => `(${u} BETWEEN 56320 AND 57343)`;
  const char =
    `CASE WHEN ${isHigh('u[i]')} AND i < len(u) AND ${isLow('u[i + 1]')} THEN chr(65536 + (u[i] - 55296) * 1024 + (u[i + 1] - 56320)) ` +
    `WHEN ${isLow('u[i]')} AND i > 1 AND ${isHigh('u[i - 1]')} THEN '' ` +
    `WHEN ${isHigh('u[i]')} OR ${isLow('u[i]')} THEN chr(65533) ELSE chr(u[i]) END`;
  // The units are computed once and named u by a lambda over a list of one element.
  return `CASE WHEN ${x} IS NULL THEN NULL ELSE list_transform([${units}], u -> array_to_string(list_transform(range(1, len(u) + 1), i -> ${char}), ''))[1] END`;
}

/** Code page 1252 bytes as text; the five positions 1252 leaves undefined read as U+FFFD. */
function cp1252Text(x: string): string {
  const high = WINDOWS_1252_HIGH.map((code, k) => `WHEN ${0x80 + k} THEN ${code === 0 ? 65533 : code}`).join(' ');
  const byte = (i: string) => `('0x' || substr(hex(${x}), 2 * (${i}) + 1, 2))::INTEGER`;
  return `array_to_string(list_transform(range(octet_length(${x})), i -> chr(CASE ${byte('i')} ${high} ELSE ${byte('i')} END)), '')`;
}
