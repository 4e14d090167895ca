// How every security function answers: a value, or the SQL Server message the executor reports.
import type { SqlMessage } from './messages';

export type Refusal = { readonly ok: false; readonly error: SqlMessage };

/** The answer of a check: allowed, or the error SQL Server would raise. */
export type Verdict = { readonly ok: true } | Refusal;

/** The answer of a mutation or lookup: the new value, or the error SQL Server would raise. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | Refusal;

export const ALLOWED: Verdict = { ok: true };

export function refuse(error: SqlMessage): Refusal {
  return { ok: false, error };
}

export function succeed<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
