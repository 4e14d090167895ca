// CREATE / ALTER VIEW and FUNCTION: views, scalar functions and inline table-valued functions.
// SQL Server requires them alone in their batch (Msg 111); their definition is the batch's text,
// which the executor keeps and parses again where they are used. Multi-statement table-valued
// functions (RETURNS @t TABLE ...) are valid T-SQL the instance does not run.
import type { CreateFunctionStatement, CreateViewStatement, FunctionBody, Identifier, ProcedureParameter, Statement } from '../ast';
import { commaList, parseExpression } from './expressions';
import { parseDataType, parseObjectName } from './names';
import type { Parser } from './parser';
import { parseQuery } from './query';
import { parseStatementList } from './statements';
import { skipUnsupported } from './unsupported';

type Mode = CreateViewStatement['mode'];

/** At VIEW (after CREATE, ALTER or CREATE OR ALTER). */
export function parseView(p: Parser, mode: Mode, keyword: { start: number; end: number }, first: boolean): CreateViewStatement {
  if (!first) p.error(111, 1, `'${mode === 'alter' ? 'ALTER' : 'CREATE'} VIEW' must be the first statement in a query batch.`, keyword);
  p.next();
  const name = parseObjectName(p);
  const columns: Identifier[] = [];
  if (p.accept('lparen')) {
    columns.push(...commaList(p, (q) => q.identifier()));
    p.expect('rparen');
  }
  if (p.acceptWord('WITH')) commaList(p, viewAttribute);
  p.expectWord('AS');
  const query = parseQuery(p);
  if (p.isWord('WITH') && p.isWord('CHECK', 1)) {
    p.pos += 2;
    p.expectWord('OPTION');
  }
  return { kind: 'createView', mode, name, columns, query, start: keyword.start, end: p.lastEnd() };
}

/** SCHEMABINDING, ENCRYPTION, VIEW_METADATA: accepted, they change nothing the instance shows. */
function viewAttribute(p: Parser): string {
  const word = p.word();
  if (word !== 'SCHEMABINDING' && word !== 'ENCRYPTION' && word !== 'VIEW_METADATA') p.fail();
  p.next();
  return word;
}

/** At FUNCTION (after CREATE, ALTER or CREATE OR ALTER). */
export function parseFunction(p: Parser, mode: Mode, keyword: { start: number; end: number }, first: boolean): Statement {
  if (!first) p.error(111, 1, `'${mode === 'alter' ? 'ALTER' : 'CREATE'} FUNCTION' must be the first statement in a query batch.`, keyword);
  const startPos = p.pos - 1;
  p.next();
  const name = parseObjectName(p);
  p.expect('lparen');
  const parameters = p.isKind('variable') ? commaList(p, functionParameter) : [];
  p.expect('rparen');
  p.expectWord('RETURNS');
  if (p.isKind('variable')) return skipUnsupported(p, startPos, 'A multi-statement table-valued function (RETURNS @table TABLE)', 'batch');
  let body: FunctionBody;
  if (p.acceptWord('TABLE')) {
    functionOptions(p);
    p.acceptWord('AS');
    const returnToken = p.expectWord('RETURN');
    // RETURN (SELECT ...) is a parenthesised query body, which parseQuery reads as such.
    const query = parseQuery(p);
    body = { kind: 'inline', query, start: returnToken.start, end: p.lastEnd() };
  } else {
    const returns = parseDataType(p);
    functionOptions(p);
    p.acceptWord('AS');
    if (p.isWord('EXTERNAL') && p.isWord('NAME', 1)) p.unsupported('CLR functions (EXTERNAL NAME)', p.peek()!);
    const begin = p.expectWord('BEGIN');
    const statements = p.nested(() => parseStatementList(p, true));
    p.expectWord('END');
    body = { kind: 'scalar', returns, statements, start: begin.start, end: p.lastEnd() };
  }
  // The definition is the whole batch: anything after the body is a syntax error.
  if (!p.atEnd() && !p.isKind('semicolon')) p.fail();
  while (p.accept('semicolon'));
  if (!p.atEnd()) p.fail();
  const statement: CreateFunctionStatement = { kind: 'createFunction', mode, name, parameters, body, start: keyword.start, end: p.lastEnd() };
  return statement;
}

/** WITH SCHEMABINDING, RETURNS NULL ON NULL INPUT, CALLED ON NULL INPUT, INLINE = ON|OFF, EXECUTE AS CALLER. */
function functionOptions(p: Parser): void {
  if (!p.acceptWord('WITH')) return;
  commaList(p, () => {
    const word = p.word();
    if (word === 'SCHEMABINDING' || word === 'ENCRYPTION') return p.next();
    if (word === 'INLINE') {
      p.next();
      p.expectOp('=');
      return p.next();
    }
    if (word === 'RETURNS' || word === 'CALLED') {
      if (word === 'RETURNS') {
        p.next();
        p.expectWord('NULL');
      } else p.next();
      p.expectWord('ON');
      p.expectWord('NULL');
      return p.expectWord('INPUT');
    }
    if ((word === 'EXECUTE' || word === 'EXEC') && p.isWord('AS', 1)) {
      const at = p.peek()!;
      p.pos += 2;
      if (!p.acceptWord('CALLER')) p.unsupported('A function WITH EXECUTE AS other than CALLER', at);
      return at;
    }
    return p.fail();
  });
}

function functionParameter(p: Parser): ProcedureParameter {
  const t = p.expect('variable');
  const name = { kind: 'variable' as const, name: p.slice(t), system: false, start: t.start, end: t.end };
  p.acceptWord('AS');
  const type = parseDataType(p);
  if (p.isWord('NULL')) p.next();
  else if (p.isWord('NOT') && p.isWord('NULL', 1)) p.pos += 2;
  const defaultValue = p.acceptOp('=') ? parseExpression(p) : null;
  const readonly = !!p.acceptWord('READONLY');
  return { name, type, default: defaultValue, output: false, readonly, start: t.start, end: p.lastEnd() };
}
