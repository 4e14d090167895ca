// Principals and permissions: CREATE / ALTER LOGIN, CREATE USER / ROLE, ALTER [SERVER] ROLE, GRANT / DENY /
// REVOKE, EXECUTE AS and REVERT.
import type { AlterLoginStatement, Identifier, OptionSetting, Permission, PermissionStatement, Securable, Statement, StringLiteral, VariableRef } from '../ast';
import { decodeString } from '../../tsql/literals';
import { commaList, parseExpression } from './expressions';
import { parseObjectName } from './names';
import { parseOptionSetting } from './options';
import type { Parser } from './parser';
import { identifierList } from './query';

/** CREATE LOGIN name { WITH PASSWORD = '...' [MUST_CHANGE] [, option = value ...] | FROM {WINDOWS | OS} [WITH ...] }. */
export function parseCreateLogin(p: Parser, start: number): Statement {
  p.next();
  const name = p.identifier();
  let options: OptionSetting[] = [];
  if (p.acceptWord('FROM')) {
    const from = p.word();
    if (from !== 'WINDOWS' && from !== 'OS') p.unsupported(`CREATE LOGIN ... FROM ${from || p.slice(p.peek() ?? name)}`, p.peek() ?? name);
    p.next();
    if (p.acceptWord('WITH')) options = commaList(p, parseOptionSetting);
    return { kind: 'createLogin', name, source: { kind: 'os' }, options, start, end: p.lastEnd() };
  }
  p.expectWord('WITH');
  p.expectWord('PASSWORD');
  const password = passwordLiteral(p);
  const mustChange = !!p.acceptWord('MUST_CHANGE');
  if (p.accept('comma')) options = commaList(p, parseOptionSetting);
  return { kind: 'createLogin', name, source: { kind: 'password', password, mustChange }, options, start, end: p.lastEnd() };
}

/** = 'password', after PASSWORD or OLD_PASSWORD; hashed passwords (0x...) are not taken. */
function passwordLiteral(p: Parser): StringLiteral {
  p.expectOp('=');
  const t = p.peek();
  if (t?.kind === 'binary') p.unsupported('Hashed passwords', t);
  const pw = p.expect('string');
  return { kind: 'string', value: decodeString(p.text, pw).text, unicode: !!pw.unicode, start: pw.start, end: pw.end };
}

/**
 * ALTER LOGIN name { ENABLE | DISABLE | WITH setting [, ...] }, the settings being PASSWORD = '...'
 * [OLD_PASSWORD = '...'] [MUST_CHANGE] [UNLOCK] and `NAME = value` ones (CHECK_POLICY = OFF, ...);
 * after ALTER, at LOGIN.
 */
export function parseAlterLogin(p: Parser, start: number): Statement {
  p.next();
  const name = p.identifier();
  if (p.isWord('ENABLE') || p.isWord('DISABLE')) {
    const enable = p.word() === 'ENABLE';
    p.next();
    return { kind: 'alterLogin', name, enable, password: null, options: [], start, end: p.lastEnd() };
  }
  p.expectWord('WITH');
  let password: AlterLoginStatement['password'] = null;
  const options = commaList(p, (q): OptionSetting | null => {
    if (!q.isWord('PASSWORD')) return parseOptionSetting(q);
    q.next();
    const value = passwordLiteral(q);
    const oldPassword = q.acceptWord('OLD_PASSWORD') ? passwordLiteral(q) : null;
    let mustChange = false;
    let unlock = false;
    for (;;) {
      if (q.acceptWord('MUST_CHANGE')) mustChange = true;
      else if (q.acceptWord('UNLOCK')) unlock = true;
      else break;
    }
    password = { value, oldPassword, mustChange, unlock };
    return null;
  }).filter((o): o is OptionSetting => o !== null);
  return { kind: 'alterLogin', name, enable: null, password, options, start, end: p.lastEnd() };
}

/** CREATE USER name [{FOR | FROM} LOGIN login | WITHOUT LOGIN] [WITH DEFAULT_SCHEMA = schema]. */
export function parseCreateUser(p: Parser, start: number): Statement {
  p.next();
  const name = p.identifier();
  let login: Identifier | null = null;
  let withoutLogin = false;
  if (p.isWord('FOR') || p.isWord('FROM')) {
    p.next();
    if (!p.isWord('LOGIN')) p.unsupported(`CREATE USER ... ${p.word() || 'FROM'}`, p.peek() ?? name);
    p.next();
    login = p.identifier();
  } else if (p.isWord('WITHOUT') && p.isWord('LOGIN', 1)) {
    p.pos += 2;
    withoutLogin = true;
  }
  let defaultSchema: Identifier | null = null;
  if (p.acceptWord('WITH')) {
    for (;;) {
      if (!p.isWord('DEFAULT_SCHEMA')) p.unsupported(`The CREATE USER option ${p.word() || 'given'}`, p.peek() ?? name);
      p.next();
      p.expectOp('=');
      defaultSchema = p.identifier();
      if (!p.accept('comma')) break;
    }
  }
  return { kind: 'createUser', name, login, withoutLogin, defaultSchema, start, end: p.lastEnd() };
}

export function parseCreateRole(p: Parser, start: number): Statement {
  p.next();
  const name = p.identifier();
  const owner = p.acceptWord('AUTHORIZATION') ? principal(p) : null;
  return { kind: 'createRole', name, owner, start, end: p.lastEnd() };
}

/** ALTER [SERVER] ROLE role {ADD | DROP} MEMBER principal; after ALTER [SERVER], at ROLE. */
export function parseAlterRole(p: Parser, start: number, server: boolean): Statement {
  p.expectWord('ROLE');
  const role = principal(p);
  if (p.isWord('WITH')) p.unsupported('Renaming roles', p.peek()!);
  let action: 'add' | 'drop' = 'add';
  if (!p.acceptWord('ADD')) {
    p.expectWord('DROP');
    action = 'drop';
  }
  p.expectWord('MEMBER');
  const member = principal(p);
  return { kind: 'alterRole', server, role, action, member, start, end: p.lastEnd() };
}

/** A principal name; `public` is a reserved word but names a role. */
function principal(p: Parser): Identifier {
  if (p.isWord('PUBLIC')) return p.identifierAt(p.next());
  return p.identifier();
}

const PERMISSION_ENDS = new Set(['ON', 'TO', 'FROM']);

/** GRANT / DENY / REVOKE permission [, ...] [ON [class ::] securable] {TO | FROM} principal [, ...] ... */
export function parsePermission(p: Parser): PermissionStatement {
  const t = p.next();
  const action = p.slice(t).toUpperCase() as PermissionStatement['action'];
  let grantOptionFor = false;
  if (action === 'REVOKE' && p.isWord('GRANT') && p.isWord('OPTION', 1) && p.isWord('FOR', 2)) {
    p.pos += 3;
    grantOptionFor = true;
  }
  const permissions = commaList(p, permission);
  const on = p.acceptWord('ON') ? securable(p) : null;
  if (!p.acceptWord('TO')) {
    if (action !== 'REVOKE') p.fail();
    p.expectWord('FROM');
  }
  const principals = commaList(p, principal);
  let withGrantOption = false;
  if (action === 'GRANT' && p.isWord('WITH')) {
    p.next();
    p.expectWord('GRANT');
    p.expectWord('OPTION');
    withGrantOption = true;
  }
  const cascade = action !== 'GRANT' && !!p.acceptWord('CASCADE');
  const as = p.acceptWord('AS') ? principal(p) : null;
  return { kind: 'permission', action, permissions, on, principals, withGrantOption, grantOptionFor, cascade, as, start: t.start, end: p.lastEnd() };
}

/** SELECT, EXECUTE ANY EXTERNAL SCRIPT, ALL [PRIVILEGES], UPDATE (col, ...). */
function permission(p: Parser): Permission {
  const first = p.peek();
  if (!first || first.kind !== 'word' || PERMISSION_ENDS.has(p.word())) return p.fail();
  const words: string[] = [];
  while (p.isKind('word') && !PERMISSION_ENDS.has(p.word())) words.push(p.slice(p.next()).toUpperCase());
  const name = words.join(' ') === 'ALL PRIVILEGES' ? 'ALL' : words.join(' ');
  const columns = p.isKind('lparen') ? identifierList(p) : [];
  return { name, columns, start: first.start, end: p.lastEnd() };
}

/** [class ::] name; the class is one or two words (SCHEMA::, EXTERNAL LANGUAGE::). */
function securable(p: Parser): Securable {
  const start = p.peek()?.start ?? p.lastEnd();
  let words = 0;
  if (p.isKind('word') && p.isOp('::', 1)) words = 1;
  else if (p.isKind('word') && p.isKind('word', 1) && p.isOp('::', 2)) words = 2;
  const classWords: string[] = [];
  for (let i = 0; i < words; i++) classWords.push(p.slice(p.next()).toUpperCase());
  if (words > 0) p.next();
  const name = parseObjectName(p);
  const explicitClass = words > 0;
  return { class: explicitClass ? classWords.join(' ') : 'OBJECT', explicitClass, name, start, end: p.lastEnd() };
}

/** EXECUTE AS {LOGIN | USER} = 'name' [WITH {NO REVERT | COOKIE INTO @v}] | EXECUTE AS CALLER; after EXECUTE AS. */
export function parseExecuteAs(p: Parser, start: number): Statement {
  const word = p.word();
  if (word === 'CALLER') {
    p.next();
    return { kind: 'executeAs', principal: 'CALLER', name: null, noRevert: false, cookie: null, start, end: p.lastEnd() };
  }
  if (word !== 'LOGIN' && word !== 'USER') return p.fail();
  p.next();
  p.expectOp('=');
  const name = parseExpression(p);
  let noRevert = false;
  let cookie: VariableRef | null = null;
  if (p.acceptWord('WITH')) {
    if (p.acceptWord('NO')) {
      p.expectWord('REVERT');
      noRevert = true;
    } else {
      p.expectWord('COOKIE');
      p.expectWord('INTO');
      cookie = p.variableAt(p.expect('variable'));
    }
  }
  return { kind: 'executeAs', principal: word, name, noRevert, cookie, start, end: p.lastEnd() };
}

/** REVERT [WITH COOKIE = @v]. */
export function parseRevert(p: Parser): Statement {
  const start = p.next().start;
  let cookie = null;
  if (p.isWord('WITH') && p.isWord('COOKIE', 1)) {
    p.pos += 2;
    p.expectOp('=');
    cookie = parseExpression(p);
  }
  return { kind: 'revert', cookie, start, end: p.lastEnd() };
}
