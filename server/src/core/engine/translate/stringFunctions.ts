// String functions with SQL Server's answers: LEN ignores trailing spaces, REPLACE and CHARINDEX
// ignore case under the default collation (not under a case-sensitive one), SUBSTRING counts positions before 1, CONCAT treats NULL
// as ''.
import type { Expression, FunctionCall } from '../ast';
import { asFloat, asInt, asString, values, type Builtin, type BuiltinTable } from './builtin';
import type { Typed } from './context';
import { caseSensitive } from './collations';
import { raiseSql, unsupported } from './errors';
import { combine, type ExpressionTranslator } from './expressions';
import { likeRegexSource } from './likePattern';
import { quoteString } from './names';
import { INT, isBinary, isUnicode, meetingCollation, nvarchar, varchar, type SqlType } from './types';

/** f(string, ...) returning the string's own type. */
function sameType(name: string, argCount: [number, number] = [1, 1]): Builtin {
  return {
    args: argCount,
    translate: (call, t) => {
      const args = values(call, t);
      const s = asString(args[0]!, call.args[0]!);
      const rest = args.slice(1).map((a) => a.sql);
      return combine(`${name}(${[s.sql, ...rest].join(', ')})`, s.type, args);
    },
  };
}

/** The widest result a string function of `t` can have in SQL Server. */
function wide(t: SqlType): SqlType {
  if (t.length === 'max') return t;
  return isUnicode(t) ? nvarchar(4000) : varchar(8000);
}

function invalidLength(fn: string): string {
  return raiseSql(537, 16, 1, [`Invalid length parameter passed to the ${fn} function.`]);
}

/** LEFT/RIGHT: a negative length is an error. */
function side(fn: 'left' | 'right'): Builtin {
  return {
    args: [2, 2],
    translate: (call, t) => {
      const [sv, nv] = values(call, t);
      const s = asString(sv!, call.args[0]!);
      const n = asInt(nv!, call.args[1]!);
      return combine(`CASE WHEN ${n.sql} < 0 THEN ${invalidLength(fn)} ELSE ${fn}(${s.sql}, ${n.sql}) END`, s.type, [sv!, nv!]);
    },
  };
}

export const STRING_FUNCTIONS: BuiltinTable = {
  LEN: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const s = asString(v!, call.args[0]!);
      return combine(`CAST(length(rtrim(${s.sql})) AS ${s.type.length === 'max' ? 'BIGINT' : 'INTEGER'})`, s.type.length === 'max' ? { name: 'bigint' } : INT, [v!]);
    },
  },
  DATALENGTH: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const type = v!.type;
      let sql: string;
      if (isUnicode(type)) sql = `(2 * length(${v!.sql}))`;
      else if (type.name === 'varchar' || type.name === 'char' || type.name === 'text') sql = `strlen(${v!.sql})`;
      else if (['binary', 'varbinary', 'image'].includes(type.name)) sql = `octet_length(${v!.sql})`;
      else return unsupported(`DATALENGTH of ${type.name}`, call);
      return combine(`CAST(${sql} AS INTEGER)`, INT, [v!]);
    },
  },
  SUBSTRING: {
    args: [3, 3],
    translate: (call, t) => {
      const [sv, startv, lengthv] = values(call, t);
      const start = asInt(startv!, call.args[1]!).sql;
      const length = asInt(lengthv!, call.args[2]!).sql;
      // Binary is cut as bytes and stays binary: DuckDB cuts its hex digits, two a byte.
      const binary = isBinary(sv!.type);
      const s = binary ? { ...sv!, sql: `hex(${sv!.sql})` } : asString(sv!, call.args[0]!);
      const cut = (from: string, count: string) => (binary ? `unhex(substring(${s.sql}, 2 * ${from} - 1, 2 * ${count}))` : `substring(${s.sql}, ${from}, ${count})`);
      // Positions before 1 count against the length, as in SQL Server (DuckDB counts them from the end).
      const sql =
        `CASE WHEN ${length} < 0 THEN ${invalidLength('substring')} ` +
        `WHEN ${start} < 1 THEN ${cut('1', `greatest(${length} + ${start} - 1, 0)`)} ` +
        `ELSE ${cut(start, length)} END`;
      const type: SqlType = binary ? { name: 'varbinary', length: sv!.type.length ?? 1 } : s.type;
      return combine(sql, type, [sv!, startv!, lengthv!]);
    },
  },
  LEFT: side('left'),
  RIGHT: side('right'),
  UPPER: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const s = asString(v!, call.args[0]!);
      // SQL Server's case tables map one character to one and leave ß as it is; DuckDB's upper
      // makes it the capital ẞ. It is set aside as a private-use character while the rest is upper-cased.
      return combine(`replace(upper(replace(${s.sql}, 'ß', chr(57344))), chr(57344), 'ß')`, s.type, [v!]);
    },
  },
  LOWER: sameType('lower'),
  LTRIM: sameType('ltrim', [1, 2]),
  RTRIM: sameType('rtrim', [1, 2]),
  TRIM: sameType('trim', [1, 2]),
  REVERSE: sameType('reverse'),
  TRANSLATE: sameType('translate', [3, 3]),
  REPLACE: {
    args: [3, 3],
    translate: (call, t) => {
      const args = values(call, t);
      const [s, find, replacement] = args.map((a, k) => asString(a, call.args[k]!));
      // Case-insensitive under the default collation, not under a case-sensitive one; the replacement is literal text.
      const flags = caseSensitive(meetingCollation(s!.type, find!.type)) ? 'g' : 'gi';
      const sql =
        `CASE WHEN ${find!.sql} = '' THEN ${s!.sql} ` +
        `ELSE regexp_replace(${s!.sql}, regexp_escape(${find!.sql}), replace(${replacement!.sql}, '\\', '\\\\'), '${flags}') END`;
      return combine(sql, wide(s!.type), args);
    },
  },
  // PATINDEX('%pattern%', s): where the first match starts (1-based), 0 for none. The pattern is
  // LIKE's, so it must match to the end of s (a trailing % frees it) and, without a leading %,
  // from its start. The first match is the shortest prefix after which the rest of s matches.
  PATINDEX: {
    args: [2, 2],
    translate: (call, t) => {
      const [pattern, expression] = call.args;
      if (pattern!.kind !== 'string') unsupported('PATINDEX with a pattern that is not a constant', pattern!);
      const args = values(call, t);
      const within = asString(args[1]!, expression!);
      const flags = caseSensitive(meetingCollation(args[0]!.type, within.type)) ? "'c'" : "'i'";
      const floating = pattern.value.startsWith('%');
      // The anchored expression without its '^', after which the prefix goes.
      const rest = likeRegexSource(floating ? pattern.value.slice(1) : pattern.value, null).slice(1);
      const s = within.sql;
      const found = /^%+$/.test(pattern.value)
        ? '1'
        : floating
          ? `CASE WHEN regexp_full_match(${s}, ${quoteString(`(?s)(.*?)${rest}`)}, ${flags}) THEN length(regexp_extract(${s}, ${quoteString(`(?s)^(.*?)${rest}`)}, 1, ${flags})) + 1 ELSE 0 END`
          : `CASE WHEN regexp_full_match(${s}, ${quoteString(`(?s)^${rest}`)}, ${flags}) THEN 1 ELSE 0 END`;
      const sql = `CASE WHEN ${s} IS NULL THEN NULL ELSE ${found} END`;
      return combine(`CAST(${sql} AS INTEGER)`, INT, args);
    },
  },
  CHARINDEX: {
    args: [2, 3],
    translate: (call, t) => {
      const args = values(call, t);
      const findValue = asString(args[0]!, call.args[0]!);
      const within = asString(args[1]!, call.args[1]!);
      const find = findValue.sql;
      const s = within.sql;
      const fold = caseSensitive(meetingCollation(findValue.type, within.type)) ? (x: string) => x : (x: string) => `lower(${x})`;
      const found = (text: string) => `instr(${fold(text)}, ${fold(find)})`;
      let sql = found(s);
      if (args[2]) {
        const start = asInt(args[2], call.args[2]!).sql;
        const rest = found(`substring(${s}, ${start})`);
        sql = `CASE WHEN ${start} <= 1 THEN ${sql} WHEN ${rest} = 0 THEN 0 ELSE ${rest} + ${start} - 1 END`;
      }
      return combine(`CAST(CASE WHEN length(${find}) = 0 THEN 0 ELSE ${sql} END AS INTEGER)`, INT, args);
    },
  },
  CONCAT: { args: [2, 254], translate: (call, t) => concat(call, t, null) },
  CONCAT_WS: { args: [3, 254], translate: (call, t) => concat(call, t, call.args[0]!) },
  REPLICATE: {
    args: [2, 2],
    translate: (call, t) => {
      const [sv, nv] = values(call, t);
      const s = asString(sv!, call.args[0]!);
      const n = asInt(nv!, call.args[1]!).sql;
      return combine(`CASE WHEN ${n} < 0 THEN NULL ELSE repeat(${s.sql}, ${n}) END`, wide(s.type), [sv!, nv!]);
    },
  },
  SPACE: {
    args: [1, 1],
    translate: (call, t) => {
      const [nv] = values(call, t);
      const n = asInt(nv!, call.args[0]!).sql;
      return combine(`CASE WHEN ${n} < 0 THEN NULL ELSE repeat(' ', ${n}) END`, varchar(8000), [nv!]);
    },
  },
  // STR(number [, length [, decimals]]): right-aligned in `length` characters (10), rounded to
  // `decimals` (0, at most 16), fewer decimals when they do not fit, '*' * length when the whole
  // part does not.
  STR: {
    args: [1, 3],
    translate: (call, t) => {
      const args = values(call, t);
      const x = asFloat(args[0]!, call.args[0]!).sql;
      const length = args[1] ? asInt(args[1], call.args[1]!).sql : '10';
      const decimals = args[2] ? `least(${asInt(args[2], call.args[2]!).sql}, 16)` : '0';
      const room = `CAST(greatest(least(${decimals}, ${length} - length(printf('%.0f', trunc(${x}))) - 1), 0) AS INTEGER)`;
      const text = `printf('%.*f', ${room}, round(${x}, ${room}))`;
      const sql = `CASE WHEN ${length} < 1 OR ${decimals} < 0 THEN NULL WHEN length(${text}) > ${length} THEN repeat('*', ${length}) ELSE lpad(${text}, ${length}, ' ') END`;
      const written = call.args[1];
      const type = varchar(written === undefined ? 10 : written.kind === 'number' && /^\d+$/.test(written.text) ? Math.max(1, Number(written.text)) : 8000);
      return combine(sql, type, args);
    },
  },
  STUFF: {
    args: [4, 4],
    translate: (call, t) => {
      const args = values(call, t);
      const s = asString(args[0]!, call.args[0]!).sql;
      const start = asInt(args[1]!, call.args[1]!).sql;
      const length = asInt(args[2]!, call.args[2]!).sql;
      const replacement = asString(args[3]!, call.args[3]!).sql;
      const sql =
        `CASE WHEN ${start} < 1 OR ${start} > length(${s}) OR ${length} < 0 THEN NULL ` +
        `ELSE substring(${s}, 1, ${start} - 1) || coalesce(${replacement}, '') || substring(${s}, ${start} + ${length}) END`;
      return combine(sql, wide(asString(args[0]!, call.args[0]!).type), args);
    },
  },
  CHAR: codePoint({ name: 'char', length: 1 }, 255),
  NCHAR: codePoint({ name: 'nchar', length: 1 }, 0x10ffff),
  ASCII: firstCode('ascii'),
  UNICODE: firstCode('unicode'),
  QUOTENAME: {
    args: [1, 2],
    translate: (call, t) => {
      const [sv] = values(call, t);
      const s = asString(sv!, call.args[0]!).sql;
      const quote = call.args[1];
      if (quote && quote.kind !== 'string') return unsupported('QUOTENAME with a quote character that is not a constant', quote);
      const open = quote?.value ?? '[';
      const close = QUOTE_PAIRS[open];
      if (!close) return combine('CAST(NULL AS VARCHAR)', nvarchar(258), [sv!]);
      const sql = `CASE WHEN length(${s}) > 128 THEN NULL ELSE ${quoteString(open)} || replace(${s}, ${quoteString(close)}, ${quoteString(close + close)}) || ${quoteString(close)} END`;
      return combine(sql, nvarchar(258), [sv!]);
    },
  },
};

/** The quote characters QUOTENAME accepts, with their closing partner. */
const QUOTE_PAIRS: Readonly<Record<string, string>> = { '[': ']', '"': '"', "'": "'", '(': ')', '<': '>', '{': '}', '`': '`' };

function codePoint(type: SqlType, max: number): Builtin {
  return {
    args: [1, 1],
    translate: (call, t) => {
      const [nv] = values(call, t);
      const n = asInt(nv!, call.args[0]!).sql;
      return combine(`CASE WHEN ${n} BETWEEN 0 AND ${max} THEN chr(${n}) END`, type, [nv!]);
    },
  };
}

/** ASCII / UNICODE of the first character; NULL for ''. */
function firstCode(fn: string): Builtin {
  return {
    args: [1, 1],
    translate: (call, t) => {
      const [sv] = values(call, t);
      const s = asString(sv!, call.args[0]!).sql;
      return combine(`CASE WHEN length(${s}) = 0 THEN NULL ELSE CAST(${fn}(${s}) AS INTEGER) END`, INT, [sv!]);
    },
  };
}

/** CONCAT and CONCAT_WS: every argument as a string; NULLs are skipped. */
function concat(call: FunctionCall, t: ExpressionTranslator, separator: Expression | null): Typed {
  const args = values(call, t);
  const strings = args.map((a, k) => (a.nullLiteral ? a : asString(a, call.args[k]!)));
  const typed = strings.filter((s) => !s.nullLiteral);
  const unicode = typed.some((s) => isUnicode(s.type));
  const max = typed.some((s) => s.type.length === 'max');
  const total = typed.reduce((n, s) => n + Number(s.type.length ?? 1), 0);
  const length = max ? 'max' : Math.min(total, unicode ? 4000 : 8000);
  const type: SqlType = { name: unicode ? 'nvarchar' : 'varchar', length };
  const fn = separator ? 'concat_ws' : 'concat';
  const sql = `${fn}(${strings.map((s) => (s.nullLiteral ? 'CAST(NULL AS VARCHAR)' : s.sql)).join(', ')})`;
  // CONCAT never yields NULL in SQL Server; DuckDB's concat of all-NULL is '' too.
  return combine(separator ? sql : `coalesce(${sql}, '')`, type, args);
}
