// FORMAT(value, format [, culture]): SQL Server hands it to .NET; here the .NET format strings
// people use are translated when the format is a constant, for the en-US culture (SQL Server's
// default for us_english): standard numeric formats (N, F, C, P, D, X, G with a precision),
// custom numeric patterns ('#,##0.00', '0.0%', '$#,##0'), and standard or custom date and time
// patterns ('d', 'D', 'yyyy-MM-dd', 'dd/MM/yyyy HH:mm:ss', 'MMMM', 'dddd', 'tt'). The result is
// nvarchar(4000), NULL when the value is NULL.
import type { Expression, FunctionCall } from '../ast';
import type { Typed } from './context';
import { stop, unsupported } from './errors';
import { combine, type ExpressionTranslator } from './expressions';
import { quoteString } from './names';
import { isDateTime, isInteger, isNumber, nvarchar, type SqlType } from './types';

const RESULT: SqlType = nvarchar(4000);

function constantText(e: Expression, what: string, call: FunctionCall): string {
  if (e.kind === 'string') return e.value;
  return unsupported(`FORMAT with a ${what} that is not a constant`, call);
}

export function translateFormat(call: FunctionCall, t: ExpressionTranslator): Typed {
  const value = t.value(call.args[0]!);
  const format = t.value(call.args[1]!);
  const culture = call.args[2] ? constantText(call.args[2], 'culture', call) : '';
  if (format.nullLiteral || value.nullLiteral) return { sql: `CAST(NULL AS VARCHAR)`, type: RESULT };
  const pattern = constantText(call.args[1]!, 'format', call);
  if (call.args[2]) checkCulture(culture, pattern, isNumber(value.type), call.args[2]);
  const x = value.sql;
  let sql: string;
  if (isNumber(value.type)) sql = numberFormat(x, pattern, isInteger(value.type), call);
  else if (isDateTime(value.type)) sql = dateFormat(x, pattern, value.type.name === 'time');
  else return stop(8116, 16, 1, `Argument data type ${value.type.name} is invalid for argument 1 of format function.`, call.args[0]!);
  return combine(`CASE WHEN ${x} IS NULL THEN NULL ELSE ${sql} END`, RESULT, [value, format]);
}

/**
 * A culture other than en-US is honoured where the text does not depend on it: English cultures
 * (en-GB, en-AU…) share en-US's separators and names, so only the currency format and the
 * standard date layouts (en-GB's 'd' is dd/MM/yyyy) and AM/PM differ; any culture writes digits-only
 * numbers and dates whose separators are literal ('yyyy.MM.HH.mm', 'yyyy-MM-dd') the same way.
 * Anything else is refused at the culture rather than formatted as en-US.
 */
function checkCulture(culture: string, pattern: string, number: boolean, at: Expression): void {
  if (!/^([a-z]{2,3}(-[a-z0-9]{2,8})*)?$/i.test(culture)) {
    stop(9818, 16, 1, `The culture parameter '${culture}' provided in the function call is not supported.`, at);
  }
  if (/^(en-us|en)?$/i.test(culture)) return;
  const english = /^en-/i.test(culture);
  const outsideQuotes = pattern.replace(/'[^']*'|"[^"]*"|\\./g, '');
  const neutral = number
    ? /^[DdXx]\d{0,2}$/.test(pattern) || (english ? !/^[Cc]\d{0,2}$/.test(pattern) : /^[#0]+$/.test(outsideQuotes))
    : pattern === 's' ||
      pattern === 'u' ||
      (pattern.length > 1 && !/t/.test(outsideQuotes) && (english || (!/MMM|ddd/.test(outsideQuotes) && !/[/:]/.test(outsideQuotes))));
  if (!neutral) unsupported(`FORMAT with the culture '${culture}' for the format '${pattern}' (the instance writes en-US's separators and names)`, at);
}

/** DuckDB's format() of a number with `decimals` places, with thousands separators or not. */
function fixed(x: string, decimals: number, thousands: boolean): string {
  // .NET rounds half away from zero (1234.5 → '1,235'); DuckDB's round does too, format() would not.
  return `format(${quoteString(`{:${thousands ? ',' : ''}.${decimals}f}`)}, round(CAST(${x} AS DOUBLE), ${decimals}))`;
}

function numberFormat(x: string, pattern: string, integer: boolean, call: FunctionCall): string {
  const standard = /^([NnFfCcPpDdXxGg])(\d{0,2})$/.exec(pattern);
  if (standard) {
    const letter = standard[1]!.toUpperCase();
    const precision = standard[2] === '' ? null : Number(standard[2]);
    switch (letter) {
      case 'N':
        return fixed(x, precision ?? 2, true);
      case 'F':
        return fixed(x, precision ?? 2, false);
      case 'C':
        return `(CASE WHEN ${x} < 0 THEN '-$' ELSE '$' END || ${fixed(`abs(${x})`, precision ?? 2, true)})`;
      case 'P':
        return `(${fixed(`(${x}) * 100`, precision ?? 2, true)} || '%')`;
      case 'D':
        // .NET refuses D and X for non-integers; FORMAT then returns NULL.
        if (!integer) return 'NULL';
        return `(CASE WHEN ${x} < 0 THEN '-' ELSE '' END || ${padded(`CAST(abs(${x}) AS VARCHAR)`, precision ?? 1)})`;
      case 'X': {
        if (!integer) return 'NULL';
        return padded(`${standard[1] === 'X' ? 'upper' : 'lower'}(to_hex(${x}))`, precision ?? 1);
      }
      default:
        return `CAST(${x} AS VARCHAR)`;
    }
  }
  return customNumber(x, pattern, call);
}

/** Zeros on the left up to `width` (DuckDB's lpad would cut a longer text). */
function padded(text: string, width: number): string {
  return `lpad(${text}, CAST(greatest(length(${text}), ${width}) AS INTEGER), '0')`;
}

/** '#,##0.00', '0.###', '$#,##0', '0.0%': digits, separators, a percent sign, literal text around. */
function customNumber(x: string, pattern: string, call: FunctionCall): string {
  const m = /^([^#0,.]*)([#0,]*)(?:\.([#0]*))?([^#0,.]*)$/.exec(pattern);
  if (!m || (m[2] === '' && m[3] === undefined)) return unsupported(`The FORMAT pattern '${pattern}'`, call.args[1]!);
  const [, prefix, whole, fraction = '', suffix] = m;
  const percent = (prefix + suffix).includes('%');
  const value = percent ? `(${x}) * 100` : x;
  const required = (fraction.match(/0/g) ?? []).length;
  const places = fraction.length;
  const thousands = whole!.includes(',');
  let digits = `${fixed(`abs(${value})`, places, thousands)}`;
  // '#' places are dropped when they are trailing zeros; '0' places always stay.
  if (places > required) {
    const optional = places - required;
    digits = `regexp_replace(${digits}, ${quoteString(`\\.?0{0,${optional}}$`)}, '')`;
  }
  const minimumWhole = (whole!.match(/0/g) ?? []).length;
  // '#,##0' shows 0 as '0' but '#,###' shows it as '' (no required digit before the point).
  if (minimumWhole === 0) digits = `regexp_replace(${digits}, '^0(\\.|$)', '\\1')`;
  const sign = `CASE WHEN ${value} < 0 AND regexp_matches(${digits}, '[1-9]') THEN '-' ELSE '' END`;
  return `(${quoteString(prefix!)} || ${sign} || ${digits} || ${quoteString(suffix!)})`;
}

/** .NET's standard date formats (en-US), as custom patterns. */
const STANDARD_DATES: Readonly<Record<string, string>> = {
  d: 'M/d/yyyy',
  D: 'dddd, MMMM d, yyyy',
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  f: 'dddd, MMMM d, yyyy h:mm tt',
  F: 'dddd, MMMM d, yyyy h:mm:ss tt',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  M: 'MMMM d',
  m: 'MMMM d',
  Y: 'MMMM yyyy',
  y: 'MMMM yyyy',
  s: "yyyy-MM-dd'T'HH:mm:ss",
  u: "yyyy-MM-dd HH:mm:ss'Z'",
};

/** Custom .NET date tokens, longest first, as strftime directives. */
const DATE_TOKENS: [string, string][] = [
  ['yyyy', '%Y'], ['yy', '%y'], ['MMMM', '%B'], ['MMM', '%b'], ['MM', '%m'], ['M', '%-m'],
  ['dddd', '%A'], ['ddd', '%a'], ['dd', '%d'], ['d', '%-d'], ['HH', '%H'], ['H', '%-H'],
  ['hh', '%I'], ['h', '%-I'], ['mm', '%M'], ['m', '%-M'], ['ss', '%S'], ['s', '%-S'],
  ['fff', '%g'], ['tt', '%p'],
];

function dateFormat(x: string, pattern: string, time: boolean): string {
  const custom = STANDARD_DATES[pattern] ?? pattern;
  let directives = '';
  for (let i = 0; i < custom.length; ) {
    const c = custom[i]!;
    if (c === "'" || c === '"') {
      const close = custom.indexOf(c, i + 1);
      const literal = custom.slice(i + 1, close < 0 ? custom.length : close);
      directives += literal.replace(/%/g, '%%');
      i = close < 0 ? custom.length : close + 1;
      continue;
    }
    if (c === '\\' && i + 1 < custom.length) {
      directives += custom[i + 1] === '%' ? '%%' : custom[i + 1];
      i += 2;
      continue;
    }
    const token = DATE_TOKENS.find(([t]) => custom.startsWith(t, i));
    if (token) {
      directives += token[1];
      i += token[0].length;
      continue;
    }
    directives += c === '%' ? '%%' : c;
    i++;
  }
  const stamp = time ? `(DATE '1900-01-01' + CAST(${x} AS TIME))` : `CAST(${x} AS TIMESTAMP)`;
  return `strftime(${stamp}, ${quoteString(directives)})`;
}
