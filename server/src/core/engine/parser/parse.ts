// Entry points: a script split into GO batches, or one batch. Parsing never throws: errors are
// SQL Server's compile errors, positioned in the text, and any error in a batch means SQL Server
// would not run that batch (the executor decides what to do with them).
import { lex, type Token } from '../../tsql/lexer';
import { decodeString } from '../../tsql/literals';
import type { Statement } from '../ast';
import { sqlError, type SqlError } from './errors';
import { ParseStop, Parser } from './parser';
import { parseStatementList } from './statements';

export interface ParseResult {
  statements: Statement[];
  errors: SqlError[];
}

export interface Batch extends ParseResult {
  /** Offsets of the batch in the script: from the line after the previous GO to the next GO line. */
  start: number;
  end: number;
  /** 0-based line of `start`: SSMS's "Batch Start Line". */
  startLine: number;
  /** GO n runs the batch n times. */
  repeat: number;
}

/** Splits a script at its GO lines and parses each batch; batches with no tokens are left out. */
export function parseScript(text: string): Batch[] {
  const { tokens, problems } = lex(text);
  const unclosedComments = problems.filter((p) => p.code === 'SQLML002');
  const batches: Batch[] = [];
  let first = 0;
  let start = 0;
  // Lines are counted on from the previous batch: counting from the top for each batch made a
  // script of many short batches quadratic.
  let line = 0;
  let lineCountedTo = 0;
  for (let k = 0; k <= tokens.length; k++) {
    const go = tokens[k];
    if (go && go.kind !== 'go') continue;
    const end = go ? go.start : text.length;
    const batchTokens = tokens.slice(first, k);
    const comments = unclosedComments.filter((c) => c.start >= start && c.start < end);
    if (batchTokens.length > 0 || comments.length > 0) {
      const result = parseTokens(text, batchTokens);
      for (const c of comments) result.errors.push(sqlError(113, 15, 1, "Missing end comment mark '*/'.", c.start, c.end));
      result.errors.sort((a, b) => a.start - b.start);
      line += lineOf(text, lineCountedTo, start);
      lineCountedTo = start;
      batches.push({ statements: result.statements, errors: result.errors, start, end, startLine: line, repeat: go?.count ?? 1 });
    }
    first = k + 1;
    start = go ? lineAfter(text, go.end) : text.length;
  }
  return batches;
}

/**
 * One batch (a procedure body kept by the executor, a dynamic SQL string). A GO line here is
 * not a separator: SQL Server itself never sees one, so it is parsed as the word GO.
 */
export function parseBatch(text: string): ParseResult {
  const { tokens, problems } = lex(text);
  const words = tokens.map((t): Token => (t.kind === 'go' ? { kind: 'word', start: t.start, end: t.start + 2 } : t));
  const result = parseTokens(text, words);
  for (const c of problems.filter((p) => p.code === 'SQLML002')) {
    result.errors.push(sqlError(113, 15, 1, "Missing end comment mark '*/'.", c.start, c.end));
  }
  result.errors.sort((a, b) => a.start - b.start);
  return result;
}

/** The 1-based line of `offset` counted from the batch's first line, as SQL Server numbers lines. */
export function lineInBatch(text: string, batchStart: number, offset: number): number {
  return lineOf(text, batchStart, offset) + 1;
}

function parseTokens(text: string, tokens: Token[]): ParseResult {
  const errors: SqlError[] = unclosedQuotes(text, tokens);
  const p = new Parser(text, tokens);
  let statements: Statement[] = [];
  try {
    statements = parseStatementList(p, false, true);
  } catch (e) {
    if (e instanceof ParseStop) p.errors.push(e.error);
    else p.errors.push(internalError(p, e));
  }
  return { statements, errors: [...errors, ...p.errors] };
}

/** Msg 105 for each string or delimited name left open: its text runs to the end of the batch. */
function unclosedQuotes(text: string, tokens: Token[]): SqlError[] {
  return tokens
    .filter((t) => t.unterminated)
    .map((t) => {
      const body = t.kind === 'string' ? decodeString(text, t).text : text.slice(t.start + 1, t.end);
      const shown = body.replace(/\r?\n$/, '');
      return sqlError(105, 15, 1, `Unclosed quotation mark after the character string '${shown}'.`, t.start, t.end);
    });
}

/** A bug in the parser must not take the instance down; it surfaces as SQL Server's internal error. */
function internalError(p: Parser, e: unknown): SqlError {
  const t = p.peek() ?? p.tokens[p.tokens.length - 1];
  if (e instanceof RangeError) {
    const message = 'Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.';
    return sqlError(191, 15, 1, message, t?.start ?? 0, t?.end ?? 0);
  }
  const detail = e instanceof Error ? e.message : String(e);
  return sqlError(8630, 16, 1, `Internal Query Processor Error: The query processor encountered an unexpected error during execution (${detail}).`, t?.start ?? 0, t?.end ?? 0);
}

/** How many line breaks lie in text[from, to). */
function lineOf(text: string, from: number, to: number): number {
  let line = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
    }
  }
  return line;
}

/** The offset where the line after `offset` begins (or the end of the text). */
function lineAfter(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) return i + 2;
  return i < text.length ? i + 1 : i;
}
