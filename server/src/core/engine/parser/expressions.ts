// Expressions with T-SQL's operator precedence. T-SQL keeps scalar expressions and search
// conditions apart (`SELECT 1 = 1` is a syntax error), so there are two entry points:
// parseExpression for values and parseCondition for WHERE/ON/HAVING/IF/WHILE/WHEN.
//
//   condition   := conjunction { OR conjunction }
//   conjunction := negation { AND negation }
//   negation    := { NOT } predicate
//   predicate   := EXISTS (query) | additive [ compare additive | [NOT] BETWEEN | [NOT] IN | [NOT] LIKE | IS [NOT] NULL ]
//   additive    := term { (+ - & | ^) term }
//   term        := unary { (* / %) unary }
//   unary       := (- + ~) unary | primary
import type { Token } from '../../tsql/lexer';
import { decodeString } from '../../tsql/literals';
import type { ComparisonOperator, Expression, FrameBound, FunctionCall, Identifier, OrderItem, Query, WindowFrame, WindowSpec } from '../ast';
import { RESERVED } from './keywords';
import { numberLiteral, parseDataType } from './names';
import type { Parser } from './parser';
import { parseQuery, startsQuery } from './query';

const BOOLEAN_KINDS = new Set(['comparison', 'logical', 'not', 'isNull', 'inList', 'inQuery', 'between', 'like', 'exists']);

function isCondition(e: Expression): boolean {
  return BOOLEAN_KINDS.has(e.kind);
}

/** A value: anything but a search condition. */
export function parseExpression(p: Parser): Expression {
  const e = additive(p);
  if (isCondition(e)) p.fail(conditionOperator(p, e));
  return e;
}

/** A search condition; a plain value here is Msg 4145, as in SQL Server. */
export function parseCondition(p: Parser): Expression {
  const e = condition(p);
  if (!isCondition(e)) {
    const t = p.peek() ?? p.tokens[p.tokens.length - 1]!;
    const message = `An expression of non-boolean type specified in a context where a condition is expected, near '${p.nearText(t)}'.`;
    p.error(4145, 1, message, t);
  }
  return e;
}

/** The operator SQL Server stops at when a condition stands where a value must: the first one written. */
function conditionOperator(p: Parser, e: Expression): Token | undefined {
  switch (e.kind) {
    case 'comparison':
    case 'logical':
      return isCondition(e.left) ? conditionOperator(p, e.left) : p.tokenAfter(e.left.end);
    case 'isNull':
    case 'inList':
    case 'inQuery':
    case 'between':
    case 'like':
      return p.tokenAfter(e.operand.end);
    default:
      return p.tokenAfter(e.start);
  }
}

function condition(p: Parser): Expression {
  let left = conjunction(p);
  while (p.isWord('OR')) {
    p.next();
    const right = conjunction(p);
    left = { kind: 'logical', op: 'OR', left, right, start: left.start, end: right.end };
  }
  return left;
}

function conjunction(p: Parser): Expression {
  let left = negation(p);
  while (p.isWord('AND')) {
    p.next();
    const right = negation(p);
    left = { kind: 'logical', op: 'AND', left, right, start: left.start, end: right.end };
  }
  return left;
}

function negation(p: Parser): Expression {
  const nots: Token[] = [];
  while (p.isWord('NOT')) nots.push(p.next());
  let e = predicate(p);
  for (let i = nots.length - 1; i >= 0; i--) {
    if (!isCondition(e)) p.fail(p.tokenAfter(e.end));
    e = { kind: 'not', operand: e, start: nots[i]!.start, end: e.end };
  }
  return e;
}

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  '!<': '>=',
  '!>': '<=',
};

function predicate(p: Parser): Expression {
  if (p.isWord('EXISTS')) {
    const start = p.next().start;
    const query = parenthesizedQuery(p);
    return { kind: 'exists', query, start, end: p.lastEnd() };
  }
  const left = additive(p);
  const compare = COMPARISONS[p.op()];
  if (compare) {
    const opToken = p.next();
    if (isCondition(left)) p.fail(opToken);
    if (p.isWord('ALL') || p.isWord('ANY') || p.isWord('SOME')) p.unsupported(`Comparison with ${p.word()} (subquery)`, p.peek()!);
    const right = operand(p);
    return { kind: 'comparison', op: compare, left, right, start: left.start, end: right.end };
  }
  const negated = p.isWord('NOT') && (p.isWord('BETWEEN', 1) || p.isWord('IN', 1) || p.isWord('LIKE', 1));
  if (negated) p.next();
  const keyword = p.peek();
  if (keyword && isCondition(left) && ['BETWEEN', 'IN', 'LIKE', 'IS'].includes(p.word())) p.fail(keyword);
  if (p.acceptWord('BETWEEN')) {
    const low = operand(p);
    p.expectWord('AND');
    const high = operand(p);
    return { kind: 'between', operand: left, low, high, negated, start: left.start, end: high.end };
  }
  if (p.acceptWord('IN')) {
    if (startsQuery(p, 0)) {
      const query = parenthesizedQuery(p);
      return { kind: 'inQuery', operand: left, query, negated, start: left.start, end: p.lastEnd() };
    }
    p.expect('lparen');
    const list = p.nested(() => commaList(p, parseExpression));
    p.expect('rparen');
    return { kind: 'inList', operand: left, list, negated, start: left.start, end: p.lastEnd() };
  }
  if (p.acceptWord('LIKE')) {
    const pattern = operand(p);
    const escape = p.acceptWord('ESCAPE') ? operand(p) : null;
    return { kind: 'like', operand: left, pattern, escape, negated, start: left.start, end: p.lastEnd() };
  }
  if (p.acceptWord('IS')) {
    const not = !!p.acceptWord('NOT');
    p.expectWord('NULL');
    return { kind: 'isNull', operand: left, negated: not, start: left.start, end: p.lastEnd() };
  }
  return left;
}

/** The right-hand side of a comparison or predicate: a value, never a condition. */
function operand(p: Parser): Expression {
  const e = additive(p);
  if (isCondition(e)) p.fail(conditionOperator(p, e));
  return e;
}

const ADDITIVE = new Set(['+', '-', '&', '|', '^']);
const MULTIPLICATIVE = new Set(['*', '/', '%']);

function additive(p: Parser): Expression {
  let left = term(p);
  while (ADDITIVE.has(p.op())) {
    const opToken = p.next();
    if (isCondition(left)) p.fail(opToken);
    const right = term(p);
    if (isCondition(right)) p.fail(conditionOperator(p, right));
    left = { kind: 'binaryOp', op: p.slice(opToken) as '+', left, right, start: left.start, end: right.end };
  }
  return left;
}

function term(p: Parser): Expression {
  let left = unary(p);
  while (MULTIPLICATIVE.has(p.op())) {
    const opToken = p.next();
    if (isCondition(left)) p.fail(opToken);
    const right = unary(p);
    if (isCondition(right)) p.fail(conditionOperator(p, right));
    left = { kind: 'binaryOp', op: p.slice(opToken) as '*', left, right, start: left.start, end: right.end };
  }
  return left;
}

function unary(p: Parser): Expression {
  const op = p.op();
  if (op === '-' || op === '+' || op === '~') {
    const start = p.next().start;
    const inner = p.nested(() => unary(p));
    if (isCondition(inner)) p.fail(conditionOperator(p, inner));
    return { kind: 'unary', op, operand: inner, start, end: inner.end };
  }
  const e = primary(p);
  if (p.acceptWord('COLLATE')) {
    const collation = p.identifier();
    return { kind: 'collate', operand: e, collation, start: e.start, end: collation.end };
  }
  return e;
}

/** Words that are reserved yet begin a value. */
const RESERVED_FUNCTIONS = new Set(['LEFT', 'RIGHT', 'COALESCE', 'NULLIF']);
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'USER']);

function primary(p: Parser): Expression {
  const t = p.peek();
  if (!t) return p.fail();
  switch (t.kind) {
    case 'number':
      p.next();
      return numberLiteral(p, p.slice(t), t.start, t.end, false);
    case 'string':
      p.next();
      return { kind: 'string', value: decodeString(p.text, t).text, unicode: !!t.unicode, start: t.start, end: t.end };
    case 'binary':
      p.next();
      return { kind: 'binary', hex: p.slice(t).slice(2).toUpperCase(), start: t.start, end: t.end };
    case 'variable':
    case 'systemVariable':
      p.next();
      return { kind: 'variable', name: p.slice(t), system: t.kind === 'systemVariable', start: t.start, end: t.end };
    case 'lparen':
      return parenthesized(p);
    case 'operator':
      if (p.op() === '$' && p.isKind('number', 1) && p.peek(1)!.start === t.end) {
        p.next();
        const n = p.next();
        return numberLiteral(p, p.slice(n), t.start, n.end, true);
      }
      return p.fail();
    case 'word':
    case 'quotedIdent':
      return wordExpression(p, t);
    default:
      return p.fail();
  }
}

function wordExpression(p: Parser, t: Token): Expression {
  const word = p.word();
  const call = p.isKind('lparen', 1);
  if (t.kind === 'word') {
    if (word === 'NULL') {
      p.next();
      return { kind: 'null', start: t.start, end: t.end };
    }
    if (word === 'CASE') return p.nested(() => caseExpression(p));
    if (call && (word === 'CAST' || word === 'TRY_CAST')) return p.nested(() => castExpression(p));
    if (call && (word === 'CONVERT' || word === 'TRY_CONVERT')) return p.nested(() => convertExpression(p));
    if (call && (word === 'PARSE' || word === 'TRY_PARSE')) return p.nested(() => parseExpressionCall(p));
    if (word === 'NEXT' && p.isWord('VALUE', 1)) p.unsupported('NEXT VALUE FOR', t);
    if (NILADIC.has(word) && !call) {
      p.next();
      const name = [p.identifierAt(t)];
      return { kind: 'call', name, args: [], star: false, distinct: false, over: null, niladic: true, start: t.start, end: t.end };
    }
    if (RESERVED.has(word) && !(call && RESERVED_FUNCTIONS.has(word))) p.fail();
  }
  const parts: Identifier[] = [p.identifierAt(p.next())];
  while (p.isKind('dot') && !p.isOp('*', 1)) {
    p.next();
    parts.push(p.identifier());
  }
  if (p.isOp('::')) p.unsupported('Static method calls (::)', p.peek()!);
  if (p.isKind('lparen')) {
    if (parts.length > 3) p.fail();
    return p.nested(() => functionCall(p, parts));
  }
  if (parts.length > 4) p.fail(p.tokenAfter(parts[3]!.end));
  return { kind: 'column', parts, start: parts[0]!.start, end: parts[parts.length - 1]!.end };
}

/** `.value('path', 'type')` after an xml value: the xml type's method that reads it as text. */
function xmlValue(p: Parser, operand: Expression): Expression {
  p.next();
  p.next();
  p.expect('lparen');
  const path = p.expect('string');
  p.expect('comma');
  const type = p.expect('string');
  p.expect('rparen');
  return { kind: 'xmlValue', operand, path: decodeString(p.text, path).text, type: decodeString(p.text, type).text, start: operand.start, end: p.lastEnd() };
}

/** `(value)`, `(condition)` or `(subquery)`. */
function parenthesized(p: Parser): Expression {
  if (startsQuery(p, 0)) {
    const start = p.peek()!.start;
    const query = parenthesizedQuery(p);
    const subquery: Expression = { kind: 'subquery', query, start, end: p.lastEnd() };
    return p.isKind('dot') && p.isWord('VALUE', 1) && p.isKind('lparen', 2) ? xmlValue(p, subquery) : subquery;
  }
  p.next();
  const inner = p.nested(() => condition(p));
  p.expect('rparen');
  return inner;
}

function parenthesizedQuery(p: Parser): Query {
  p.expect('lparen');
  const query = p.nested(() => parseQuery(p));
  p.expect('rparen');
  return query;
}

function caseExpression(p: Parser): Expression {
  const start = p.next().start;
  const operand = p.isWord('WHEN') ? null : parseExpression(p);
  const whens: { when: Expression; then: Expression }[] = [];
  while (p.acceptWord('WHEN')) {
    const when = operand ? parseExpression(p) : parseCondition(p);
    p.expectWord('THEN');
    whens.push({ when, then: parseExpression(p) });
  }
  if (whens.length === 0) p.fail();
  const otherwise = p.acceptWord('ELSE') ? parseExpression(p) : null;
  p.expectWord('END');
  return { kind: 'case', operand, whens, else: otherwise, start, end: p.lastEnd() };
}

function castExpression(p: Parser): Expression {
  const t = p.next();
  p.expect('lparen');
  const operand = parseExpression(p);
  p.expectWord('AS');
  const type = parseDataType(p);
  p.expect('rparen');
  const syntax = p.slice(t).toUpperCase() === 'TRY_CAST' ? 'TRY_CAST' : 'CAST';
  return { kind: 'cast', syntax, operand, type, style: null, start: t.start, end: p.lastEnd() };
}

/** PARSE ( string AS type [ USING culture ] ), TRY_PARSE likewise. */
function parseExpressionCall(p: Parser): Expression {
  const t = p.next();
  p.expect('lparen');
  const operand = parseExpression(p);
  p.expectWord('AS');
  const type = parseDataType(p);
  const culture = p.acceptWord('USING') ? parseExpression(p) : null;
  p.expect('rparen');
  return { kind: 'parse', try: p.slice(t).toUpperCase() === 'TRY_PARSE', operand, type, culture, start: t.start, end: p.lastEnd() };
}

function convertExpression(p: Parser): Expression {
  const t = p.next();
  p.expect('lparen');
  const type = parseDataType(p);
  p.expect('comma');
  const operand = parseExpression(p);
  const style = p.accept('comma') ? parseExpression(p) : null;
  p.expect('rparen');
  const syntax = p.slice(t).toUpperCase() === 'TRY_CONVERT' ? 'TRY_CONVERT' : 'CONVERT';
  return { kind: 'cast', syntax, operand, type, style, start: t.start, end: p.lastEnd() };
}

function functionCall(p: Parser, name: Identifier[]): FunctionCall {
  const upper = name.length === 1 ? name[0]!.name.toUpperCase() : '';
  p.expect('lparen');
  let star = false;
  let distinct = false;
  let args: Expression[] = [];
  if (p.isOp('*') && p.isKind('rparen', 1)) {
    if (upper !== 'COUNT' && upper !== 'COUNT_BIG') p.fail();
    p.next();
    star = true;
  } else if (!p.isKind('rparen')) {
    if (p.acceptWord('DISTINCT')) distinct = true;
    else p.acceptWord('ALL');
    if (upper === 'TRIM' && (p.word() === 'LEADING' || p.word() === 'TRAILING' || p.word() === 'BOTH')) {
      p.unsupported(`TRIM(${p.word()} ...)`, p.peek()!);
    }
    args.push(upper === 'IIF' ? parseCondition(p) : parseExpression(p));
    if (upper === 'TRIM' && p.acceptWord('FROM')) args = [parseExpression(p), args[0]!];
    while (p.accept('comma')) args.push(parseExpression(p));
  }
  p.expect('rparen');
  let withinGroup: OrderItem[] | undefined;
  if (p.isWord('WITHIN')) {
    if (upper !== 'STRING_AGG' && upper !== 'PERCENTILE_CONT' && upper !== 'PERCENTILE_DISC') p.unsupported(`WITHIN GROUP with ${upper}`, p.peek()!);
    p.next();
    p.expectWord('GROUP');
    p.expect('lparen');
    withinGroup = parseOrderBy(p);
    p.expect('rparen');
  }
  const over = p.isWord('OVER') ? windowSpec(p) : null;
  const start = name[0]!.start;
  return { kind: 'call', name, args, star, distinct, over, niladic: false, ...(withinGroup ? { withinGroup } : {}), start, end: p.lastEnd() };
}

function windowSpec(p: Parser): WindowSpec {
  const start = p.next().start;
  p.expect('lparen');
  let partitionBy: Expression[] = [];
  let orderBy: OrderItem[] = [];
  if (p.acceptWord('PARTITION')) {
    p.expectWord('BY');
    partitionBy = commaList(p, parseExpression);
  }
  if (p.isWord('ORDER')) orderBy = parseOrderBy(p);
  const frame = p.word() === 'ROWS' || p.word() === 'RANGE' ? windowFrame(p) : null;
  p.expect('rparen');
  return { partitionBy, orderBy, frame, start, end: p.lastEnd() };
}

/**
 * ROWS|RANGE <bound> or ROWS|RANGE BETWEEN <bound> AND <bound>. A frame cannot start at UNBOUNDED
 * FOLLOWING nor end at UNBOUNDED PRECEDING, and the short form names where it starts: UNBOUNDED
 * PRECEDING, n PRECEDING or CURRENT ROW (anything else is Msg 102 at the word that breaks the rule).
 */
function windowFrame(p: Parser): WindowFrame {
  const unitToken = p.next();
  const unit = p.slice(unitToken).toUpperCase() as WindowFrame['unit'];
  if (!p.acceptWord('BETWEEN')) {
    const from = frameBound(p, 'short');
    return { unit, from, to: { kind: 'CURRENT ROW', offset: null, start: from.end, end: from.end }, start: unitToken.start, end: p.lastEnd() };
  }
  const from = frameBound(p, 'from');
  p.expectWord('AND');
  const to = frameBound(p, 'to');
  return { unit, from, to, start: unitToken.start, end: p.lastEnd() };
}

function frameBound(p: Parser, side: 'short' | 'from' | 'to'): FrameBound {
  const first = p.peek();
  if (!first) return p.fail();
  if (p.acceptWord('UNBOUNDED')) {
    const kind = `UNBOUNDED ${p.word()}`;
    if (kind !== (side === 'to' ? 'UNBOUNDED FOLLOWING' : 'UNBOUNDED PRECEDING')) p.fail();
    p.next();
    return { kind, offset: null, start: first.start, end: p.lastEnd() } as FrameBound;
  }
  if (p.acceptWord('CURRENT')) {
    p.expectWord('ROW');
    return { kind: 'CURRENT ROW', offset: null, start: first.start, end: p.lastEnd() };
  }
  // n PRECEDING / n FOLLOWING: n is an unsigned whole number written out.
  if (!p.isKind('number') || !/^\d+$/.test(p.slice(first))) p.fail();
  p.next();
  const kind = p.word();
  if (kind !== 'PRECEDING' && (kind !== 'FOLLOWING' || side === 'short')) p.fail();
  p.next();
  return { kind, offset: Number(p.slice(first)), start: first.start, end: p.lastEnd() };
}

/** ORDER BY item [ASC|DESC], ... */
export function parseOrderBy(p: Parser): OrderItem[] {
  p.expectWord('ORDER');
  p.expectWord('BY');
  return commaList(p, () => {
    const expr = parseExpression(p);
    const descending = !!p.acceptWord('DESC');
    if (!descending) p.acceptWord('ASC');
    return { expr, descending, start: expr.start, end: p.lastEnd() };
  });
}

export function commaList<T>(p: Parser, item: (p: Parser) => T): T[] {
  const items = [item(p)];
  while (p.accept('comma')) items.push(item(p));
  return items;
}
