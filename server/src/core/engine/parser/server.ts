// Instance configuration: RECONFIGURE, external resource pools, the resource governor and
// external languages.
import type { Identifier, OptionSetting, Statement } from '../ast';
import { commaList } from './expressions';
import { parseExternalLibrary } from './externalLibrary';
import { parseObjectName } from './names';
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
  if (p.isWord('LIBRARY')) return parseExternalLibrary(p, 'create', start);
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
  if (p.isWord('LIBRARY')) return parseExternalLibrary(p, 'alter', start);
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
  if (p.isWord('LIBRARY')) return parseExternalLibrary(p, 'drop', start);
  if (p.acceptWord('LANGUAGE')) {
    const name = p.identifier();
    return { kind: 'dropExternalLanguage', name, start, end: p.lastEnd() };
  }
  return skipUnsupported(p, startPos, `DROP EXTERNAL ${p.word() || ''}`.trim(), 'statement');
}

/**
 * ALTER RESOURCE GOVERNOR {RECONFIGURE | DISABLE | RESET STATISTICS | WITH (CLASSIFIER_FUNCTION =
 * schema.name | NULL)}, or ALTER RESOURCE POOL; pos at RESOURCE.
 */
export function parseAlterResourceGovernor(p: Parser, startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  if (p.isWord('POOL')) return resourcePool(p, 'alter', start);
  p.expectWord('GOVERNOR');
  if (p.acceptWord('RECONFIGURE')) return { kind: 'alterResourceGovernor', action: 'reconfigure', start, end: p.lastEnd() };
  if (p.acceptWord('DISABLE')) return { kind: 'alterResourceGovernor', action: 'disable', start, end: p.lastEnd() };
  if (p.isWord('RESET') && p.isWord('STATISTICS', 1)) {
    p.pos += 2;
    return { kind: 'alterResourceGovernor', action: 'resetStatistics', start, end: p.lastEnd() };
  }
  p.expectWord('WITH');
  p.expect('lparen');
  if (!p.isWord('CLASSIFIER_FUNCTION')) {
    if (p.isWord('MAX_OUTSTANDING_IO_PER_VOLUME')) return skipUnsupported(p, startPos, 'ALTER RESOURCE GOVERNOR WITH (MAX_OUTSTANDING_IO_PER_VOLUME = ...)', 'statement');
    return p.fail();
  }
  p.next();
  p.expectOp('=');
  const classifier = p.acceptWord('NULL') ? null : parseObjectName(p);
  p.expect('rparen');
  return { kind: 'alterResourceGovernor', action: 'classifier', classifier, start, end: p.lastEnd() };
}

/** {CREATE | ALTER | DROP} RESOURCE POOL name [WITH (...)]; pos at POOL. */
function resourcePool(p: Parser, action: 'create' | 'alter' | 'drop', start: number): Statement {
  p.expectWord('POOL');
  const name = poolName(p);
  const options = action !== 'drop' && p.acceptWord('WITH') ? parseOptionList(p) : [];
  return { kind: 'resourcePool', action, name, options, start, end: p.lastEnd() };
}

/** CREATE / DROP RESOURCE POOL; pos at RESOURCE. */
export function parseResourcePool(p: Parser, action: 'create' | 'drop', startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  if (!p.isWord('POOL')) return skipUnsupported(p, startPos, `${action.toUpperCase()} RESOURCE ${p.word() || ''}`.trim(), 'statement');
  return resourcePool(p, action, start);
}

/**
 * {CREATE | ALTER} WORKLOAD GROUP name [WITH (...)] [USING {pool | "default"} [, EXTERNAL
 * {external_pool | "default"}]] and DROP WORKLOAD GROUP name; pos at WORKLOAD.
 */
export function parseWorkloadGroup(p: Parser, action: 'create' | 'alter' | 'drop', startPos: number): Statement {
  const start = p.tokens[startPos]!.start;
  p.next();
  p.expectWord('GROUP');
  const name = poolName(p);
  let options: OptionSetting[] = [];
  let pool: Identifier | null = null;
  let externalPool: Identifier | null = null;
  if (action !== 'drop') {
    if (p.acceptWord('WITH')) options = parseOptionList(p);
    if (p.acceptWord('USING')) {
      if (p.acceptWord('EXTERNAL')) externalPool = poolName(p);
      else {
        pool = poolName(p);
        if (p.accept('comma')) {
          p.expectWord('EXTERNAL');
          externalPool = poolName(p);
        }
      }
    }
  }
  return { kind: 'workloadGroup', action, name, options, pool, externalPool, start, end: p.lastEnd() };
}
