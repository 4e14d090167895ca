// INSERT, UPDATE, DELETE, MERGE and TRUNCATE TABLE.
import type {
  ColumnRef,
  DefaultValue,
  Expression,
  Identifier,
  InsertSource,
  MergeAction,
  MergeClause,
  ObjectName,
  OutputClause,
  Statement,
  UpdateAssignment,
  VariableRef,
} from '../ast';
import { parseExecuteSource } from './execute';
import { commaList, parseCondition, parseExpression } from './expressions';
import { parseObjectName } from './names';
import type { Parser } from './parser';
import { identifierList, isAssignmentOperator, parseQuery, parseTableSource, selectItem, skipBalanced, startsQuery } from './query';

/** INSERT [INTO] target [(columns)] {VALUES (...), ... | query | EXEC ... | DEFAULT VALUES}. */
export function parseInsert(p: Parser): Statement {
  const start = p.next().start;
  if (p.isWord('TOP')) p.unsupported('INSERT TOP', p.peek()!);
  p.acceptWord('INTO');
  const target = dmlTarget(p);
  const columns = p.isKind('lparen') && !startsQuery(p, 0) ? identifierList(p) : [];
  const output = outputClause(p);
  const source = insertSource(p);
  return { kind: 'insert', target, columns, output, source, start, end: p.lastEnd() };
}

function insertSource(p: Parser): InsertSource {
  const t = p.peek();
  if (!t) return p.fail();
  if (p.acceptWord('VALUES')) {
    const rows = commaList(p, () => {
      p.expect('lparen');
      const row = commaList(p, valueOrDefault);
      p.expect('rparen');
      return row;
    });
    return { kind: 'values', rows, start: t.start, end: p.lastEnd() };
  }
  if (p.isWord('DEFAULT') && p.isWord('VALUES', 1)) {
    p.pos += 2;
    return { kind: 'defaultValues', start: t.start, end: p.lastEnd() };
  }
  if (p.isWord('EXEC') || p.isWord('EXECUTE')) {
    const statement = parseExecuteSource(p);
    return { kind: 'execute', statement, start: t.start, end: p.lastEnd() };
  }
  if (p.isWord('SELECT') || p.isWord('WITH') || startsQuery(p, 0)) {
    const query = parseQuery(p);
    return { kind: 'query', query, start: t.start, end: p.lastEnd() };
  }
  return p.fail();
}

function valueOrDefault(p: Parser): Expression | DefaultValue {
  const t = p.peek();
  if (t && p.isWord('DEFAULT')) {
    p.next();
    return { kind: 'default', start: t.start, end: t.end };
  }
  return parseExpression(p);
}

/** A table, a view, a table variable, or an alias defined in FROM; table hints are skipped. */
function dmlTarget(p: Parser): ObjectName | VariableRef {
  const t = p.peek();
  if (!t) return p.fail();
  let target: ObjectName | VariableRef;
  if (t.kind === 'variable') {
    target = p.variableAt(p.next());
  } else {
    if (['OPENQUERY', 'OPENROWSET', 'OPENDATASOURCE'].includes(p.word())) p.unsupported(`The ${p.word()} function`, t);
    target = parseObjectName(p);
  }
  if (p.isWord('WITH') && p.isKind('lparen', 1)) {
    p.next();
    skipBalanced(p);
  }
  return target;
}

/** UPDATE target SET column = value, ... [FROM ...] [WHERE ...]. */
export function parseUpdate(p: Parser): Statement {
  const start = p.next().start;
  if (p.isWord('TOP')) p.unsupported('UPDATE TOP', p.peek()!);
  const target = dmlTarget(p);
  p.expectWord('SET');
  const assignments = commaList(p, updateAssignment);
  const output = outputClause(p);
  const from = p.acceptWord('FROM') ? commaList(p, parseTableSource) : [];
  const where = whereClause(p);
  skipOption(p);
  return { kind: 'update', ctes: [], target, assignments, output, from, where, start, end: p.lastEnd() };
}

function updateAssignment(p: Parser): UpdateAssignment {
  const t = p.peek();
  if (!t) return p.fail();
  let target: ColumnRef | VariableRef;
  if (t.kind === 'variable') {
    target = p.variableAt(p.next());
  } else {
    const parts = [p.identifier()];
    while (p.accept('dot')) parts.push(p.identifier());
    if (p.isKind('lparen')) p.unsupported('Column methods (.WRITE)', p.peek()!);
    target = { kind: 'column', parts, start: t.start, end: p.lastEnd() };
  }
  if (!isAssignmentOperator(p.op())) p.fail();
  const op = p.slice(p.next()) as UpdateAssignment['op'];
  if (target.kind === 'variable' && p.isIdentifier() && p.isOp('=', 1)) p.unsupported('SET @variable = column = value', target);
  const value = valueOrDefault(p);
  return { target, op, value, start: t.start, end: p.lastEnd() };
}

/** DELETE [FROM] target [FROM ...] [WHERE ...]. */
export function parseDelete(p: Parser): Statement {
  const start = p.next().start;
  if (p.isWord('TOP')) p.unsupported('DELETE TOP', p.peek()!);
  p.acceptWord('FROM');
  const target = dmlTarget(p);
  const output = outputClause(p);
  const from = p.acceptWord('FROM') ? commaList(p, parseTableSource) : [];
  const where = whereClause(p);
  skipOption(p);
  return { kind: 'delete', ctes: [], target, output, from, where, start, end: p.lastEnd() };
}

/** OUTPUT item, ... [INTO target [(columns)]], one clause (a second, for the client beside INTO, is not run). */
function outputClause(p: Parser): OutputClause | null {
  const word = p.acceptWord('OUTPUT');
  if (!word) return null;
  const items = commaList(p, () => {
    const item = selectItem(p);
    return item.kind === 'expression' ? item : p.fail(p.tokenAfter(item.variable.end));
  });
  let into: OutputClause['into'] = null;
  const intoWord = p.acceptWord('INTO');
  if (intoWord) {
    const target = dmlTarget(p);
    const columns = p.isKind('lparen') && !startsQuery(p, 0) ? identifierList(p) : [];
    into = { target, columns, start: intoWord.start, end: p.lastEnd() };
  }
  if (p.isWord('OUTPUT')) p.unsupported('A second OUTPUT clause', p.peek()!);
  return { items, into, start: word.start, end: p.lastEnd() };
}

/**
 * MERGE [TOP] [INTO] target [[AS] alias] USING source ON condition, then its WHEN clauses: WHEN
 * MATCHED [AND ...] THEN UPDATE SET ... | DELETE, WHEN NOT MATCHED [BY TARGET] [AND ...] THEN
 * INSERT ..., WHEN NOT MATCHED BY SOURCE [AND ...] THEN UPDATE SET ... | DELETE. SQL Server wants
 * the ';' that ends it (Msg 10713).
 */
export function parseMerge(p: Parser): Statement {
  const start = p.next().start;
  if (p.isWord('TOP')) p.unsupported('MERGE TOP', p.peek()!);
  p.acceptWord('INTO');
  const target = dmlTarget(p);
  const alias = p.acceptWord('AS') || (p.isIdentifier() && !p.isWord('USING')) ? p.identifier() : null;
  p.expectWord('USING');
  const source = parseTableSource(p);
  p.expectWord('ON');
  const on = parseCondition(p);
  const clauses: MergeClause[] = [];
  while (p.isWord('WHEN')) clauses.push(mergeClause(p));
  if (clauses.length === 0) p.fail();
  if (p.isWord('OUTPUT')) p.unsupported('The OUTPUT clause', p.peek()!);
  skipOption(p);
  if (!p.isKind('semicolon')) p.error(10713, 1, 'A MERGE statement must be terminated by a semi-colon (;).', p.peek() ?? { start: p.lastEnd(), end: p.lastEnd() });
  return { kind: 'merge', target, alias, source, on, clauses, start, end: p.lastEnd() };
}

function mergeClause(p: Parser): MergeClause {
  const start = p.next().start;
  let when: MergeClause['when'] = 'MATCHED';
  if (p.acceptWord('NOT')) {
    p.expectWord('MATCHED');
    when = 'NOT MATCHED BY TARGET';
    if (p.acceptWord('BY')) {
      if (p.acceptWord('SOURCE')) when = 'NOT MATCHED BY SOURCE';
      else p.expectWord('TARGET');
    }
  } else p.expectWord('MATCHED');
  const condition = p.acceptWord('AND') ? parseCondition(p) : null;
  p.expectWord('THEN');
  const action = mergeAction(p, when);
  return { when, condition, action, start, end: p.lastEnd() };
}

/** UPDATE SET ... and DELETE where rows matched or are only in the target; INSERT where they are only in the source. */
function mergeAction(p: Parser, when: MergeClause['when']): MergeAction {
  if (when === 'NOT MATCHED BY TARGET') {
    p.expectWord('INSERT');
    const columns: Identifier[] = p.isKind('lparen') ? identifierList(p) : [];
    if (p.isWord('DEFAULT') && p.isWord('VALUES', 1)) {
      p.pos += 2;
      return { kind: 'insert', columns, values: null };
    }
    p.expectWord('VALUES');
    p.expect('lparen');
    const values = commaList(p, valueOrDefault);
    p.expect('rparen');
    return { kind: 'insert', columns, values };
  }
  if (p.acceptWord('DELETE')) return { kind: 'delete' };
  p.expectWord('UPDATE');
  p.expectWord('SET');
  return { kind: 'update', assignments: commaList(p, updateAssignment) };
}

function whereClause(p: Parser): Expression | null {
  if (!p.acceptWord('WHERE')) return null;
  if (p.isWord('CURRENT') && p.isWord('OF', 1)) p.unsupported('A positioned UPDATE or DELETE (WHERE CURRENT OF)', p.peek()!);
  return parseCondition(p);
}

/** OPTION (...) query hints: plans, not answers. */
function skipOption(p: Parser): void {
  if (p.isWord('OPTION') && p.isKind('lparen', 1)) {
    p.next();
    skipBalanced(p);
  }
}

export function parseTruncate(p: Parser): Statement {
  const start = p.next().start;
  p.expectWord('TABLE');
  const table = parseObjectName(p);
  return { kind: 'truncate', table, start, end: p.lastEnd() };
}
