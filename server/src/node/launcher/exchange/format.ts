// The columnar binary format data travels in between the launcher and the satellites, in both
// directions. Per-row JSON cannot move a million rows in the time budget; this format lets
// numpy and R's readBin take whole columns in one call, and Node fill typed arrays.
//
// file    = "SQLMLX01" dataset*
// dataset = f64 rows, f64 columns, column*
// column  = f64 kind, f64 hasNulls, f64 nameBytes, f64 typeBytes, f64 dataBytes,
//           name (UTF-8), SQL type (UTF-8), [null mask: rows bytes, 1 = NULL], padding,
//           data, padding
// padding = zero bytes up to the next multiple of 8 from the file's start: every column's data
//           starts 8-aligned, so numpy and Node take fixed-width columns as views of the file.
// data    f8, dt: rows × f64 (dt = ms since 1970 UTC); i4: rows × i32; i8: rows × i64;
//         b1: rows × u8; str: each value's UTF-8 then a NUL byte (NULL → empty);
//         bin: rows × i32 lengths, then the bytes;
//         str coded (kind 8, text whose values repeat): i32 number of distinct values, rows × i32
//         codes into them (-1 = NULL), then each distinct value's UTF-8 and a NUL.
// All numbers are little-endian; counts are f64 so that R's readBin reads them exactly.
import type { ExchangeKind } from '../../../core/launcher/sqlTypes';

export const MAGIC = Buffer.from('SQLMLX01', 'latin1');

export const KIND_CODES: Readonly<Record<ExchangeKind, number>> = { f8: 1, i4: 2, i8: 3, b1: 4, str: 5, dt: 6, bin: 7 };

export const KIND_OF_CODE: ReadonlyMap<number, ExchangeKind> = new Map(
  Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as ExchangeKind]),
);

/** The kind code of text sent coded: a layout of 'str', not a kind of its own. */
export const CODED_TEXT = 8;

export const COLUMN_HEADER_BYTES = 5 * 8;

/** How many zero bytes follow `length` bytes that started 8-aligned, to end 8-aligned. */
export function paddingAfter(length: number): number {
  return (8 - (length % 8)) % 8;
}
