// CREATE / ALTER / DROP: databases, schemas, tables and procedures here; principals, resource
// pools and external languages are handed to security.ts and server.ts.
import type { AlterTableStatement, CreateProcedureStatement, Identifier, ObjectName, ProcedureParameter, Statement } from '../ast';
import { commaList, parseExpression } from './expressions';
import { parseDataType, parseObjectName } from './names';
import type { Parser } from './parser';
import { parseAlterLogin, parseAlterRole, parseCreateLogin, parseCreateRole, parseCreateUser } from './security';
import { parseAlterExternal, parseAlterResourceGovernor, parseCreateExternal, parseDropExternal, parseResourcePool, parseWorkloadGroup } from './server';
import { parseStatementList } from './statements';
import { parseFunction, parseView } from './modules';
import { columnDefinition, parseCreateTable, TABLE_CONSTRAINT_WORDS } from './tables';
import { skipUnsupported } from './unsupported';

/** Statements SQL Server requires alone in their batch; the rest of the batch is their body. */
const BATCH_OBJECTS = new Set(['VIEW', 'FUNCTION', 'TRIGGER']);

export function parseCreate(p: Parser, first: boolean): Statement {
  const startPos = p.pos;
  const createToken = p.next();
  const start = createToken.start;
  if (p.isWord('OR') && p.isWord('ALTER', 1)) {
    p.pos += 2;
    if (p.isWord('PROC') || p.isWord('PROCEDURE')) return procedure(p, 'createOrAlter', createToken, first);
    if (p.isWord('VIEW')) return parseView(p, 'createOrAlter', createToken, first);
    if (p.isWord('FUNCTION')) return parseFunction(p, 'createOrAlter', createToken, first);
    if (BATCH_OBJECTS.has(p.word())) return skipUnsupported(p, startPos, `CREATE OR ALTER ${p.word()}`, 'batch');
    return p.fail();
  }
  const word = p.word();
  switch (word) {
    case 'PROC':
    case 'PROCEDURE':
      return procedure(p, 'create', createToken, first);
    case 'VIEW':
      return parseView(p, 'create', createToken, first);
    case 'FUNCTION':
      return parseFunction(p, 'create', createToken, first);
    case 'TABLE':
      return parseCreateTable(p, start);
    case 'DATABASE':
      return createDatabase(p, start);
    case 'SCHEMA':
      return createSchema(p, start);
    case 'LOGIN':
      return parseCreateLogin(p, start);
    case 'USER':
      return parseCreateUser(p, start);
    case 'ROLE':
      return parseCreateRole(p, start);
    case 'EXTERNAL':
      return parseCreateExternal(p, startPos);
    case 'RESOURCE':
      return parseResourcePool(p, 'create', startPos);
    case 'WORKLOAD':
      return parseWorkloadGroup(p, 'create', startPos);
    case 'UNIQUE':
    case 'CLUSTERED':
    case 'NONCLUSTERED':
    case 'INDEX':
      return skipUnsupported(p, startPos, 'CREATE INDEX', 'statement');
  }
  if (BATCH_OBJECTS.has(word)) return skipUnsupported(p, startPos, `CREATE ${word}`, 'batch');
  if (!word) return p.fail();
  return skipUnsupported(p, startPos, `CREATE ${word}`, 'statement');
}

export function parseAlter(p: Parser, first: boolean): Statement {
  const startPos = p.pos;
  const alterToken = p.next();
  const word = p.word();
  switch (word) {
    case 'PROC':
    case 'PROCEDURE':
      return procedure(p, 'alter', alterToken, first);
    case 'VIEW':
      return parseView(p, 'alter', alterToken, first);
    case 'FUNCTION':
      return parseFunction(p, 'alter', alterToken, first);
    case 'ROLE':
      return parseAlterRole(p, alterToken.start, false);
    case 'LOGIN':
      return parseAlterLogin(p, alterToken.start);
    case 'SERVER':
      if (p.isWord('ROLE', 1)) {
        p.next();
        return parseAlterRole(p, alterToken.start, true);
      }
      break;
    case 'EXTERNAL':
      return parseAlterExternal(p, startPos);
    case 'RESOURCE':
      return parseAlterResourceGovernor(p, startPos);
    case 'WORKLOAD':
      return parseWorkloadGroup(p, 'alter', startPos);
    case 'TABLE':
      return parseAlterTable(p, alterToken.start, startPos);
  }
  if (BATCH_OBJECTS.has(word)) return skipUnsupported(p, startPos, `ALTER ${word}`, 'batch');
  if (!word) return p.fail();
  // ALTER TABLE t DROP COLUMN c, ALTER DATABASE d SET ...: those words belong to the statement.
  return skipUnsupported(p, startPos, `ALTER ${word}`, 'statement', new Set(['ALTER', 'DROP', 'SET']));
}

export function parseDrop(p: Parser): Statement {
  const startPos = p.pos;
  const start = p.next().start;
  const word = p.word();
  switch (word) {
    case 'TABLE':
    case 'PROC':
    case 'PROCEDURE': {
      p.next();
      const ifExists = acceptIfExists(p);
      const names = commaList(p, parseObjectName);
      const kind = word === 'TABLE' ? 'dropTable' : 'dropProcedure';
      return { kind, ifExists, names, start, end: p.lastEnd() };
    }
    case 'VIEW':
    case 'FUNCTION': {
      p.next();
      const ifExists = acceptIfExists(p);
      const names = commaList(p, parseObjectName);
      return { kind: 'dropModule', what: word, ifExists, names, start, end: p.lastEnd() };
    }
    case 'DATABASE': {
      p.next();
      const ifExists = acceptIfExists(p);
      const names = commaList(p, (q) => q.identifier());
      return { kind: 'dropDatabase', ifExists, names, start, end: p.lastEnd() };
    }
    case 'LOGIN':
    case 'USER':
    case 'ROLE':
    case 'SCHEMA': {
      p.next();
      const ifExists = acceptIfExists(p);
      const name = p.identifier();
      return { kind: 'dropPrincipal', what: word, ifExists, name, start, end: p.lastEnd() };
    }
    case 'EXTERNAL':
      return parseDropExternal(p, startPos);
    case 'RESOURCE':
      return parseResourcePool(p, 'drop', startPos);
    case 'WORKLOAD':
      return parseWorkloadGroup(p, 'drop', startPos);
  }
  if (!word) return p.fail();
  return skipUnsupported(p, startPos, `DROP ${word}`, 'statement');
}

/**
 * ALTER TABLE name ADD column definitions [WITH VALUES] | DROP COLUMN [IF EXISTS] names | ALTER
 * COLUMN name type [COLLATE x] [NULL | NOT NULL]; constraints, SWITCH, SET and the rest are not run.
 */
function parseAlterTable(p: Parser, start: number, startPos: number): Statement {
  p.expectWord('TABLE');
  const table = parseObjectName(p);
  const actionStart = p.peek()?.start ?? p.lastEnd();
  const word = p.word();
  const statement = (action: AlterTableStatement['action']): AlterTableStatement => ({ kind: 'alterTable', table, action, start, end: p.lastEnd() });
  if (word === 'ADD' && !TABLE_CONSTRAINT_WORDS.has(p.word(1))) {
    p.next();
    const columns = commaList(p, () => {
      if (TABLE_CONSTRAINT_WORDS.has(p.word())) p.unsupported('ALTER TABLE ADD CONSTRAINT', p.peek()!);
      const definition = columnDefinition(p);
      const withValues = p.isWord('WITH') && p.isWord('VALUES', 1);
      if (withValues) p.pos += 2;
      return { definition, withValues };
    });
    return statement({ kind: 'addColumns', columns, start: actionStart, end: p.lastEnd() });
  }
  if (word === 'DROP' && p.isWord('COLUMN', 1)) {
    p.pos += 2;
    const ifExists = acceptIfExists(p);
    // DROP COLUMN a, b and DROP COLUMN a, COLUMN b say the same.
    const columns = commaList(p, () => {
      if (p.isWord('COLUMN') && p.isIdentifier(1)) p.next();
      return p.identifier();
    });
    return statement({ kind: 'dropColumns', ifExists, columns, start: actionStart, end: p.lastEnd() });
  }
  if (word === 'ALTER' && p.isWord('COLUMN', 1) && !p.isWord('ADD', 3) && !p.isWord('DROP', 3)) {
    p.pos += 2;
    const column = p.identifier();
    const type = parseDataType(p);
    const collation = p.acceptWord('COLLATE') ? p.identifier() : null;
    const notNull = p.isWord('NOT') && p.isWord('NULL', 1);
    if (notNull) p.pos += 2;
    else p.acceptWord('NULL');
    return statement({ kind: 'alterColumn', column, type, collation, nullable: !notNull, start: actionStart, end: p.lastEnd() });
  }
  if (!word) return p.fail();
  const what = word === 'ADD' && TABLE_CONSTRAINT_WORDS.has(p.word(1)) ? 'ALTER TABLE ADD CONSTRAINT' : ['ADD', 'DROP', 'ALTER', 'WITH'].includes(word) ? `ALTER TABLE ${word} ${p.word(1)}` : `ALTER TABLE ${word}`;
  // The action's own words (ADD, DROP, SET, ALTER COLUMN) belong to it; the statement ends where the next one begins.
  p.pos += word === 'ALTER' ? 2 : 1;
  return skipUnsupported(p, startPos, what.trimEnd(), 'statement');
}

function acceptIfExists(p: Parser): boolean {
  if (!p.isWord('IF') || !p.isWord('EXISTS', 1)) return false;
  p.pos += 2;
  return true;
}

function createDatabase(p: Parser, start: number): Statement {
  p.next();
  const name = p.identifier();
  const word = p.word();
  if (word === 'ON' || word === 'CONTAINMENT' || word === 'WITH' || word === 'AS' || word === 'FOR') {
    p.unsupported(`CREATE DATABASE ... ${word}`, p.peek()!);
  }
  const collation = p.acceptWord('COLLATE') ? p.identifier() : null;
  return { kind: 'createDatabase', name, collation, start, end: p.lastEnd() };
}

/** CREATE SCHEMA name [AUTHORIZATION owner], or CREATE SCHEMA AUTHORIZATION owner. */
function createSchema(p: Parser, start: number): Statement {
  p.next();
  let name: Identifier | null = p.isWord('AUTHORIZATION') ? null : p.identifier();
  const owner = p.acceptWord('AUTHORIZATION') ? p.identifier() : null;
  name ??= owner ?? p.fail();
  return { kind: 'createSchema', name, owner, start, end: p.lastEnd() };
}

function procedure(p: Parser, mode: CreateProcedureStatement['mode'], keyword: { start: number; end: number }, first: boolean): Statement {
  if (!first) p.error(111, 1, "'CREATE/ALTER PROCEDURE' must be the first statement in a query batch.", keyword);
  p.next();
  const name: ObjectName = parseObjectName(p);
  if (p.isKind('semicolon') && p.isKind('number', 1)) p.unsupported('Numbered procedures', p.peek()!);
  const parenthesized = !!p.accept('lparen');
  const parameters = p.isKind('variable') ? commaList(p, parameter) : [];
  if (parenthesized) p.expect('rparen');
  const options = p.acceptWord('WITH') ? commaList(p, procedureOption) : [];
  if (p.isWord('FOR') && p.isWord('REPLICATION', 1)) p.pos += 2;
  const asToken = p.expectWord('AS');
  if (p.isWord('EXTERNAL') && p.isWord('NAME', 1)) p.unsupported('CLR procedures (EXTERNAL NAME)', p.peek()!);
  if (p.atEnd()) p.fail(asToken);
  const bodyStart = p.peek()!.start;
  const body = parseStatementList(p, false);
  return { kind: 'createProcedure', mode, name, parameters, options, body, bodyStart, bodyEnd: p.lastEnd(), start: keyword.start, end: p.lastEnd() };
}

function parameter(p: Parser): ProcedureParameter {
  const t = p.expect('variable');
  const name = { kind: 'variable' as const, name: p.slice(t), system: false, start: t.start, end: t.end };
  p.acceptWord('AS');
  const type = parseDataType(p);
  p.acceptWord('VARYING');
  if (p.isWord('NULL')) p.next();
  else if (p.isWord('NOT') && p.isWord('NULL', 1)) p.pos += 2;
  const defaultValue = p.acceptOp('=') ? parseExpression(p) : null;
  const output = !!(p.acceptWord('OUTPUT') || p.acceptWord('OUT'));
  const readonly = !!p.acceptWord('READONLY');
  return { name, type, default: defaultValue, output, readonly, start: t.start, end: p.lastEnd() };
}

/** RECOMPILE, ENCRYPTION, EXECUTE AS {CALLER | SELF | OWNER | 'user'}. */
function procedureOption(p: Parser): string {
  const word = p.word();
  if (word === 'RECOMPILE' || word === 'ENCRYPTION' || word === 'SCHEMABINDING') {
    p.next();
    return word;
  }
  if ((word === 'EXECUTE' || word === 'EXEC') && p.isWord('AS', 1)) {
    p.pos += 2;
    const who = p.peek();
    if (who?.kind === 'string') {
      p.next();
      return `EXECUTE AS '${p.nearText(who)}'`;
    }
    const principal = p.word();
    if (principal !== 'CALLER' && principal !== 'SELF' && principal !== 'OWNER') p.fail();
    p.next();
    return `EXECUTE AS ${principal}`;
  }
  if (word === 'NATIVE_COMPILATION') p.unsupported('Natively compiled procedures', p.peek()!);
  return p.fail();
}
