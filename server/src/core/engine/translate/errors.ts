// Translation errors (SQL Server's compile-time messages: invalid names, undeclared variables,
// type clashes) and run-time errors raised from inside DuckDB with SQL Server's number and text,
// so that a DuckDB message never reaches the user as if it were SQL Server's.
import type { Span } from '../ast';
import { notSupported, sqlError, type SqlError } from '../parser/errors';
import { quoteString } from './names';

/** Unwinds one translation; caught at the API boundary (index.ts) and returned as a value. */
export class TranslateStop {
  constructor(readonly error: SqlError) {}
}

export function stop(number: number, level: number, state: number, message: string, span: Span): never {
  throw new TranslateStop(sqlError(number, level, state, message, span.start, span.end));
}

export function unsupported(what: string, span: Span): never {
  throw new TranslateStop(notSupported(what, span.start, span.end));
}

export function throwError(error: SqlError): never {
  throw new TranslateStop(error);
}

/** A piece of a run-time message: literal text, or DuckDB SQL whose value is spliced in. */
export type MessagePart = string | { sql: string };

const MARKER = /\[sqlml (\d+)\/(\d+)\/(\d+)\] ([\s\S]*)$/;

/** DuckDB SQL that fails the statement with a T-SQL error (see decodeRaisedError). */
export function raiseSql(number: number, level: number, state: number, parts: MessagePart[]): string {
  const pieces = [quoteString(`[sqlml ${number}/${level}/${state}] `), ...parts.map((p) => (typeof p === 'string' ? quoteString(p) : `CAST(${p.sql} AS VARCHAR)`))];
  return `error(${pieces.join(' || ')})`;
}

const DUCKDB_INTEGERS: Readonly<Record<string, string>> = { UINT8: 'tinyint', INT16: 'smallint', INT32: 'int', INT64: 'bigint' };

/**
 * The T-SQL error behind a DuckDB error message from translated SQL: one the SQL raised itself
 * (error('[sqlml ...]')), or one of the few DuckDB checks SQL Server makes too (integer and decimal overflow,
 * a scalar subquery with several rows). Null for any other DuckDB error, which the executor must
 * not present as SQL Server's.
 */
export function decodeRaisedError(duckdbMessage: string): { number: number; level: number; state: number; message: string } | null {
  const m = MARKER.exec(duckdbMessage);
  if (m) return { number: Number(m[1]), level: Number(m[2]), state: Number(m[3]), message: m[4]! };
  const overflow = /Overflow in \w+ of (UINT8|INT16|INT32|INT64)\b/.exec(duckdbMessage);
  if (overflow) return { number: 8115, level: 16, state: 2, message: `Arithmetic overflow error converting expression to data type ${DUCKDB_INTEGERS[overflow[1]!]}.` };
  // Past 38 digits (the sums and products of decimals are computed in 128 bits, expressions.ts).
  if (/Overflow in \w+ of DECIMAL\(/.test(duckdbMessage)) return { number: 8115, level: 16, state: 2, message: 'Arithmetic overflow error converting expression to data type numeric.' };
  if (duckdbMessage.includes('More than one row returned by a subquery used as an expression')) {
    const message = 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.';
    return { number: 512, level: 16, state: 1, message };
  }
  return null;
}

export const DIVIDE_BY_ZERO = (): string => raiseSql(8134, 16, 1, ['Divide by zero error encountered.']);
