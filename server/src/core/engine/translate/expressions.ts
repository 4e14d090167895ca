// Expressions and conditions to DuckDB SQL with T-SQL semantics:
// - `+` concatenates when both sides are strings (NULL + 'a' is NULL: DuckDB's || agrees);
//   otherwise the operand of lower type precedence converts ('5' + 1 = 6, 'a' + 1 fails: Msg 245);
// - integer division truncates (7 / 2 = 3, DuckDB //); division by zero is Msg 8134;
// - decimal results get SQL Server's precision and scale (1.0 / 3 = 0.333333333333);
// - strings compare case-insensitively (COLLATE NOCASE; LIKE becomes ILIKE), as under SQL
//   Server's default collation.
import type { BinaryOp, Case, Comparison, DataType, Expression, Like, NumberLiteral, VariableRef } from '../ast';
import { caseSensitive, collationClause, collationConflict, collationNamed } from './collations';
import type { Context, Typed } from './context';
import { convert } from './conversions';
import { FINEST, roundedToPrecision } from './dateTimePrecision';
import { DIVIDE_BY_ZERO, stop, throwError, unsupported } from './errors';
import { xmlValue } from './forXml';
import { translateCall } from './functions';
import { likeToRegex } from './likePattern';
import { quoteString } from './names';
import { translateParse } from './parseFunction';
import { translateSubquery } from './query';
import type { Scope } from './scope';
import {
  arithmeticType,
  asDecimal,
  BIT,
  commonType,
  duckdbType,
  INT,
  isBit,
  isDateTime,
  isInteger,
  isNumber,
  isString,
  meetingCollation,
  nvarchar,
  sqlTypeOf,
  varchar,
  type SqlType,
} from './types';

/** Expressions of one query level: `scope` resolves its column names. */
export class ExpressionTranslator {
  constructor(
    readonly ctx: Context,
    readonly scope: Scope,
  ) {}

  /** A scalar value. */
  value(e: Expression): Typed {
    const result = this.valueOf(e);
    // A GROUP BY key (or an expression of keys) may be used outside aggregates.
    if (result.loose && this.ctx.groupKeys?.has(result.sql)) return { ...result, loose: null };
    return result;
  }

  /** A search condition, as a DuckDB boolean. */
  condition(e: Expression): Typed {
    switch (e.kind) {
      case 'comparison':
        return this.comparison(e);
      case 'logical': {
        const l = this.condition(e.left);
        const r = this.condition(e.right);
        return combine(`(${l.sql} ${e.op} ${r.sql})`, BIT, [l, r]);
      }
      case 'not': {
        const inner = this.condition(e.operand);
        return combine(`(NOT ${inner.sql})`, BIT, [inner]);
      }
      case 'isNull': {
        const inner = this.value(e.operand);
        return combine(`(${inner.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, BIT, [inner]);
      }
      case 'inList': {
        const operand = this.value(e.operand);
        const items = e.list.map((i) => this.value(i));
        const type = common([operand, ...items]);
        const [a, ...rest] = [operand, ...items].map((v, k) => convert(v, type, 'implicit', k === 0 ? e.operand : e.list[k - 1]!));
        const sql = `(${blankless(a!, type)}${collation(type)} ${e.negated ? 'NOT IN' : 'IN'} (${rest.map((r) => collated(blankless(r, type), type)).join(', ')}))`;
        return combine(sql, BIT, [operand, ...items]);
      }
      case 'inQuery': {
        const operand = this.value(e.operand);
        const sub = translateSubquery(e.query, this.ctx, this.scope, 'in');
        const type = commonType(operand.type, sub.type);
        const a = convert(operand, type, 'implicit', e.operand);
        const column = convert({ sql: '"s"."c"', type: sub.type }, type, 'implicit', e.query);
        const query = column.sql === '"s"."c"' ? sub.sql : `SELECT ${column.sql} FROM (${sub.sql}) AS "s"("c")`;
        return combine(`(${a.sql}${collation(type)} ${e.negated ? 'NOT IN' : 'IN'} (${query}))`, BIT, [operand]);
      }
      case 'between': {
        const parts = [this.value(e.operand), this.value(e.low), this.value(e.high)];
        const type = common(parts);
        const [x, lo, hi] = parts.map((p, k) => convert(p, type, 'implicit', [e.operand, e.low, e.high][k]!));
        return combine(`(${x!.sql}${collation(type)} ${e.negated ? 'NOT ' : ''}BETWEEN ${collated(lo!.sql, type)} AND ${collated(hi!.sql, type)})`, BIT, parts);
      }
      case 'like':
        return this.like(e);
      case 'exists': {
        const sub = translateSubquery(e.query, this.ctx, this.scope, 'exists');
        return { sql: `(EXISTS (${sub.sql}))`, type: BIT };
      }
      default:
        // The parser only builds conditions here; a value would be Msg 4145 there.
        return stop(4145, 15, 1, 'An expression of non-boolean type specified in a context where a condition is expected.', e);
    }
  }

  private valueOf(e: Expression): Typed {
    switch (e.kind) {
      case 'string': {
        const length = Math.max(e.value.length, 1);
        const type = e.unicode ? nvarchar(length > 4000 ? 'max' : length) : varchar(length > 8000 ? 'max' : length);
        return { sql: quoteString(e.value), type, literal: e.value };
      }
      case 'number':
        return numberLiteral(e);
      case 'binary': {
        const bytes = Math.max(e.hex.length >> 1, 1);
        return { sql: `from_hex(${quoteString(e.hex.length % 2 ? `0${e.hex}` : e.hex)})`, type: { name: 'varbinary', length: bytes > 8000 ? 'max' : bytes } };
      }
      case 'null':
        return { sql: 'NULL', type: INT, nullLiteral: true };
      case 'variable':
        return this.variable(e);
      case 'column': {
        const resolved = this.scope.resolve(e.parts, e);
        const loose = this.ctx.aggregateDepth === 0 ? { text: resolved.display, span: e } : null;
        return { sql: resolved.sql, type: resolved.type, loose };
      }
      case 'unary':
        return this.unary(e.op, this.value(e.operand), e);
      case 'binaryOp':
        return this.arithmetic(e);
      case 'case':
        return this.caseExpression(e);
      case 'cast': {
        const type = resolveType(e.type, 'cast');
        const style = e.style ? constantStyle(e.style) : null;
        const mode = e.syntax.startsWith('TRY') ? 'try' : 'explicit';
        return convert(this.value(e.operand), type, mode, e, style);
      }
      case 'call':
        return translateCall(e, this);
      case 'subquery': {
        const sub = translateSubquery(e.query, this.ctx, this.scope, 'scalar');
        return { sql: `(${sub.sql})`, type: sub.type };
      }
      case 'collate': {
        const inner = this.value(e.operand);
        if (!isString(inner.type)) return stop(447, 16, 1, `Expression type ${inner.type.name} is invalid for COLLATE clause.`, e);
        const named = collationNamed(e.collation, true);
        if (!('duckdb' in named)) throwError(named);
        return { ...inner, type: { ...inner.type, collation: named } };
      }
      case 'parse':
        return translateParse(e, this);
      case 'xmlValue':
        return xmlValue(e, this);
      case 'star':
        return stop(102, 15, 1, "Incorrect syntax near '*'.", e);
      default:
        // A condition where a value must be: the parser already refuses this.
        return stop(102, 15, 1, `Incorrect syntax near '${e.kind}'.`, e);
    }
  }

  private variable(e: VariableRef): Typed {
    const bound = this.ctx.bindings?.get(e.name.toLowerCase());
    if (bound) return bound;
    const type = this.ctx.ports.variables.variableType(e.name);
    if (!type) {
      if (e.system) return unsupported(`The system function ${e.name.toUpperCase()}`, e);
      return stop(137, 15, 2, `Must declare the scalar variable "${e.name}".`, e);
    }
    return { sql: this.ctx.parameter(e.name, type), type };
  }

  private unary(op: '-' | '+' | '~', inner: Typed, e: Expression): Typed {
    const t = inner.type;
    if (op === '+') {
      if (!isNumeric(t)) invalidOperand(t, 'plus', e);
      return inner;
    }
    if (op === '~') {
      if (isBit(t)) return combine(`(NOT ${inner.sql})`, t, [inner]);
      if (!isInteger(t)) invalidOperand(t, 'bitwise not', e);
      return combine(`(~${inner.sql})`, t, [inner]);
    }
    if (!isNumeric(t)) invalidOperand(t, 'minus', e);
    // tinyint is unsigned in both engines; its negation is an int.
    if (t.name === 'tinyint') return combine(`(-CAST(${inner.sql} AS INTEGER))`, INT, [inner]);
    return combine(`(-${inner.sql})`, t, [inner]);
  }

  private arithmetic(e: BinaryOp): Typed {
    const l = this.value(e.left);
    const r = this.value(e.right);
    const lt = l.nullLiteral && !r.nullLiteral ? r.type : l.type;
    const rt = r.nullLiteral && !l.nullLiteral ? l.type : r.type;
    const result = arithmeticType(e.op, lt, rt);
    if (!result.ok) return stop(result.number, 16, 1, result.message, e);
    const type = result.type;
    if (result.concatenate) {
      const a = convert(l, type, 'implicit', e.left);
      const b = convert(r, type, 'implicit', e.right);
      return combine(`(${a.sql} || ${b.sql})`, type, [l, r]);
    }
    if (isDateTime(type)) return this.addDays(e, l, r, type);
    // Operands convert to the higher type (strings to numbers, with SQL Server's errors).
    const operandType = commonType(lt, rt);
    const a = operand(l, operandType, e.left);
    const b = operand(r, operandType, e.right);
    let sql: string;
    switch (e.op) {
      case '/':
        if (isDecimal(type) && isExactOperand(a.type) && isExactOperand(b.type)) return combine(exactDivision(a, b, type), type, [l, r]);
        sql = `(${a.sql} ${isInteger(type) ? '//' : '/'} ${nonZero(b.sql)})`;
        break;
      case '%':
        sql = `(${a.sql} % ${nonZero(b.sql)})`;
        break;
      case '^':
        sql = isBit(type) ? `(${a.sql} <> ${b.sql})` : `xor(${a.sql}, ${b.sql})`;
        break;
      case '&':
      case '|':
        sql = isBit(type) ? `(${a.sql} ${e.op === '&' ? 'AND' : 'OR'} ${b.sql})` : `(${a.sql} ${e.op} ${b.sql})`;
        break;
      default:
        sql = `(${wideEnough(a, type)} ${e.op} ${b.sql})`;
    }
    // DuckDB widens integers and floats as SQL Server does, but not decimals: pin their precision and scale.
    if (duckdbType(type).startsWith('DECIMAL')) sql = `CAST(${sql} AS ${duckdbType(type)})`;
    return combine(sql, type, [l, r]);
  }

  /** datetime ± n: n days (a fraction is part of a day). */
  private addDays(e: BinaryOp, l: Typed, r: Typed, type: SqlType): Typed {
    const dateFirst = isDateTime(l.type);
    const [date, days] = dateFirst ? [l, r] : [r, l];
    if (!dateFirst && e.op === '-') invalidOperand(r.type, 'subtract', e);
    const wholeDays = isInteger(days.type) || isBit(days.type);
    const n = wholeDays ? `to_days(CAST(${days.sql} AS INTEGER))` : `to_microseconds(CAST(round(${days.sql} * 86400000000) AS BIGINT))`;
    const d = convert(date, type, 'implicit', e);
    // A fraction of a day lands between the type's ticks: rounded to them, as a conversion is.
    const sum = `CAST((${d.sql} ${e.op} ${n}) AS TIMESTAMP)`;
    return combine(wholeDays ? sum : roundedToPrecision(sum, FINEST, type), type, [l, r]);
  }

  private comparison(e: Comparison): Typed {
    const l = this.value(e.left);
    const r = this.value(e.right);
    const conflict = collationConflict(l.type, r.type);
    if (conflict) {
      const message = `Cannot resolve the collation conflict between "${conflict.first}" and "${conflict.second}" in the ${COMPARISON_NAMES[e.op] ?? e.op} operation.`;
      stop(468, 16, 9, message, e);
    }
    const type = common([l, r]);
    const a = operand(l, type, e.left);
    const b = operand(r, type, e.right);
    return combine(`(${blankless(a, type)}${collation(type)} ${e.op} ${collated(blankless(b, type), type)})`, BIT, [l, r]);
  }

  private like(e: Like): Typed {
    const operand = this.value(e.operand);
    const pattern = this.value(e.pattern);
    const x = isString(operand.type) ? operand : convert(operand, varchar(8000), 'implicit', e.operand);
    const p = isString(pattern.type) ? pattern : convert(pattern, varchar(8000), 'implicit', e.pattern);
    const escape = e.escape ? this.value(e.escape) : null;
    const not = e.negated ? 'NOT ' : '';
    const constantEscape = e.escape === null ? null : e.escape.kind === 'string' ? e.escape.value : undefined;
    // Under a case-sensitive or binary collation (on the column or written with COLLATE) LIKE respects case.
    const sensitive = caseSensitive(meetingCollation(x.type, p.type));
    if (e.pattern.kind === 'string' && constantEscape !== undefined) {
      const regex = likeToRegex(e.pattern.value, constantEscape);
      if (regex !== null) return combine(`(${not}regexp_full_match(${x.sql}, ${quoteString(regex)}${sensitive ? '' : ", 'i'"}))`, BIT, [operand]);
    }
    const escapeSql = escape ? ` ESCAPE ${escape.sql}` : '';
    return combine(`(${x.sql} ${not}${sensitive ? 'LIKE' : 'ILIKE'} ${p.sql}${escapeSql})`, BIT, [operand, pattern]);
  }

  private caseExpression(e: Case): Typed {
    const operand = e.operand ? this.value(e.operand) : null;
    const whens = e.whens.map((w) => {
      let test: Typed;
      if (operand) {
        const candidate = this.value(w.when);
        const type = common([operand, candidate]);
        const a = convert(operand, type, 'implicit', e.operand!);
        const b = convert(candidate, type, 'implicit', w.when);
        test = combine(`(${a.sql}${collation(type)} = ${collated(b.sql, type)})`, BIT, [operand, candidate]);
      } else test = this.condition(w.when);
      return { test, then: this.value(w.then), at: w.then };
    });
    const otherwise = e.else ? this.value(e.else) : null;
    const results = [...whens.map((w) => w.then), ...(otherwise ? [otherwise] : [])];
    const type = common(results);
    const branches = whens.map((w) => `WHEN ${w.test.sql} THEN ${convert(w.then, type, 'implicit', w.at).sql}`);
    const elseSql = otherwise ? ` ELSE ${convert(otherwise, type, 'implicit', e.else!).sql}` : '';
    return combine(`CASE ${branches.join(' ')}${elseSql} END`, type, [...whens.map((w) => w.test), ...results]);
  }
}

/** Combines the flags of the parts into a new value. */
export function combine(sql: string, type: SqlType, parts: Typed[]): Typed {
  return { sql, type, loose: parts.find((p) => p.loose)?.loose ?? null, aggregate: parts.some((p) => p.aggregate) };
}

/** The type values meet in (NULL constants take the others' type). */
export function common(values: Typed[]): SqlType {
  const typed = values.filter((v) => !v.nullLiteral);
  if (typed.length === 0) return INT;
  return typed.map((v) => v.type).reduce((a, b) => commonType(a, b));
}

/**
 * An operand converted to the type an operation works in. Numbers meet numbers in DuckDB as they
 * do in SQL Server, so only other conversions (strings, bit, dates) are spelled out.
 */
function operand(v: Typed, type: SqlType, at: Expression): Typed {
  if (isNumber(v.type) && isNumber(type) && !v.nullLiteral) return v;
  return convert(v, type, 'implicit', at);
}

/** A string's collation (SQL Server's default one is case-insensitive); '' for other types. */
export function collation(type: SqlType): string {
  return collationClause(type);
}

/** SQL Server compares strings as if the shorter were padded with blanks: trailing blanks don't count. */
function blankless(v: Typed, type: SqlType): string {
  if (!isString(type)) return v.sql;
  if (v.literal !== undefined && v.sql === quoteString(v.literal)) return quoteString(v.literal.replace(/ +$/, ''));
  return `rtrim(${v.sql}, ' ')`;
}

/**
 * The other side of a comparison under a collation written with COLLATE: DuckDB refuses to
 * compare two sides of different collations, and a column's own would clash with the chosen one.
 */
function collated(sql: string, type: SqlType): string {
  return type.collation ? `${sql}${collationClause(type)}` : sql;
}

const COMPARISON_NAMES: Readonly<Record<string, string>> = {
  '=': 'equal to',
  '<>': 'not equal to',
  '!=': 'not equal to',
  '<': 'less than',
  '>': 'greater than',
  '<=': 'less than or equal to',
  '>=': 'greater than or equal to',
};

function isNumeric(t: SqlType): boolean {
  return isInteger(t) || ['decimal', 'numeric', 'money', 'smallmoney', 'float', 'real'].includes(t.name);
}

function invalidOperand(t: SqlType, operator: string, e: Expression): never {
  return stop(8117, 16, 1, `Operand data type ${t.name} is invalid for ${operator} operator.`, e);
}

const isDecimal = (t: SqlType): boolean => t.name === 'decimal' || t.name === 'numeric';
const isExactOperand = (t: SqlType): boolean => isInteger(t) || isDecimal(t) || t.name === 'money' || t.name === 'smallmoney';

/**
 * An operand of +, - or * as DuckDB must see it for a decimal result. DuckDB keeps the sum or the
 * product of decimals that fit 64 bits in 64 bits, and fails past 18 digits; SQL Server's result
 * holds what its precision says, up to 38 (a decimal(18,2) times 2 is a decimal(29,2)). Made a
 * 38-digit decimal, one operand has DuckDB compute in 128 bits; the result is then cast to its type.
 */
function wideEnough(v: Typed, result: SqlType): string {
  if (!isDecimal(result) || (result.precision ?? 18) <= 18 || !isExactOperand(v.type)) return v.sql;
  return `CAST(${v.sql} AS DECIMAL(38,${asDecimal(v.type).scale}))`;
}

/**
 * Decimal division as SQL Server does it: exact, truncated to the result's scale. DuckDB divides
 * decimals in floating point, so the quotient is computed on 128-bit integers: a / b at scale s
 * is (A * 10^(s + s2 - s1)) // B, A and B the operands without their decimal points. Its digits
 * are the result's precision (at most 38), so it fits.
 */
function exactDivision(a: Typed, b: Typed, type: SqlType): string {
  const x = asDecimal(a.type);
  const y = asDecimal(b.type);
  const s = type.scale ?? 0;
  const unscaled = (v: Typed, scale: number) => `CAST(${scale ? `${v.sql} * 1${'0'.repeat(scale)}` : v.sql} AS HUGEINT)`;
  const shift = s + y.scale - x.scale;
  const quotient = `(${unscaled(a, x.scale)} * CAST(1${'0'.repeat(shift)} AS HUGEINT)) // ${nonZero(unscaled(b, y.scale))}`;
  const unit = s ? ` * CAST(0.${'0'.repeat(s - 1)}1 AS DECIMAL(${s + 1},${s}))` : '';
  return `CAST(CAST(${quotient} AS DECIMAL(38,0))${unit} AS ${duckdbType(type)})`;
}

/** The divisor, or Msg 8134 when it is zero. */
function nonZero(sql: string): string {
  return `CASE WHEN ${sql} = 0 THEN ${DIVIDE_BY_ZERO()} ELSE ${sql} END`;
}

function numberLiteral(e: NumberLiteral): Typed {
  let text = e.text.startsWith('.') ? `0${e.text}` : e.text;
  if (text.endsWith('.')) text += '0';
  switch (e.type) {
    case 'int':
      return { sql: String(Number(text)), type: INT };
    case 'float':
      return { sql: `CAST(${text} AS DOUBLE)`, type: { name: 'float' } };
    case 'money':
      return { sql: `CAST(${text} AS DECIMAL(19,4))`, type: { name: 'money' } };
    default:
      return { sql: `CAST(${text} AS DECIMAL(${e.precision},${e.scale}))`, type: { name: 'numeric', precision: e.precision, scale: e.scale } };
  }
}

/** The T-SQL type a data type names, or its error. */
export function resolveType(dt: DataType, context: 'declaration' | 'cast', position = 1): SqlType {
  const type = sqlTypeOf(dt, context, position);
  return 'number' in type ? throwError(type) : type;
}

/** CONVERT's style: a constant. */
function constantStyle(e: Expression): number {
  if (e.kind === 'number' && e.type === 'int') return Number(e.text);
  return unsupported('A CONVERT style that is not a constant', e);
}
