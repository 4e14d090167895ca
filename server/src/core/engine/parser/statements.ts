// Statement lists and the statement dispatcher, with the control-of-flow and session statements
// (DECLARE, SET, PRINT, IF, WHILE, BEGIN...END, TRY/CATCH, RETURN, THROW, RAISERROR, USE,
// transactions). DDL, DML, security and server statements live in their own files.
import type { Token } from '../../tsql/lexer';
import type {
  AssignmentOperator,
  CommonTableExpression,
  Expression,
  Identifier,
  ObjectName,
  Select,
  SelectItem,
  SetOptionStatement,
  Statement,
  TableSource,
  VariableDeclaration,
  VariableRef,
} from '../ast';
import { declaresCursor, parseCursorAction, parseDeclareCursor, parseFetch } from './cursors';
import { parseAlter, parseCreate, parseDrop } from './ddl';
import { parseDelete, parseInsert, parseMerge, parseTruncate, parseUpdate } from './dml';
import { parseExecute, parseProcedureCall } from './execute';
import { commaList, parseCondition, parseExpression } from './expressions';
import { RESERVED } from './keywords';
import { parseDataType, parseObjectName } from './names';
import { ParseStop, type Parser } from './parser';
import { commonTableExpressions, isAssignmentOperator, parseQuery, startsQuery } from './query';
import { parsePermission, parseRevert } from './security';
import { parseReconfigure } from './server';
import { parseTableDefinition } from './tables';
import { skipToStatementEnd, skipUnsupported } from './unsupported';

/**
 * Statements up to the end of the tokens, or up to END when `inBlock`. A syntax error is recorded
 * and parsing resumes at the next statement, so one batch reports every broken statement.
 */
export function parseStatementList(p: Parser, inBlock: boolean, firstInBatch = false): Statement[] {
  const statements: Statement[] = [];
  let first = firstInBatch;
  while (!p.atEnd()) {
    if (p.accept('semicolon')) continue;
    if (inBlock && p.isWord('END')) break;
    const startPos = p.pos;
    try {
      statements.push(parseStatement(p, first));
    } catch (e) {
      if (!(e instanceof ParseStop) || e.fatal) throw e;
      p.errors.push(e.error);
      if (p.pos <= startPos) p.pos = startPos + 1;
      skipToStatementEnd(p);
      if (!inBlock && p.isWord('END')) p.next();
    }
    first = false;
  }
  return statements;
}

/** One statement; `first` is whether it begins its batch (bare procedure calls, CREATE PROCEDURE). */
function parseStatement(p: Parser, first = false): Statement {
  const t = p.peek();
  if (!t) return p.fail();
  const startPos = p.pos;
  const word = p.word();
  if (t.kind === 'lparen' && startsQuery(p, 0)) return selectStatement(p);
  if (t.kind !== 'word') {
    if (first && t.kind === 'quotedIdent') return parseProcedureCall(p, t.start);
    return p.fail();
  }
  if (p.isOp(':', 1) && !RESERVED.has(word)) return skipUnsupported(p, startPos, 'GOTO labels', 'statement');
  switch (word) {
    case 'SELECT':
      return selectStatement(p);
    case 'WITH':
      return withStatement(p);
    case 'INSERT':
      return parseInsert(p);
    case 'UPDATE':
      return parseUpdate(p);
    case 'DELETE':
      return parseDelete(p);
    case 'TRUNCATE':
      return parseTruncate(p);
    case 'MERGE':
      return parseMerge(p);
    case 'DECLARE':
      return declare(p);
    case 'SET':
      return setStatement(p);
    case 'PRINT': {
      p.next();
      const value = parseExpression(p);
      return { kind: 'print', value, start: t.start, end: value.end };
    }
    case 'IF':
      return ifStatement(p);
    case 'WHILE': {
      p.next();
      const condition = parseCondition(p);
      const body = p.nested(() => parseStatement(p));
      return { kind: 'while', condition, body, start: t.start, end: body.end };
    }
    case 'BEGIN':
      return begin(p);
    case 'BREAK':
    case 'CONTINUE':
      p.next();
      return { kind: word === 'BREAK' ? 'break' : 'continue', start: t.start, end: t.end };
    case 'RETURN': {
      p.next();
      const value = startsValue(p) ? parseExpression(p) : null;
      return { kind: 'return', value, start: t.start, end: p.lastEnd() };
    }
    case 'WAITFOR':
      p.next();
      if (!p.acceptWord('DELAY')) return skipUnsupported(p, startPos, `WAITFOR ${p.word() || '(...)'}`, 'statement');
      return { kind: 'waitFor', delay: parseExpression(p), start: t.start, end: p.lastEnd() };
    case 'THROW':
      return throwStatement(p);
    case 'RAISERROR':
      return raiserror(p);
    case 'COMMIT':
    case 'ROLLBACK':
    case 'SAVE':
      return transaction(p);
    case 'USE': {
      p.next();
      const database = p.identifier();
      return { kind: 'use', database, start: t.start, end: database.end };
    }
    case 'CREATE':
      return parseCreate(p, first);
    case 'ALTER':
      return parseAlter(p, first);
    case 'DROP':
      return parseDrop(p);
    case 'EXEC':
    case 'EXECUTE':
      return parseExecute(p);
    case 'GRANT':
    case 'DENY':
    case 'REVOKE':
      return parsePermission(p);
    case 'REVERT':
      return parseRevert(p);
    case 'RECONFIGURE':
      return parseReconfigure(p);
    case 'GOTO':
      return skipUnsupported(p, startPos, 'GOTO', 'statement');
    case 'OPEN':
    case 'CLOSE':
    case 'DEALLOCATE':
      return parseCursorAction(p);
    case 'FETCH':
      return parseFetch(p);
    case 'BACKUP':
    case 'RESTORE':
    case 'DBCC':
    case 'KILL':
    case 'CHECKPOINT':
    case 'SHUTDOWN':
    case 'BULK':
    case 'READTEXT':
    case 'WRITETEXT':
    case 'UPDATETEXT':
    case 'SETUSER':
      return skipUnsupported(p, startPos, `The ${word} statement`, 'statement');
  }
  // A procedure named first in a batch runs without EXEC, as in SQL Server.
  if (first && !RESERVED.has(word)) return parseProcedureCall(p, t.start);
  return p.fail();
}

function selectStatement(p: Parser): Statement {
  const query = parseQuery(p);
  return { kind: 'select', query, start: query.start, end: query.end };
}

/**
 * WITH ... SELECT; WITH ... INSERT ... SELECT (the CTEs belong to the INSERT's query); WITH ...
 * MERGE ... USING cte (the source becomes a derived table that carries them); WITH ... UPDATE and
 * WITH ... DELETE (the statement carries them, for its FROM, SET and WHERE).
 */
function withStatement(p: Parser): Statement {
  const withToken = p.peek()!;
  const ctes = commonTableExpressions(p);
  if (p.isWord('INSERT')) {
    const insert = parseInsert(p);
    if (insert.kind !== 'insert' || insert.source.kind !== 'query') return p.unsupported('A WITH clause before INSERT ... VALUES or EXEC', withToken);
    const query = insert.source.query;
    return { ...insert, source: { ...insert.source, query: { ...query, ctes: [...ctes, ...query.ctes] } }, start: withToken.start };
  }
  if (p.isWord('MERGE')) {
    const merge = parseMerge(p);
    if (merge.kind !== 'merge') return merge;
    return { ...merge, source: sourceWithCtes(p, merge.source, ctes, withToken), start: withToken.start };
  }
  if (p.isWord('UPDATE') || p.isWord('DELETE')) {
    const statement = p.isWord('UPDATE') ? parseUpdate(p) : parseDelete(p);
    if (statement.kind !== 'update' && statement.kind !== 'delete') return statement;
    return { ...statement, ctes, start: withToken.start };
  }
  const query = parseQuery(p, ctes);
  return { kind: 'select', query, start: withToken.start, end: query.end };
}

/** A MERGE source named after a CTE, or a derived table, as a derived table whose query has the CTEs. */
function sourceWithCtes(p: Parser, source: TableSource, ctes: CommonTableExpression[], at: Token): TableSource {
  if (source.kind === 'derived') return { ...source, query: { ...source.query, ctes: [...ctes, ...source.query.ctes] } };
  if (source.kind !== 'table') return p.unsupported('A WITH clause before a MERGE whose source is not a table or a derived table', at);
  const span = { start: source.start, end: source.end };
  const star: SelectItem = { kind: 'expression', expr: { kind: 'star', qualifier: [], ...span }, alias: null, ...span };
  const body: Select = { kind: 'select', distinct: false, top: null, items: [star], into: null, from: [{ ...source, alias: null }], where: null, groupBy: [], having: null, ...span };
  const alias = source.alias ?? source.name.name;
  return { kind: 'derived', query: { kind: 'query', ctes, body, orderBy: [], offset: null, fetch: null, ...span }, alias, columns: [], ...span };
}

/** Could a RETURN value or THROW argument begin here (rather than the next statement)? */
function startsValue(p: Parser): boolean {
  const t = p.peek();
  if (!t) return false;
  switch (t.kind) {
    case 'number':
    case 'string':
    case 'binary':
    case 'variable':
    case 'systemVariable':
    case 'lparen':
    case 'quotedIdent':
      return true;
    case 'operator':
      return ['-', '+', '~', '$'].includes(p.op());
    case 'word': {
      const word = p.word();
      if (['NULL', 'CASE', 'CAST', 'CONVERT', 'TRY_CONVERT', 'COALESCE', 'NULLIF', 'LEFT', 'RIGHT'].includes(word)) return true;
      return !RESERVED.has(word) && word !== 'THROW';
    }
    default:
      return false;
  }
}

function declare(p: Parser): Statement {
  const start = p.next().start;
  if (declaresCursor(p)) return parseDeclareCursor(p, start);
  const variables = commaList(p, (): VariableDeclaration => {
    const t = p.expect('variable');
    const name = p.variableAt(t);
    p.acceptWord('AS');
    if (p.isWord('CURSOR')) p.unsupported('A cursor variable', p.peek()!);
    if (p.acceptWord('TABLE')) {
      const definition = parseTableDefinition(p);
      return { kind: 'table', name, definition, start: t.start, end: p.lastEnd() };
    }
    const type = parseDataType(p);
    const value = p.acceptOp('=') ? parseExpression(p) : null;
    return { kind: 'scalar', name, type, value, start: t.start, end: p.lastEnd() };
  });
  return { kind: 'declare', variables, start, end: p.lastEnd() };
}

function setStatement(p: Parser): Statement {
  const start = p.next().start;
  const v = p.peek();
  if (v?.kind === 'variable') {
    p.next();
    const variable = p.variableAt(v);
    if (!isAssignmentOperator(p.op())) p.fail();
    const op = p.slice(p.next()) as AssignmentOperator;
    if (p.isWord('CURSOR')) p.unsupported('A cursor variable', p.peek()!);
    const value = parseExpression(p);
    return { kind: 'setVariable', variable, op, value, start, end: value.end };
  }
  return setOption(p, start);
}

/** SET NOCOUNT ON, SET A, B OFF, SET DATEFORMAT dmy, SET TRANSACTION ISOLATION LEVEL ..., SET IDENTITY_INSERT t ON. */
function setOption(p: Parser, start: number): SetOptionStatement {
  const optionWord = (): string => {
    const t = p.expect('word');
    const word = p.slice(t).toUpperCase();
    return word === 'STATISTICS' ? `${word} ${p.slice(p.expect('word')).toUpperCase()}` : word;
  };
  const first = optionWord();
  let table: ObjectName | null = null;
  let value: string;
  if (first === 'TRANSACTION') {
    p.expectWord('ISOLATION');
    p.expectWord('LEVEL');
    const words: string[] = [];
    while (['READ', 'UNCOMMITTED', 'COMMITTED', 'REPEATABLE', 'SNAPSHOT', 'SERIALIZABLE'].includes(p.word())) words.push(p.slice(p.next()).toUpperCase());
    if (words.length === 0) p.fail();
    return { kind: 'setOption', options: ['TRANSACTION ISOLATION LEVEL'], value: words.join(' '), table, start, end: p.lastEnd() };
  }
  const options = [first];
  if (first === 'IDENTITY_INSERT') table = parseObjectName(p);
  while (p.accept('comma')) options.push(optionWord());
  if (p.isWord('ON') || p.isWord('OFF')) value = p.word();
  else {
    const negative = p.isOp('-') ? p.next() : null;
    const t = p.peek();
    if (!t || !['number', 'string', 'variable', 'word', 'quotedIdent', 'binary'].includes(t.kind) || (negative && t.kind !== 'number')) return p.fail();
    value = (negative ? '-' : '') + (t.kind === 'quotedIdent' || t.kind === 'string' ? p.nearText(t) : p.slice(t));
    if (options.length > 1) p.fail(t);
  }
  p.next();
  return { kind: 'setOption', options, value, table, start, end: p.lastEnd() };
}

function ifStatement(p: Parser): Statement {
  const start = p.next().start;
  const condition = parseCondition(p);
  const then = p.nested(() => parseStatement(p));
  if (p.isKind('semicolon') && p.isWord('ELSE', 1)) p.next();
  const otherwise = p.acceptWord('ELSE') ? p.nested(() => parseStatement(p)) : null;
  return { kind: 'if', condition, then, else: otherwise, start, end: p.lastEnd() };
}

function begin(p: Parser): Statement {
  const startPos = p.pos;
  const start = p.next().start;
  const word = p.word();
  if (word === 'TRAN' || word === 'TRANSACTION') {
    p.next();
    return { kind: 'transaction', action: 'begin', name: transactionName(p), start, end: p.lastEnd() };
  }
  if (word === 'DISTRIBUTED') return skipUnsupported(p, startPos, 'Distributed transactions', 'statement');
  if (word === 'DIALOG' || word === 'CONVERSATION') return skipUnsupported(p, startPos, 'Service Broker', 'statement');
  if (word === 'TRY') {
    p.next();
    const tryPart = p.nested(() => parseStatementList(p, true));
    p.expectWord('END');
    p.expectWord('TRY');
    p.expectWord('BEGIN');
    p.expectWord('CATCH');
    const catchPart = p.nested(() => parseStatementList(p, true));
    p.expectWord('END');
    p.expectWord('CATCH');
    return { kind: 'tryCatch', try: tryPart, catch: catchPart, start, end: p.lastEnd() };
  }
  const errorsBefore = p.errors.length;
  const statements = p.nested(() => parseStatementList(p, true));
  // BEGIN END with nothing inside is a syntax error in SQL Server.
  if (statements.length === 0 && p.errors.length === errorsBefore) p.fail();
  p.expectWord('END');
  return { kind: 'block', statements, start, end: p.lastEnd() };
}

/** A transaction or savepoint name: a name or a variable, when one follows on the statement. */
function transactionName(p: Parser): Identifier | VariableRef | null {
  const t = p.peek();
  if (t?.kind === 'variable') {
    return p.variableAt(p.next());
  }
  if (p.isIdentifier() && p.word() !== 'THROW') return p.identifier();
  return null;
}

function transaction(p: Parser): Statement {
  const t = p.next();
  const word = p.slice(t).toUpperCase();
  const action = word === 'COMMIT' ? 'commit' : word === 'ROLLBACK' ? 'rollback' : 'save';
  const kindWord = p.word();
  if (kindWord === 'TRAN' || kindWord === 'TRANSACTION' || (action !== 'save' && kindWord === 'WORK')) p.next();
  else if (action === 'save') p.fail();
  const name = kindWord === 'WORK' ? null : transactionName(p);
  if (action === 'save' && !name) p.fail();
  return { kind: 'transaction', action, name, start: t.start, end: p.lastEnd() };
}

function throwStatement(p: Parser): Statement {
  const start = p.next().start;
  if (!startsValue(p)) return { kind: 'throw', error: null, start, end: p.lastEnd() };
  const number = parseExpression(p);
  p.expect('comma');
  const message = parseExpression(p);
  p.expect('comma');
  const state = parseExpression(p);
  return { kind: 'throw', error: { number, message, state }, start, end: p.lastEnd() };
}

function raiserror(p: Parser): Statement {
  const startPos = p.pos;
  const start = p.next().start;
  if (!p.isKind('lparen')) return skipUnsupported(p, startPos, 'RAISERROR without parentheses', 'statement');
  p.next();
  const message = parseExpression(p);
  p.expect('comma');
  const severity = parseExpression(p);
  p.expect('comma');
  const state = parseExpression(p);
  const args: Expression[] = [];
  while (p.accept('comma')) args.push(parseExpression(p));
  p.expect('rparen');
  const options: string[] = [];
  if (p.acceptWord('WITH')) {
    for (;;) {
      const word = p.word();
      if (word !== 'NOWAIT' && word !== 'LOG' && word !== 'SETERROR') p.fail();
      options.push(word);
      p.next();
      if (!p.accept('comma')) break;
    }
  }
  return { kind: 'raiserror', message, severity, state, args, options, start, end: p.lastEnd() };
}
