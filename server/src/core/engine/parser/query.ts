// SELECT queries: CTEs, set operators (INTERSECT binds tighter than UNION/EXCEPT), the clauses
// of one SELECT, and FROM with joins, derived tables and table-valued functions.
import { decodeString } from '../../tsql/literals';
import type {
  CommonTableExpression,
  ForJson,
  ForXml,
  OpenJsonColumn,
  Expression,
  Identifier,
  Query,
  QueryBody,
  Select,
  SelectItem,
  TableSample,
  TableSource,
  Top,
} from '../ast';
import { commaList, parseCondition, parseExpression, parseOrderBy } from './expressions';
import { numberLiteral, parseDataType, parseObjectName } from './names';
import type { Parser } from './parser';

/** Does a parenthesised query begin at pos + k: `(SELECT`, `((SELECT`? */
export function startsQuery(p: Parser, k: number): boolean {
  let i = k;
  if (!p.isKind('lparen', i)) return false;
  while (p.isKind('lparen', i)) i++;
  return p.isWord('SELECT', i);
}

const ASSIGNMENT_OPERATORS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=']);

export function isAssignmentOperator(op: string): boolean {
  return ASSIGNMENT_OPERATORS.has(op);
}

/** A query; `ctes` when the statement parser has already read a WITH clause. */
export function parseQuery(p: Parser, ctes: CommonTableExpression[] = p.isWord('WITH') ? commonTableExpressions(p) : []): Query {
  const start = ctes[0]?.start ?? p.peek()?.start ?? p.lastEnd();
  const body = queryExpression(p);
  const orderBy = p.isWord('ORDER') ? parseOrderBy(p) : [];
  let offset: Expression | null = null;
  let fetch: Expression | null = null;
  if (p.isWord('OFFSET')) {
    if (orderBy.length === 0) p.fail();
    p.next();
    offset = parseExpression(p);
    rowsWord(p);
    if (p.acceptWord('FETCH')) {
      if (!p.acceptWord('NEXT')) p.expectWord('FIRST');
      fetch = parseExpression(p);
      rowsWord(p);
      p.expectWord('ONLY');
    }
  }
  const forXml = p.isWord('FOR') && p.isWord('XML', 1) ? forXmlClause(p) : null;
  const forJson = p.isWord('FOR') && p.isWord('JSON', 1) ? forJsonClause(p) : null;
  if (p.isWord('FOR') && p.isWord('BROWSE', 1)) p.unsupported('FOR BROWSE', p.peek()!);
  const maxRecursion = p.isWord('OPTION') && p.isKind('lparen', 1) ? queryHints(p) : null;
  return {
    kind: 'query',
    ctes,
    body,
    orderBy,
    offset,
    fetch,
    ...(maxRecursion !== null ? { maxRecursion } : {}),
    ...(forXml ? { forXml } : {}),
    ...(forJson ? { forJson } : {}),
    start,
    end: p.lastEnd(),
  };
}

/** FOR JSON PATH [, ROOT[('name')]] [, INCLUDE_NULL_VALUES] [, WITHOUT_ARRAY_WRAPPER]; AUTO is not supported. */
function forJsonClause(p: Parser): ForJson {
  const start = forPath(p, 'JSON');
  const clause: ForJson = { root: null, includeNulls: false, withoutArray: false, start, end: start };
  while (p.accept('comma')) {
    if (p.acceptWord('ROOT')) clause.root = optionalName(p, 'root');
    else if (p.acceptWord('INCLUDE_NULL_VALUES')) clause.includeNulls = true;
    else if (p.acceptWord('WITHOUT_ARRAY_WRAPPER')) clause.withoutArray = true;
    else p.fail();
  }
  clause.end = p.lastEnd();
  return clause;
}

/** Reads FOR XML|JSON PATH (any other mode is Msg 59001); where FOR starts. */
function forPath(p: Parser, format: 'XML' | 'JSON'): number {
  const start = p.next().start;
  p.next();
  const mode = p.peek();
  if (!p.isWord('PATH')) return mode ? p.unsupported(`FOR ${format} ${p.slice(mode).toUpperCase()}`, mode) : p.fail();
  p.next();
  return start;
}

/** ('name') after PATH or ROOT, or `fallback` when there are no parentheses. */
function optionalName(p: Parser, fallback: string): string {
  if (!p.accept('lparen')) return fallback;
  const t = p.expect('string');
  p.expect('rparen');
  return decodeString(p.text, t).text;
}

/** FOR XML PATH[('element')] [, TYPE] [, ROOT[('name')]] [, ELEMENTS]; RAW, AUTO and EXPLICIT are not supported. */
function forXmlClause(p: Parser): ForXml {
  const start = forPath(p, 'XML');
  const clause: ForXml = { element: optionalName(p, 'row'), type: false, root: null, start, end: start };
  while (p.accept('comma')) {
    if (p.acceptWord('TYPE')) clause.type = true;
    else if (p.acceptWord('ROOT')) clause.root = optionalName(p, 'root');
    else if (p.acceptWord('ELEMENTS')) {
      if (p.isWord('XSINIL')) p.unsupported('FOR XML ... ELEMENTS XSINIL', p.peek()!);
      p.acceptWord('ABSENT');
    } else {
      const t = p.peek();
      if (t && t.kind === 'word') p.unsupported(`FOR XML ... ${p.slice(t).toUpperCase()}`, t);
      p.fail();
    }
  }
  clause.end = p.lastEnd();
  return clause;
}

function rowsWord(p: Parser): void {
  if (!p.acceptWord('ROWS')) p.expectWord('ROW');
}

/**
 * OPTION (RECOMPILE), OPTION (MAXDOP 1): hints that change plans, not answers, are passed over;
 * MAXRECURSION n changes an answer (how deep a recursive CTE may go, 0 for no limit): its n.
 */
function queryHints(p: Parser): number | null {
  p.next();
  p.expect('lparen');
  let maxRecursion: number | null = null;
  for (;;) {
    if (p.acceptWord('MAXRECURSION')) {
      const n = p.peek();
      if (!n || n.kind !== 'number' || !/^\d+$/.test(p.slice(n))) p.fail();
      const value = Number(p.slice(n));
      if (value > 32767) p.error(310, 1, `The value ${value} specified for the MAXRECURSION option exceeds the allowed maximum of 32767.`, n);
      maxRecursion = value;
      p.next();
    }
    // Any other hint, up to the comma or parenthesis that ends it.
    while (!p.isKind('comma') && !p.isKind('rparen')) {
      if (p.atEnd()) p.fail();
      if (p.isKind('lparen')) skipBalanced(p);
      else p.next();
    }
    if (p.accept('rparen')) return maxRecursion;
    p.expect('comma');
  }
}

/** Skips from just after '(' to just after its matching ')'. */
export function skipBalanced(p: Parser): void {
  p.expect('lparen');
  let depth = 1;
  while (depth > 0) {
    const t = p.next();
    if (t.kind === 'lparen') depth++;
    else if (t.kind === 'rparen') depth--;
  }
}

export function commonTableExpressions(p: Parser): CommonTableExpression[] {
  const withToken = p.next();
  if (p.isWord('XMLNAMESPACES')) p.unsupported('WITH XMLNAMESPACES', withToken);
  return commaList(p, () => {
    const name = p.identifier();
    const columns = p.isKind('lparen') ? identifierList(p) : [];
    p.expectWord('AS');
    p.expect('lparen');
    const query = p.nested(() => parseQuery(p));
    p.expect('rparen');
    return { name, columns, query, start: name.start, end: p.lastEnd() };
  });
}

/** ( name, name, ... ) */
export function identifierList(p: Parser): Identifier[] {
  p.expect('lparen');
  const names = commaList(p, () => p.identifier());
  p.expect('rparen');
  return names;
}

function queryExpression(p: Parser): QueryBody {
  let left = queryTerm(p);
  for (;;) {
    let op: 'UNION' | 'UNION ALL' | 'EXCEPT';
    if (p.acceptWord('UNION')) op = p.acceptWord('ALL') ? 'UNION ALL' : 'UNION';
    else if (p.acceptWord('EXCEPT')) op = 'EXCEPT';
    else return left;
    const right = queryTerm(p);
    left = { kind: 'setOperation', op, left, right, start: left.start, end: right.end };
  }
}

function queryTerm(p: Parser): QueryBody {
  let left = queryPrimary(p);
  while (p.acceptWord('INTERSECT')) {
    const right = queryPrimary(p);
    left = { kind: 'setOperation', op: 'INTERSECT', left, right, start: left.start, end: right.end };
  }
  return left;
}

function queryPrimary(p: Parser): QueryBody {
  if (p.isKind('lparen')) {
    const start = p.next().start;
    const query = p.nested(() => parseQuery(p));
    p.expect('rparen');
    return { kind: 'parenthesized', query, start, end: p.lastEnd() };
  }
  return select(p);
}

function select(p: Parser): Select {
  const start = p.expectWord('SELECT').start;
  const distinct = !!p.acceptWord('DISTINCT');
  if (!distinct) p.acceptWord('ALL');
  const top = p.isWord('TOP') ? parseTop(p) : null;
  const items = commaList(p, selectItem);
  const assigns = items.filter((i) => i.kind === 'assignment');
  if (assigns.length > 0 && assigns.length < items.length) {
    const message = 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.';
    p.error(141, 1, message, { start, end: p.lastEnd() });
  }
  const into = p.acceptWord('INTO') ? parseObjectName(p) : null;
  const from = p.acceptWord('FROM') ? commaList(p, parseTableSource) : [];
  const where = p.acceptWord('WHERE') ? parseCondition(p) : null;
  let groupBy: Expression[] = [];
  let grouping: Select['grouping'];
  if (p.isWord('GROUP')) {
    p.next();
    p.expectWord('BY');
    if (p.isWord('ALL')) p.unsupported('GROUP BY ALL', p.peek()!);
    ({ groupBy, grouping } = groupByList(p));
  }
  const having = p.acceptWord('HAVING') ? parseCondition(p) : null;
  return { kind: 'select', distinct, top, items, into, from, where, groupBy, ...(grouping ? { grouping } : {}), having, start, end: p.lastEnd() };
}

/**
 * GROUP BY a, b; ROLLUP (a, b) or a, b WITH ROLLUP; CUBE likewise; GROUPING SETS ((a, b), (a), ()).
 * A mix of plain keys and one of those (GROUP BY x, ROLLUP (a)) is not supported.
 */
function groupByList(p: Parser): { groupBy: Expression[]; grouping?: Select['grouping'] } {
  const form = ['ROLLUP', 'CUBE'].find((f) => p.isWord(f) && p.isKind('lparen', 1));
  if (form) {
    p.next();
    p.expect('lparen');
    const groupBy = commaList(p, parseExpression);
    p.expect('rparen');
    if (p.isKind('comma')) p.unsupported(`GROUP BY with ${form} beside other grouping`, p.peek()!);
    return { groupBy, grouping: { kind: form as 'ROLLUP' | 'CUBE' } };
  }
  if (p.isWord('GROUPING') && p.isWord('SETS', 1)) {
    p.pos += 2;
    p.expect('lparen');
    const groupBy: Expression[] = [];
    const indexOf = (e: Expression) => {
      const text = p.text.slice(e.start, e.end).replace(/\s+/g, ' ').toLowerCase();
      const at = groupBy.findIndex((g) => p.text.slice(g.start, g.end).replace(/\s+/g, ' ').toLowerCase() === text);
      return at >= 0 ? at : groupBy.push(e) - 1;
    };
    const sets = commaList(p, () => {
      if (!p.accept('lparen')) return [indexOf(parseExpression(p))];
      const set = p.isKind('rparen') ? [] : commaList(p, () => indexOf(parseExpression(p)));
      p.expect('rparen');
      return set;
    });
    p.expect('rparen');
    if (p.isKind('comma')) p.unsupported('GROUP BY with GROUPING SETS beside other grouping', p.peek()!);
    return { groupBy, grouping: { kind: 'GROUPING SETS', sets } };
  }
  const groupBy = commaList(p, () => {
    if (p.isWord('GROUPING') && p.isWord('SETS', 1)) p.unsupported('GROUP BY with GROUPING SETS beside other grouping', p.peek()!);
    const e = parseExpression(p);
    if (e.kind === 'call' && e.name.length === 1 && ['ROLLUP', 'CUBE'].includes(e.name[0]!.name.toUpperCase())) p.unsupported(`GROUP BY with ${e.name[0]!.name.toUpperCase()} beside other grouping`, e);
    return e;
  });
  if (p.isWord('WITH') && (p.isWord('ROLLUP', 1) || p.isWord('CUBE', 1))) {
    const kind = p.word(1) as 'ROLLUP' | 'CUBE';
    p.pos += 2;
    return { groupBy, grouping: { kind } };
  }
  return { groupBy };
}

function parseTop(p: Parser): Top {
  const start = p.next().start;
  let count: Expression;
  if (p.isKind('lparen')) {
    p.next();
    count = parseExpression(p);
    p.expect('rparen');
  } else {
    const t = p.expect('number');
    count = numberLiteral(p, p.slice(t), t.start, t.end, false);
  }
  const percent = !!p.acceptWord('PERCENT');
  let withTies = false;
  if (p.isWord('WITH') && p.isWord('TIES', 1)) {
    p.pos += 2;
    withTies = true;
  }
  return { count, percent, withTies, start, end: p.lastEnd() };
}

export function selectItem(p: Parser): SelectItem {
  const t = p.peek();
  if (!t) return p.fail();
  if (t.kind === 'variable' && isAssignmentOperator(p.op(1))) {
    const variable = { kind: 'variable' as const, name: p.slice(t), system: false, start: t.start, end: t.end };
    p.next();
    const op = p.slice(p.next()) as '=';
    const expr = parseExpression(p);
    return { kind: 'assignment', variable, op, expr, start: t.start, end: expr.end };
  }
  const star = qualifiedStar(p);
  if (star) return { kind: 'expression', expr: star, alias: null, start: star.start, end: star.end };
  if ((p.isIdentifier() || t.kind === 'string') && p.isOp('=', 1)) {
    const alias = aliasAt(p);
    p.next();
    const expr = parseExpression(p);
    return { kind: 'expression', expr, alias, start: t.start, end: expr.end };
  }
  const expr = parseExpression(p);
  let alias: Identifier | null = null;
  if (p.acceptWord('AS')) {
    if (!p.isIdentifier() && !p.isKind('string')) p.fail();
    alias = aliasAt(p);
  } else if (p.isIdentifier() || p.isKind('string')) {
    alias = aliasAt(p);
  }
  return { kind: 'expression', expr, alias, start: t.start, end: p.lastEnd() };
}

/** A column alias: a name, or a string ('total' = ...), consumed. */
function aliasAt(p: Parser): Identifier {
  const t = p.peek()!;
  if (t.kind !== 'string') return p.identifier();
  p.next();
  return { name: decodeString(p.text, t).text, quoted: true, start: t.start, end: t.end };
}

/** `*`, `t.*`, `dbo.t.*`. */
function qualifiedStar(p: Parser): Expression | null {
  if (p.isOp('*')) {
    const t = p.next();
    return { kind: 'star', qualifier: [], start: t.start, end: t.end };
  }
  let k = 0;
  while (p.isIdentifier(k) && p.isKind('dot', k + 1)) k += 2;
  if (k === 0 || !p.isOp('*', k)) return null;
  const qualifier: Identifier[] = [];
  while (!p.isOp('*')) {
    qualifier.push(p.identifier());
    p.expect('dot');
  }
  const end = p.next().end;
  return { kind: 'star', qualifier, start: qualifier[0]!.start, end };
}

/** One item of FROM: a table, view, table variable, derived table or function, with its joins. */
export function parseTableSource(p: Parser): TableSource {
  let left = tablePrimary(p);
  for (;;) {
    const type = joinType(p);
    if (!type) return left;
    const right = tablePrimary(p);
    let on: Expression | null = null;
    if (type !== 'CROSS' && type !== 'CROSS APPLY' && type !== 'OUTER APPLY') {
      p.expectWord('ON');
      on = parseCondition(p);
    }
    left = { kind: 'join', type, left, right, on, start: left.start, end: p.lastEnd() };
  }
}

type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'CROSS APPLY' | 'OUTER APPLY';

function joinType(p: Parser): JoinType | null {
  const word = p.word();
  if (word === 'CROSS' || word === 'OUTER') {
    if (p.isWord('APPLY', 1)) {
      p.pos += 2;
      return word === 'CROSS' ? 'CROSS APPLY' : 'OUTER APPLY';
    }
    if (word === 'CROSS' && p.isWord('JOIN', 1)) {
      p.pos += 2;
      return 'CROSS';
    }
    return null;
  }
  let type: JoinType;
  if (word === 'JOIN') type = 'INNER';
  else if (word === 'INNER' || word === 'LEFT' || word === 'RIGHT' || word === 'FULL') {
    p.next();
    type = word;
    if (type !== 'INNER') p.acceptWord('OUTER');
    // Join hints (LOOP, HASH, MERGE, REMOTE) choose a plan, not an answer.
    if (['LOOP', 'HASH', 'MERGE', 'REMOTE'].includes(p.word())) p.next();
  } else return null;
  p.expectWord('JOIN');
  return type;
}

const UNSUPPORTED_ROWSET_FUNCTIONS = new Set(['OPENROWSET', 'OPENQUERY', 'OPENDATASOURCE', 'OPENXML', 'CONTAINSTABLE', 'FREETEXTTABLE']);

function tablePrimary(p: Parser): TableSource {
  const t = p.peek();
  if (!t) return p.fail();
  let source: TableSource;
  if (t.kind === 'lparen') {
    const values = p.isWord('VALUES', 1);
    if (values || startsQuery(p, 0)) {
      p.next();
      const query = p.nested(() => (values ? valuesQuery(p) : parseQuery(p)));
      p.expect('rparen');
      p.acceptWord('AS');
      const alias = p.identifier();
      const columns = p.isKind('lparen') ? identifierList(p) : [];
      source = { kind: 'derived', query, alias, columns, start: t.start, end: p.lastEnd() };
    } else {
      p.next();
      source = p.nested(() => parseTableSource(p));
      p.expect('rparen');
    }
  } else if (t.kind === 'variable') {
    p.next();
    const variable = { kind: 'variable' as const, name: p.slice(t), system: false, start: t.start, end: t.end };
    source = { kind: 'tableVariable', variable, alias: tableAlias(p), start: t.start, end: p.lastEnd() };
  } else {
    if (UNSUPPORTED_ROWSET_FUNCTIONS.has(p.word())) p.unsupported(`The ${p.word()} function`, t);
    if (p.isWord('OPENJSON') && p.isKind('lparen', 1)) return pivots(p, openJson(p));
    const name = parseObjectName(p);
    if (p.isKind('lparen')) {
      p.next();
      const args = p.isKind('rparen') ? [] : commaList(p, parseExpression);
      p.expect('rparen');
      source = { kind: 'function', name, args, alias: tableAlias(p), start: t.start, end: p.lastEnd() };
    } else {
      if (p.isWord('FOR') && p.isWord('SYSTEM_TIME', 1)) p.unsupported('FOR SYSTEM_TIME', p.peek()!);
      const alias = aliasName(p);
      const sample = p.isWord('TABLESAMPLE') ? tableSample(p) : null;
      skipTableHints(p);
      source = { kind: 'table', name, alias, sample, start: t.start, end: p.lastEnd() };
    }
  }
  return pivots(p, source);
}

/** The source, with the PIVOT and UNPIVOT operators that follow it. */
function pivots(p: Parser, source: TableSource): TableSource {
  while (p.isWord('PIVOT') || p.isWord('UNPIVOT')) source = p.isWord('PIVOT') ? pivot(p, source) : unpivot(p, source);
  return source;
}

/** OPENJSON(json [, path]) [WITH (column type ['path'] [AS JSON], ...)] [[AS] alias] */
function openJson(p: Parser): TableSource {
  const start = p.next().start;
  p.expect('lparen');
  const json = parseExpression(p);
  const path = p.accept('comma') ? parseExpression(p) : null;
  p.expect('rparen');
  let columns: OpenJsonColumn[] | null = null;
  if (p.isWord('WITH') && p.isKind('lparen', 1)) {
    p.next();
    p.expect('lparen');
    columns = commaList(p, () => {
      const name = p.identifier();
      const type = parseDataType(p);
      const pathToken = p.isKind('string') ? p.next() : null;
      const asJson = p.isWord('AS') && p.isWord('JSON', 1);
      if (asJson) p.pos += 2;
      return { name, type, path: pathToken ? decodeString(p.text, pathToken).text : null, asJson, start: name.start, end: p.lastEnd() };
    });
    p.expect('rparen');
  }
  return { kind: 'openJson', json, path, columns, alias: tableAlias(p), start, end: p.lastEnd() };
}

/** PIVOT (agg(value) FOR column IN ([a], [b], ...)) [AS] alias */
function pivot(p: Parser, source: TableSource): TableSource {
  p.next();
  p.expect('lparen');
  const aggregate = parseExpression(p);
  if (aggregate.kind !== 'call' || aggregate.args.length !== 1 || aggregate.over) p.fail(p.tokenAfter(aggregate.start));
  p.expectWord('FOR');
  const pivotColumn = parseExpression(p);
  if (pivotColumn.kind !== 'column') p.fail(p.tokenAfter(pivotColumn.start));
  p.expectWord('IN');
  const values = identifierList(p);
  p.expect('rparen');
  p.acceptWord('AS');
  const alias = p.identifier();
  return { kind: 'pivot', source, aggregate, pivotColumn, values, alias, start: source.start, end: p.lastEnd() };
}

/** UNPIVOT (value FOR name IN (a, b, ...)) [AS] alias */
function unpivot(p: Parser, source: TableSource): TableSource {
  p.next();
  p.expect('lparen');
  const valueColumn = p.identifier();
  p.expectWord('FOR');
  const nameColumn = p.identifier();
  p.expectWord('IN');
  const columns = identifierList(p);
  p.expect('rparen');
  p.acceptWord('AS');
  const alias = p.identifier();
  return { kind: 'unpivot', source, valueColumn, nameColumn, columns, alias, start: source.start, end: p.lastEnd() };
}

/**
 * A table value constructor, `VALUES (1, 'a'), (2, 'b')`, as the query it means: its rows joined
 * by UNION ALL, which gives each column the type SQL Server gives it (the rows' types by
 * precedence). The UNION ALLs nest as a balanced tree, so a long list stays shallow.
 */
function valuesQuery(p: Parser): Query {
  const start = p.expectWord('VALUES').start;
  const rows: Select[] = commaList(p, () => {
    const open = p.expect('lparen');
    const exprs = commaList(p, parseExpression);
    p.expect('rparen');
    const items: SelectItem[] = exprs.map((expr) => ({ kind: 'expression', expr, alias: null, start: expr.start, end: expr.end }));
    return { kind: 'select', distinct: false, top: null, items, into: null, from: [], where: null, groupBy: [], having: null, start: open.start, end: p.lastEnd() };
  });
  const uneven = rows.find((row) => row.items.length !== rows[0]!.items.length);
  if (uneven) p.error(10709, 1, 'The number of columns for each row in a table value constructor must be the same.', uneven, 16);
  const unionAll = (from: number, to: number): QueryBody => {
    if (to - from === 1) return rows[from]!;
    const middle = (from + to) >> 1;
    const left = unionAll(from, middle);
    const right = unionAll(middle, to);
    return { kind: 'setOperation', op: 'UNION ALL', left, right, start: left.start, end: right.end };
  };
  return { kind: 'query', ctes: [], body: unionAll(0, rows.length), orderBy: [], offset: null, fetch: null, start, end: p.lastEnd() };
}

/** [AS] alias, and table hints (WITH (NOLOCK)). */
function tableAlias(p: Parser): Identifier | null {
  const alias = aliasName(p);
  skipTableHints(p);
  return alias;
}

function aliasName(p: Parser): Identifier | null {
  if (p.acceptWord('AS')) return p.identifier();
  return p.isIdentifier() ? p.identifier() : null;
}

/** Table hints (WITH (NOLOCK)) choose locks and plans, not answers. */
function skipTableHints(p: Parser): void {
  if (p.isWord('WITH') && p.isKind('lparen', 1)) {
    p.next();
    skipBalanced(p);
  }
}

/** TABLESAMPLE [SYSTEM] (n [PERCENT | ROWS]) [REPEATABLE (seed)]. */
function tableSample(p: Parser): TableSample {
  const start = p.expectWord('TABLESAMPLE').start;
  p.acceptWord('SYSTEM');
  p.expect('lparen');
  const amount = parseExpression(p);
  let unit: TableSample['unit'] = 'PERCENT';
  if (p.acceptWord('ROWS')) unit = 'ROWS';
  else p.acceptWord('PERCENT');
  p.expect('rparen');
  let seed: Expression | null = null;
  if (p.acceptWord('REPEATABLE')) {
    p.expect('lparen');
    seed = parseExpression(p);
    p.expect('rparen');
  }
  return { amount, unit, seed, start, end: p.lastEnd() };
}
