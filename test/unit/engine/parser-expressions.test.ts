// Expressions: T-SQL precedence, predicates, literals with their types, calls and special forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch } from '../../../server/src/core/engine/parser';
import type { Expression } from '../../../server/src/core/engine/ast';

/** The expression of `SELECT <e>` (or the WHERE condition of `SELECT 1 WHERE <e>`). */
function expr(text: string, condition = false): Expression {
  const sql = condition ? `SELECT 1 WHERE ${text}` : `SELECT ${text}`;
  const { statements, errors } = parseBatch(sql);
  assert.deepEqual(errors, [], sql);
  const s = statements[0]!;
  assert.ok(s.kind === 'select' && s.query.body.kind === 'select');
  const body = s.query.body;
  if (condition) return body.where!;
  const item = body.items[0]!;
  assert.ok(item.kind === 'expression');
  return item.expr;
}

/** A compact rendering that shows the tree's shape. */
function shape(e: Expression): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'null':
      return 'NULL';
    case 'variable':
      return e.name;
    case 'column':
      return e.parts.map((p) => p.name).join('.');
    case 'unary':
      return `(${e.op}${shape(e.operand)})`;
    case 'binaryOp':
    case 'comparison':
    case 'logical':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'not':
      return `(NOT ${shape(e.operand)})`;
    case 'isNull':
      return `(${shape(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${shape(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${shape(e.low)} AND ${shape(e.high)})`;
    case 'inList':
      return `(${shape(e.operand)} ${e.negated ? 'NOT ' : ''}IN ${e.list.map(shape).join(',')})`;
    case 'like':
      return `(${shape(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${shape(e.pattern)}${e.escape ? ` ESCAPE ${shape(e.escape)}` : ''})`;
    case 'call':
      return `${e.name.map((p) => p.name).join('.')}(${e.star ? '*' : ''}${e.distinct ? 'DISTINCT ' : ''}${e.args.map(shape).join(',')})`;
    case 'collate':
      return `(${shape(e.operand)} COLLATE ${e.collation.name})`;
    default:
      return e.kind;
  }
}

test('arithmetic precedence: * / % before + - & | ^, left to right, unary binds tightest', () => {
  assert.equal(shape(expr('1 + 2 * 3 - 4 / 2 % 3')), '((1 + (2 * 3)) - ((4 / 2) % 3))');
  assert.equal(shape(expr('a & b | c ^ d + 1')), '((((a & b) | c) ^ d) + 1)');
  assert.equal(shape(expr('-a * ~b + +c')), '(((-a) * (~b)) + (+c))');
  assert.equal(shape(expr("N'a' + name + 'b'")), "(('a' + name) + 'b')");
});

test('conditions: comparisons, NOT, AND before OR, and the predicates', () => {
  assert.equal(shape(expr('a = 1 OR b <> 2 AND NOT c > 3', true)), '((a = 1) OR ((b <> 2) AND (NOT (c > 3))))');
  assert.equal(shape(expr('a != 1 AND b !< 2 AND c !> 3', true)), '(((a <> 1) AND (b >= 2)) AND (c <= 3))');
  assert.equal(shape(expr('(a = 1 OR b = 2) AND c = 3', true)), '(((a = 1) OR (b = 2)) AND (c = 3))');
  assert.equal(shape(expr('a IS NOT NULL AND b IS NULL', true)), '((a IS NOT NULL) AND (b IS NULL))');
  assert.equal(shape(expr('a NOT BETWEEN 1 AND 2 + 3', true)), '(a NOT BETWEEN 1 AND (2 + 3))');
  assert.equal(shape(expr("a NOT IN (1, 'x', NULL)", true)), "(a NOT IN 1,'x',NULL)");
  assert.equal(shape(expr("name LIKE 'a!%%' ESCAPE '!'", true)), "(name LIKE 'a!%%' ESCAPE '!')");
  assert.equal(expr('EXISTS (SELECT 1 FROM t) AND a IN (SELECT a FROM u)', true).kind, 'logical');
});

test('literals carry the types SQL Server gives them', () => {
  const cases: [string, string, number, number][] = [
    ['42', 'int', 10, 0],
    ['2147483648', 'numeric', 10, 0],
    ['12.50', 'numeric', 4, 2],
    ['.5', 'numeric', 1, 1],
    ['1e3', 'float', 53, 0],
    ['$12.5', 'money', 19, 4],
  ];
  for (const [text, type, precision, scale] of cases) {
    const e = expr(text);
    assert.ok(e.kind === 'number', text);
    assert.deepEqual([e.type, e.precision, e.scale], [type, precision, scale], text);
  }
  const s = expr("N'it''s'");
  assert.ok(s.kind === 'string' && s.value === "it's" && s.unicode);
  const b = expr('0x1f');
  assert.ok(b.kind === 'binary' && b.hex === '1F');
  const v = expr('@@ROWCOUNT');
  assert.ok(v.kind === 'variable' && v.system);
});

test('CASE, CAST, CONVERT with a style, TRY_CAST and TRY_CONVERT', () => {
  const simple = expr("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END");
  assert.ok(simple.kind === 'case' && simple.operand !== null && simple.whens.length === 2 && simple.else !== null);
  const searched = expr("CASE WHEN x > 1 THEN 'big' END");
  assert.ok(searched.kind === 'case' && searched.operand === null && searched.whens[0]!.when.kind === 'comparison');
  const cast = expr('CAST(x AS decimal(10, 2))');
  assert.ok(cast.kind === 'cast' && cast.syntax === 'CAST' && cast.type.name === 'decimal' && cast.type.args.join() === '10,2');
  const convert = expr('CONVERT(varchar(10), d, 112)');
  assert.ok(convert.kind === 'cast' && convert.syntax === 'CONVERT' && convert.style?.kind === 'number');
  assert.ok(expr("TRY_CAST('x' AS int)").kind === 'cast');
  const tryConvert = expr("TRY_CONVERT(int, 'x')");
  assert.ok(tryConvert.kind === 'cast' && tryConvert.syntax === 'TRY_CONVERT');
  const dp = expr('CAST(1 AS double precision)');
  assert.ok(dp.kind === 'cast' && dp.type.name === 'float');
});

test('function calls: COUNT(*), DISTINCT, OVER, LEFT/RIGHT, niladic functions, schema-qualified, TRIM FROM', () => {
  assert.equal(shape(expr('COUNT(*)')), 'COUNT(*)');
  assert.equal(shape(expr('COUNT(DISTINCT a)')), 'COUNT(DISTINCT a)');
  const over = expr('ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC, d)');
  assert.ok(over.kind === 'call' && over.over?.partitionBy.length === 2 && over.over.orderBy.map((o) => o.descending).join() === 'true,false');
  assert.equal(shape(expr("LEFT(name, 2) + RIGHT(name, 1)")), '(LEFT(name,2) + RIGHT(name,1))');
  const now = expr('CURRENT_TIMESTAMP');
  assert.ok(now.kind === 'call' && now.niladic && now.args.length === 0);
  assert.equal(shape(expr("sys.fn_helper(1, 'x')")), "sys.fn_helper(1,'x')");
  assert.equal(shape(expr("TRIM('x' FROM name)")), "TRIM(name,'x')");
  assert.equal(shape(expr("DATEADD(day, 1, d)")), 'DATEADD(day,1,d)');
  assert.ok(expr('IIF(a > 1, 1, 0)').kind === 'call');
});

test('scalar subqueries, nested parentheses and COLLATE (binding to the value before it)', () => {
  const sub = expr('(SELECT MAX(a) FROM t) + 1');
  assert.ok(sub.kind === 'binaryOp' && sub.left.kind === 'subquery');
  assert.equal(shape(expr('((((1))))')), '1');
  assert.equal(shape(expr("name COLLATE Latin1_General_CS_AS = 'X'", true)), "((name COLLATE Latin1_General_CS_AS) = 'X')");
  assert.equal(shape(expr("name = 'X' COLLATE Latin1_General_BIN2", true)), "(name = ('X' COLLATE Latin1_General_BIN2))");
});

test('expression nodes span exactly their text', () => {
  const text = 'SELECT  a + b * 3  AS x';
  const { statements } = parseBatch(text);
  const s = statements[0]!;
  assert.ok(s.kind === 'select' && s.query.body.kind === 'select');
  const item = s.query.body.items[0]!;
  assert.ok(item.kind === 'expression' && item.expr.kind === 'binaryOp');
  assert.equal(text.slice(item.expr.start, item.expr.end), 'a + b * 3');
  assert.equal(text.slice(item.expr.right.start, item.expr.right.end), 'b * 3');
  assert.equal(text.slice(item.start, item.end), 'a + b * 3  AS x');
});
