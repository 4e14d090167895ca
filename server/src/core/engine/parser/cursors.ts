// Cursors: DECLARE name CURSOR (ISO and T-SQL forms), OPEN, FETCH, CLOSE and DEALLOCATE of a named
// cursor. Cursor variables (DECLARE @c CURSOR, SET @c = CURSOR ...) are not parsed here; the
// statements that use them say so.
import type { CursorName, CursorStatement, DeclareCursorStatement, FetchOrientation, VariableRef } from '../ast';
import { commaList, parseExpression } from './expressions';
import type { Parser } from './parser';
import { parseQuery } from './query';

const ORIENTATIONS: ReadonlySet<string> = new Set(['NEXT', 'PRIOR', 'FIRST', 'LAST', 'ABSOLUTE', 'RELATIVE']);

/** Whether DECLARE (already read) goes on with a cursor's name: `name CURSOR`, `name INSENSITIVE`, `name SCROLL`. */
export function declaresCursor(p: Parser): boolean {
  return p.isIdentifier() && (p.isWord('CURSOR', 1) || p.isWord('INSENSITIVE', 1) || p.isWord('SCROLL', 1));
}

/** DECLARE name ... CURSOR ... FOR query [FOR READ ONLY | FOR UPDATE [OF columns]]; `start` is DECLARE's. */
export function parseDeclareCursor(p: Parser, start: number): DeclareCursorStatement {
  const name = p.identifier();
  // The ISO form puts its options before CURSOR, T-SQL's after it; the two do not mix.
  const insensitive = p.acceptWord('INSENSITIVE') !== null;
  const isoScroll = p.acceptWord('SCROLL') !== null;
  p.expectWord('CURSOR');
  const options = insensitive || isoScroll ? new Map<string, string>() : cursorOptions(p);
  p.expectWord('FOR');
  const query = parseQuery(p);
  if (p.isWord('FOR') && (p.isWord('READ', 1) || p.isWord('UPDATE', 1))) {
    p.next();
    if (p.acceptWord('READ')) p.expectWord('ONLY');
    else {
      p.expectWord('UPDATE');
      if (p.acceptWord('OF')) commaList(p, () => p.identifier());
    }
  }
  const statement = { kind: 'select' as const, query, start: query.start, end: query.end };
  const movement = options.get('movement');
  const type = options.get('type');
  const scrollable = insensitive || isoScroll ? isoScroll : movement === 'SCROLL' || (movement === undefined && (type === 'STATIC' || type === 'KEYSET' || type === 'DYNAMIC'));
  const style = insensitive || type === 'STATIC' ? 'static' : type === 'KEYSET' ? 'keyset' : 'dynamic';
  const scope = options.get('scope') === 'LOCAL' ? 'local' : options.get('scope') === 'GLOBAL' ? 'global' : null;
  return { kind: 'declareCursor', name, scope, scrollable, style, query: statement, start, end: p.lastEnd() };
}

/** T-SQL's cursor options, at most one of each group, in the order the syntax gives them. */
function cursorOptions(p: Parser): Map<string, string> {
  const groups: [string, readonly string[]][] = [
    ['scope', ['LOCAL', 'GLOBAL']],
    ['movement', ['FORWARD_ONLY', 'SCROLL']],
    ['type', ['STATIC', 'KEYSET', 'DYNAMIC', 'FAST_FORWARD']],
    ['locking', ['READ_ONLY', 'SCROLL_LOCKS', 'OPTIMISTIC']],
    ['warning', ['TYPE_WARNING']],
  ];
  const options = new Map<string, string>();
  for (const [group, words] of groups) {
    const word = p.word();
    if (words.includes(word)) options.set(group, p.slice(p.next()).toUpperCase());
  }
  // FAST_FORWARD is a forward-only cursor; it cannot also be declared to scroll.
  if (options.get('type') === 'FAST_FORWARD' && options.has('movement')) {
    p.error(1048, 1, `Conflicting cursor options ${options.get('movement')} and FAST_FORWARD.`, { start: p.tokens[p.pos - 1]!.start, end: p.lastEnd() });
  }
  return options;
}

/** OPEN, CLOSE or DEALLOCATE [GLOBAL] name. */
export function parseCursorAction(p: Parser): CursorStatement {
  const t = p.next();
  const word = p.slice(t).toUpperCase();
  const cursor = cursorName(p);
  const kind = word === 'OPEN' ? 'openCursor' : word === 'CLOSE' ? 'closeCursor' : 'deallocateCursor';
  return { kind, cursor, start: t.start, end: cursor.end };
}

/** FETCH [[NEXT | PRIOR | FIRST | LAST | ABSOLUTE n | RELATIVE n] FROM] [GLOBAL] name [INTO @v, ...]. */
export function parseFetch(p: Parser): CursorStatement {
  const start = p.next().start;
  let orientation: FetchOrientation = 'next';
  let offset = null;
  // An orientation is followed by FROM (NEXT ... LAST) or by its row number (ABSOLUTE, RELATIVE);
  // else the word is the cursor's name.
  const word = p.word();
  const moves = ORIENTATIONS.has(word) && (word === 'ABSOLUTE' || word === 'RELATIVE' ? !p.isWord('INTO', 1) && !p.isKind('semicolon', 1) && p.peek(1) !== undefined : p.isWord('FROM', 1));
  if (moves) {
    orientation = p.slice(p.next()).toLowerCase() as FetchOrientation;
    if (orientation === 'absolute' || orientation === 'relative') offset = parseExpression(p);
    p.expectWord('FROM');
  } else p.acceptWord('FROM');
  const cursor = cursorName(p);
  let into: VariableRef[] | null = null;
  if (p.acceptWord('INTO')) {
    into = commaList(p, () => p.variableAt(p.expect('variable')));
  }
  return { kind: 'fetchCursor', cursor, orientation, offset, into, start, end: p.lastEnd() };
}

function cursorName(p: Parser): CursorName {
  const t = p.peek();
  if (t?.kind === 'variable') p.unsupported('A cursor variable', t);
  const global = p.isWord('GLOBAL') && p.isIdentifier(1);
  if (global) p.next();
  return { ...p.identifier(), global };
}
