// Valid T-SQL the embedded instance does not run becomes an `unsupported` statement: the batch
// compiles, and the executor reports the statement when it reaches it. Without a grammar for
// these statements, their end is found the way a reader would: at ';', at the END of the block
// they sit in, or where the next statement begins.
import type { UnsupportedStatement } from '../ast';
import { STATEMENT_STARTS } from './keywords';
import type { Parser } from './parser';

export type UnsupportedExtent =
  /** CREATE VIEW / FUNCTION / TRIGGER: alone in their batch, so the rest of it. */
  | 'batch'
  /** Anything else: up to the next statement. */
  | 'statement';

/**
 * Skips the statement that began at token `startPos`. `continuations` are statement words that
 * belong to it (ALTER TABLE t DROP COLUMN c).
 */
export function skipUnsupported(
  p: Parser,
  startPos: number,
  what: string,
  extent: UnsupportedExtent,
  continuations: ReadonlySet<string> = new Set(),
): UnsupportedStatement {
  const start = p.tokens[startPos]!.start;
  if (p.pos <= startPos) p.pos = startPos + 1;
  if (extent === 'batch') p.pos = p.tokens.length;
  else skipToStatementEnd(p, continuations);
  return { kind: 'unsupported', what, start, end: p.lastEnd() };
}

/**
 * Up to (not past) a ';', the END closing the enclosing block, an ELSE of the enclosing IF, or the
 * next statement's first word. SET inside a statement (UPDATE ... SET) only ends it at a line start.
 */
export function skipToStatementEnd(p: Parser, continuations: ReadonlySet<string> = new Set()): void {
  let parens = 0;
  let cases = 0; // CASE ... END inside the skipped text
  while (!p.atEnd()) {
    const word = p.word();
    if (parens === 0 && cases === 0) {
      if (p.isKind('semicolon') || word === 'END' || word === 'ELSE') return;
      if (STATEMENT_STARTS.has(word) && !continuations.has(word) && (word !== 'SET' || p.atLineStart())) return;
    }
    if (p.isKind('lparen')) parens++;
    else if (p.isKind('rparen')) parens = Math.max(0, parens - 1);
    else if (word === 'CASE') cases++;
    else if (word === 'END') cases--;
    p.next();
  }
}
