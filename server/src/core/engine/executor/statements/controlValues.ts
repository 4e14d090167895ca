// Small value formats of control-of-flow statements: WAITFOR DELAY's time string and
// RAISERROR's printf-style message.
import type { SqlValue } from '../ports';

/** 'hh:mm[:ss[.mmm]]' to milliseconds; null when it is not a time (Msg 148). */
export function parseDelay(text: string): number | null {
  const m = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,3}))?)?\s*$/.exec(text);
  if (!m) return null;
  const [hours, minutes, seconds] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const millis = Number((m[4] ?? '0').padEnd(3, '0'));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/** RAISERROR's substitution: %s, %d, %i, %u (with optional flags and width) and %% for '%'. */
export function formatRaiserror(format: string, args: readonly SqlValue[]): string {
  let next = 0;
  return format.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?(?:I64|h|l)?[sdiuxXo])/g, (_whole, spec: string) => {
    if (spec === '%') return '%';
    const value = args[next++];
    if (value === undefined || value === null) return '(null)';
    const kind = spec[spec.length - 1];
    if (kind === 's') return String(value);
    const n = typeof value === 'bigint' ? value : Math.trunc(Number(value));
    if (kind === 'x') return n.toString(16);
    if (kind === 'X') return n.toString(16).toUpperCase();
    if (kind === 'o') return n.toString(8);
    return String(n);
  });
}
