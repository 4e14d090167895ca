// Instance configuration: RECONFIGURE, external resource pools, the resource governor and
// external languages.
import type { Identifier, Statement } from '../ast';
import { commaList } from './expressions';
import { parseOptionList } from './options';
import type { Parser } from './parser';
import { skipUnsupported } from './unsupported';

/** RECONFIGURE [WITH OVERRIDE] */
export function parseReconfigure(p: Parser): Statement {
  const start = p.next().start;
  let withOverride = false;
  if (p.isWord('WITH') && p.isWord('OVERRIDE', 1)) {
    p.pos += 2;
    withOverride = true;
  }
  return { kind: 'reconfigure', withOverride, start, end: p.lastEnd() };
}

/** A pool name; the built-in pool is written "default" or [default], and DEFAULT is reserved. */
function poolName(p: Parser): Identifier {
  if (p.isWord('DEFAULT')) return p.identifierAt(p.next());
  return p.identifier();
}

/** CREATE EXTERNAL {RESOURCE POOL | LANGUAGE | ...}; `startPos` is at CREATE, pos at EXTERNAL. */
export function parseCreateExternal(p: Parser, startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  if (p.isWord('RESOURCE') && p.isWord('POOL', 1)) {
    p.pos += 2;
    const name = poolName(p);
    const options = p.acceptWord('WITH') ? parseOptionList(p) : [];
    return { kind: 'externalResourcePool', action: 'create', name, options, start, end: p.lastEnd() };
  }
  if (p.isWord('LANGUAGE')) {
    p.next();
    const name = p.identifier();
    const owner = p.acceptWord('AUTHORIZATION') ? p.identifier() : null;
    p.expectWord('FROM');
    const files = commaList(p, parseOptionList);
    return { kind: 'createExternalLanguage', name, owner, files, start, end: p.lastEnd() };
  }
  return skipUnsupported(p, startPos, `CREATE EXTERNAL ${p.word() || ''}`.trim(), 'statement');
}

/** ALTER EXTERNAL RESOURCE POOL name WITH (...); pos at EXTERNAL. */
export function parseAlterExternal(p: Parser, startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  if (!(p.isWord('RESOURCE') && p.isWord('POOL', 1))) {
    return skipUnsupported(p, startPos, `ALTER EXTERNAL ${p.word() || ''}`.trim(), 'statement');
  }
  p.pos += 2;
  const name = poolName(p);
  p.expectWord('WITH');
  const options = parseOptionList(p);
  return { kind: 'externalResourcePool', action: 'alter', name, options, start, end: p.lastEnd() };
}

/** DROP EXTERNAL {RESOURCE POOL | LANGUAGE} name; pos at EXTERNAL. */
export function parseDropExternal(p: Parser, startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  if (p.isWord('RESOURCE') && p.isWord('POOL', 1)) {
    p.pos += 2;
    const name = poolName(p);
    return { kind: 'externalResourcePool', action: 'drop', name, options: [], start, end: p.lastEnd() };
  }
  if (p.acceptWord('LANGUAGE')) {
    const name = p.identifier();
    return { kind: 'dropExternalLanguage', name, start, end: p.lastEnd() };
  }
  return skipUnsupported(p, startPos, `DROP EXTERNAL ${p.word() || ''}`.trim(), 'statement');
}

/** ALTER RESOURCE GOVERNOR {RECONFIGURE | DISABLE | RESET STATISTICS}; pos at RESOURCE. */
export function parseAlterResourceGovernor(p: Parser, startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  p.expectWord('GOVERNOR');
  if (p.acceptWord('RECONFIGURE')) return { kind: 'alterResourceGovernor', action: 'reconfigure', start, end: p.lastEnd() };
  if (p.acceptWord('DISABLE')) return { kind: 'alterResourceGovernor', action: 'disable', start, end: p.lastEnd() };
  if (p.isWord('RESET') && p.isWord('STATISTICS', 1)) {
    p.pos += 2;
    return { kind: 'alterResourceGovernor', action: 'resetStatistics', start, end: p.lastEnd() };
  }
  if (p.isWord('WITH')) return skipUnsupported(p, startPos, 'ALTER RESOURCE GOVERNOR WITH (...)', 'statement');
  return p.fail();
}
