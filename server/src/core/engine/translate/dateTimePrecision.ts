// The precision each date and time type keeps, applied where a value is converted to it, as SQL
// Server rounds: datetime to ticks of 1/300 second (shown as .000, .003, .007), smalldatetime to
// the minute (29.998 seconds round down, 29.999 up), datetime2(n) and time(n) to n fractional
// digits, half up. DuckDB stores every one of them with microseconds, so below six digits the SQL
// rounds the value itself; CAST('… 12:34:56.7' AS datetime2(0)) is then 12:34:57, not 12:34:56.7.
import type { SqlType } from './types';

/**
 * Microseconds added before the integer rounding and taken off after it: every date SQL Server
 * has (from 0001-01-01) is then positive, so that `//` (which cuts toward zero) rounds down. A
 * whole number of days, so the minute and second boundaries stay where they are, and small enough
 * that the largest value (9999-12-31) times three still fits in a BIGINT.
 */
const SHIFT = 86_400_000_000n * 800_000n;

/** The type whose values carry every digit DuckDB keeps: a computed instant is rounded from it. */
export const FINEST: SqlType = { name: 'datetime2', scale: 7 };

/** Fractional-second digits a value of the type carries (date: none). */
function digitsOf(t: SqlType): number {
  switch (t.name) {
    case 'date':
    case 'smalldatetime':
      return 0;
    case 'datetime':
      return 3;
    case 'datetime2':
    case 'time':
    case 'datetimeoffset':
      return t.scale ?? 7;
    default:
      return 7;
  }
}

/**
 * The SQL of `x` (already of `to`'s DuckDB type) rounded to what `to` keeps; `x` itself when a
 * value of type `from` never holds more than that.
 */
export function roundedToPrecision(x: string, from: SqlType, to: SqlType): string {
  const shifted = `(epoch_us(${x}) + ${SHIFT})`;
  const back = (micros: string) => `make_timestamp(${micros} - ${SHIFT})`;
  switch (to.name) {
    case 'smalldatetime':
      if (from.name === 'smalldatetime' || from.name === 'date') return x;
      return back(`(${shifted} + 30001000) // 60000000 * 60000000`);
    case 'datetime': {
      if (from.name === 'datetime' || from.name === 'smalldatetime' || from.name === 'date') return x;
      // Ticks of 1/300 s, rounded half up; then the tick's millisecond, as SQL Server shows it.
      const ticks = `((${shifted} * 3 + 5000) // 10000)`;
      return back(`((${ticks} * 10 + 1) // 3) * 1000`);
    }
    case 'datetime2':
    case 'time': {
      const digits = to.scale ?? 7;
      if (digits >= 6 || digitsOf(from) <= digits) return x;
      const unit = 10 ** (6 - digits);
      if (to.name === 'time') return `(TIME '00:00:00' + to_microseconds((epoch_us(${x}) + ${unit / 2}) // ${unit} * ${unit}))`;
      return back(`(${shifted} + ${unit / 2}) // ${unit} * ${unit}`);
    }
    default:
      return x;
  }
}
