// EXEC / EXECUTE: procedure calls (sp_execute_external_script, sp_configure, sp_addrolemember,
// user procedures) with named, positional, DEFAULT and OUTPUT arguments and WITH RESULT SETS;
// dynamic SQL EXEC ('...'); EXECUTE AS.
import { decodeString } from '../../tsql/literals';
import type {
  DefaultValue,
  ExecuteArgument,
  ExecuteStatement,
  ExecuteStringStatement,
  Expression,
  ObjectName,
  ResultSetDefinition,
  ResultSetsClause,
  Statement,
  VariableRef,
} from '../ast';
import { commaList, parseExpression } from './expressions';
import { RESERVED } from './keywords';
import { numberLiteral, parseDataType, parseObjectName } from './names';
import type { Parser } from './parser';
import { parseExecuteAs } from './security';

/** EXEC ...: a procedure call, dynamic SQL, or EXECUTE AS. */
export function parseExecute(p: Parser): Statement {
  const start = p.next().start;
  if (p.acceptWord('AS')) return parseExecuteAs(p, start);
  if (p.isKind('lparen')) return executeString(p, start);
  return procedureCall(p, start);
}

/** A procedure named first in a batch, without EXEC. */
export function parseProcedureCall(p: Parser, start: number): ExecuteStatement {
  return procedureCall(p, start);
}

/** The `EXEC ...` of INSERT ... EXEC. */
export function parseExecuteSource(p: Parser): ExecuteStatement | ExecuteStringStatement {
  const start = p.next().start;
  if (p.isKind('lparen')) return executeString(p, start);
  return procedureCall(p, start);
}

function executeString(p: Parser, start: number): ExecuteStringStatement {
  p.next();
  const parts: Expression[] = [];
  const flatten = (e: Expression): void => {
    if (e.kind === 'binaryOp' && e.op === '+') {
      flatten(e.left);
      flatten(e.right);
    } else parts.push(e);
  };
  flatten(parseExpression(p));
  p.expect('rparen');
  if (p.isWord('AS') || p.isWord('AT')) p.unsupported(`EXEC (...) ${p.word()}`, p.peek()!);
  return { kind: 'executeString', parts, start, end: p.lastEnd() };
}

function procedureCall(p: Parser, start: number): ExecuteStatement {
  let returnVariable: VariableRef | null = null;
  if (p.isKind('variable') && p.isOp('=', 1)) {
    returnVariable = p.variableAt(p.next());
    p.next();
  }
  let procedure: ObjectName | VariableRef;
  if (p.isKind('variable')) procedure = p.variableAt(p.next());
  else procedure = parseObjectName(p);
  if (p.isKind('semicolon') && p.isKind('number', 1)) p.unsupported('Numbered procedures', p.peek()!);
  const args = startsArgument(p) ? commaList(p, argument) : [];
  let resultSets: ResultSetsClause | null = null;
  let recompile = false;
  if (p.acceptWord('WITH')) {
    for (;;) {
      if (p.acceptWord('RECOMPILE')) recompile = true;
      else resultSets = resultSetsClause(p);
      if (!p.accept('comma')) break;
    }
  }
  return { kind: 'execute', returnVariable, procedure, args, resultSets, recompile, start, end: p.lastEnd() };
}


/** Does an argument begin here, rather than the next statement? */
function startsArgument(p: Parser): boolean {
  const t = p.peek();
  if (!t) return false;
  switch (t.kind) {
    case 'variable':
    case 'string':
    case 'number':
    case 'binary':
    case 'quotedIdent':
      return true;
    case 'operator':
      return (p.isOp('-') || p.isOp('+') || p.isOp('$')) && p.isKind('number', 1);
    case 'word':
      return p.isWord('DEFAULT') || p.isWord('NULL') || !RESERVED.has(p.word());
    default:
      return false;
  }
}

/** [@name =] {constant | @variable | DEFAULT | bare word} [OUTPUT | OUT]. */
function argument(p: Parser): ExecuteArgument {
  const first = p.peek();
  if (!first) return p.fail();
  let name: string | null = null;
  if (first.kind === 'variable' && p.isOp('=', 1)) {
    name = p.slice(first);
    p.pos += 2;
  }
  const value = argumentValue(p);
  const output = !!(p.acceptWord('OUTPUT') || p.acceptWord('OUT'));
  return { name, value, output, start: first.start, end: p.lastEnd() };
}

/**
 * Procedure arguments are constants or variables, not expressions. A bare word is taken as a
 * string, as SQL Server does: EXEC sp_addrolemember db_datareader, alice.
 */
function argumentValue(p: Parser): Expression | DefaultValue {
  const t = p.peek();
  if (!t) return p.fail();
  if (p.isWord('DEFAULT')) {
    p.next();
    return { kind: 'default', start: t.start, end: t.end };
  }
  if (t.kind === 'operator') {
    const sign = p.next();
    const n = p.expect('number');
    const money = p.slice(sign) === '$';
    const literal = numberLiteral(p, p.slice(n), money ? sign.start : n.start, n.end, money);
    if (p.slice(sign) !== '-') return literal;
    return { kind: 'unary', op: '-', operand: literal, start: sign.start, end: n.end };
  }
  if ((t.kind === 'word' && !p.isWord('NULL')) || t.kind === 'quotedIdent') {
    if (p.isKind('lparen', 1) || p.isKind('dot', 1)) p.fail(p.peek(1));
    p.next();
    return { kind: 'string', value: p.identifierAt(t).name, unicode: true, start: t.start, end: t.end };
  }
  if (t.kind === 'string') {
    p.next();
    return { kind: 'string', value: decodeString(p.text, t).text, unicode: !!t.unicode, start: t.start, end: t.end };
  }
  if (t.kind === 'number' || t.kind === 'binary' || t.kind === 'variable' || p.isWord('NULL')) {
    const value = parseExpression(p);
    if (value.kind === 'binaryOp') p.fail(p.tokenAfter(value.left.end));
    return value;
  }
  return p.fail();
}

/** RESULT SETS {UNDEFINED | NONE | ((column type [NULL | NOT NULL], ...), ...)}. */
function resultSetsClause(p: Parser): ResultSetsClause {
  const start = p.expectWord('RESULT').start;
  p.expectWord('SETS');
  if (p.acceptWord('UNDEFINED')) return { kind: 'undefined', start, end: p.lastEnd() };
  if (p.acceptWord('NONE')) return { kind: 'none', start, end: p.lastEnd() };
  p.expect('lparen');
  const sets = commaList(p, resultSetDefinition);
  p.expect('rparen');
  return { kind: 'sets', sets, start, end: p.lastEnd() };
}

function resultSetDefinition(p: Parser): ResultSetDefinition {
  if (p.isWord('AS')) p.unsupported(`RESULT SETS AS ${p.word(1) || '...'}`, p.peek()!);
  const start = p.expect('lparen').start;
  const columns = commaList(p, () => {
    const name = p.identifier();
    const type = parseDataType(p);
    if (p.acceptWord('COLLATE')) p.identifier();
    let nullable: boolean | null = null;
    if (p.acceptWord('NULL')) nullable = true;
    else if (p.isWord('NOT') && p.isWord('NULL', 1)) {
      p.pos += 2;
      nullable = false;
    }
    return { name, type, nullable, start: name.start, end: p.lastEnd() };
  });
  p.expect('rparen');
  return { columns, start, end: p.lastEnd() };
}
