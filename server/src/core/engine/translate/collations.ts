// SQL Server collations as DuckDB collations. The Latin1 collations people use map onto what
// DuckDB offers: case-insensitive NOCASE, accent-insensitive NOACCENT, ICU's `en_us` (case- and
// accent-sensitive, lower case first, as Latin1_General_CS_AS sorts), ICU without accents, and
// binary C (code point order, as *_BIN2). A collation of another language compares letters by
// rules these can't reproduce (Turkish dotless i, Scandinavian letters), so it is refused.
import type { Identifier } from '../ast';
import { notSupported, sqlError, type SqlError } from '../parser/errors';
import { isString, type Collation, type SqlType } from './types';

/** The DuckDB collation every string column and comparison gets when no COLLATE is written. */
const DEFAULT_COLLATION = 'NOCASE';

/**
 * A Windows or SQL collation name: language (version), then CI/CS_AI/AS with optional KS, WS,
 * VSS, SC, UTF8 (kana and width already count here, supplementary characters and UTF-8 are
 * always handled), or BIN / BIN2 (code points, whatever the language).
 */
const SHAPE = /^(Latin1_General(?:_\d+)?|SQL_Latin1_General_CP1|[A-Za-z]+(?:_[A-Za-z]+)*?(?:_\d+)?)_(?:(CI|CS)_(AI|AS)((?:_(?:KS|WS|VSS|SC|UTF8))*)|(BIN2?))$/i;

/** The DuckDB collation a SQL Server collation name means, or the error for one this instance can't honour. */
export function collationNamed(name: Identifier, explicit: boolean): Collation | SqlError {
  const m = SHAPE.exec(name.name);
  if (!m) return sqlError(448, 16, 1, `Invalid collation '${name.name}'.`, name.start, name.end);
  const latin1 = /^(Latin1_General(_\d+)?|SQL_Latin1_General_CP1)$/i.test(m[1]!);
  if (m[5]) return { name: name.name, duckdb: 'C', explicit };
  if (!latin1) return notSupported(`The collation ${name.name} (only Latin1_General and SQL_Latin1_General_CP1 collations are mapped)`, name.start, name.end);
  const caseInsensitive = m[2]!.toUpperCase() === 'CI';
  const accentInsensitive = m[3]!.toUpperCase() === 'AI';
  const duckdb = caseInsensitive ? (accentInsensitive ? 'NOCASE.NOACCENT' : 'NOCASE') : accentInsensitive ? 'icu_noaccent' : 'en_us';
  return { name: name.name, duckdb, explicit };
}

/** ` COLLATE x` for a string type (its own collation, else the default); '' for other types. */
export function collationClause(type: SqlType): string {
  return isString(type) ? ` COLLATE ${type.collation?.duckdb ?? DEFAULT_COLLATION}` : '';
}

/** Two collations of the same rank that differ: SQL Server's Msg 468; null when they agree. */
export function collationConflict(a: SqlType, b: SqlType): { first: string; second: string } | null {
  const x = a.collation;
  const y = b.collation;
  if (!x || !y || x.explicit !== y.explicit || x.duckdb === y.duckdb) return null;
  return { first: x.name, second: y.name };
}

/** Whether a collation tells upper from lower case (the default one does not). */
export function caseSensitive(collation: Collation | undefined): boolean {
  return !!collation && !collation.duckdb.startsWith('NOCASE');
}
