// Static evaluation of T-SQL expressions where T-SQL's own value is knowable before running:
// literals, variables assigned earlier in the batch, '+' concatenation, CHAR(n)/NCHAR(n),
// CAST/CONVERT to a string type, CONCAT. Anything else (a parameter, a column, a query, a
// function) is 'unknown' with a reason the user can read.
import { SourceMap, SourceMapBuilder, type MappedText } from '../text/sourceMap';
import { decodeString } from './literals';
import type { Token } from './lexer';

export type Value =
  | { kind: 'text'; text: MappedText }
  | { kind: 'number'; value: number }
  | { kind: 'null' }
  | { kind: 'unknown'; why: string };

/**
 * The text being analysed: the document itself, or dynamic SQL decoded from a string in it.
 * Every offset that leaves the analysis goes through toDoc.
 */
export class SourceText {
  constructor(
    readonly text: string,
    /** Maps offsets of `text` to document offsets; null when `text` is the document. */
    readonly toDoc: SourceMap | null,
    /** How many levels of dynamic SQL deep this text is. */
    readonly depth: number,
  ) {}

  docRange(start: number, end: number): [number, number] {
    return this.toDoc ? this.toDoc.toSourceRange(start, end) : [start, end];
  }

  slice(token: Token): string {
    return this.text.slice(token.start, token.end);
  }

  upper(token: Token | undefined): string {
    return token && token.kind === 'word' ? this.text.slice(token.start, token.end).toUpperCase() : '';
  }

  /**
   * Is the token the word `keyword` (given in upper case), written in any case? upper(token) ===
   * keyword, compared in place: the scanner asks it of many words, most of which it is not.
   */
  isWord(token: Token | undefined, keyword: string): boolean {
    if (!token || token.kind !== 'word') return false;
    const length = token.end - token.start;
    if (length > keyword.length) return false; // upper-casing never shortens a word
    for (let k = 0; k < length; k++) {
      const c = this.text.charCodeAt(token.start + k);
      if (c > 127) return this.upper(token) === keyword; // 'ſ' upper-cases to S, 'ß' to SS
      if ((c >= 97 && c <= 122 ? c - 32 : c) !== keyword.charCodeAt(k)) return false;
    }
    return length === keyword.length;
  }

  /** Is the token a word that begins a statement (one of STATEMENT_KEYWORDS)? A longer word is not, and is not upper-cased to find out. */
  isStatementKeyword(token: Token | undefined): boolean {
    if (!token || token.kind !== 'word' || token.end - token.start > LONGEST_STATEMENT_KEYWORD) return false;
    return STATEMENT_KEYWORDS.has(this.upper(token));
  }

  /** The token's characters as they are, mapped to document offsets. */
  rawText(token: Token): MappedText {
    const local = SourceMap.identity(token.start, token.end - token.start);
    return { text: this.slice(token), map: this.toDoc ? local.composeWith(this.toDoc) : local };
  }

  /** A string token's value, mapped to document offsets. */
  stringValue(token: Token): MappedText {
    const local = decodeString(this.text, token);
    return this.toDoc ? { text: local.text, map: local.map.composeWith(this.toDoc) } : local;
  }
}

export interface Variable {
  /** Lower-case with '@'. */
  key: string;
  name: string;
  /** The declared type as written, lower-case; null when unknown. */
  type: string | null;
  value: Value;
}

/** The variables of one batch (or one dynamic SQL text): T-SQL scopes variables to the batch. */
export class Scope {
  private readonly vars = new Map<string, Variable>();

  declare(name: string, type: string | null, value: Value): void {
    this.vars.set(name.toLowerCase(), { key: name.toLowerCase(), name, type, value });
  }

  lookup(name: string): Variable | undefined {
    return this.vars.get(name.toLowerCase());
  }

  assign(name: string, value: Value): void {
    const v = this.vars.get(name.toLowerCase());
    if (v) v.value = value;
  }
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '&', '|', '^']);

/** Where in the token list the expression ended, and what it evaluates to. */
export interface Evaluated {
  value: Value;
  next: number;
}

export class Evaluator {
  constructor(
    private readonly src: SourceText,
    private readonly tokens: readonly Token[],
    private readonly scope: Scope,
    /** Called for each variable used before any declaration in this batch (Msg 137). */
    private readonly onUndeclared: (token: Token) => void,
  ) {}

  /** Reads an expression starting at token i. */
  expression(i: number): Evaluated {
    let { value, next } = this.term(i);
    // Texts '+'-ed onto a text are joined once at the end: joining them one by one copied the
    // source map so far at each '+', which made a long chain quadratic.
    const texts: MappedText[] = [];
    const joined = (): Value => (texts.length > 0 && value.kind === 'text' ? concatTexts([value.text, ...texts]) : value);
    for (;;) {
      const op = this.tokens[next];
      if (!op || op.kind !== 'operator' || !ARITHMETIC.has(this.src.slice(op))) return { value: joined(), next };
      const right = this.term(next + 1);
      if (right.next === next + 1) return { value: joined(), next }; // nothing after the operator
      const plus = this.src.slice(op) === '+';
      if (plus && value.kind === 'text' && right.value.kind === 'text') texts.push(right.value.text);
      else {
        value = joined();
        texts.length = 0;
        value = plus ? add(value, right.value) : combineUnknown(value, right.value, 'arithmetic');
      }
      next = right.next;
    }
  }

  /** How many terms are being read inside one another (parentheses, signs, function arguments). */
  private depth = 0;

  private term(i: number): Evaluated {
    const t = this.tokens[i];
    if (!t) return { value: unknown('nothing'), next: i };
    // Each level of nesting costs stack frames: past this depth the term is skipped whole
    // (an unknown value), so that thousands of '(' are a value we cannot know, not a stack overflow.
    if (this.depth >= MAX_NESTING) return { value: unknown('an expression nested too deeply'), next: skipTerm(this.tokens, i) };
    this.depth++;
    try {
      return this.termAt(i, t);
    } finally {
      this.depth--;
    }
  }

  private termAt(i: number, t: Token): Evaluated {
    switch (t.kind) {
      case 'string':
        return { value: { kind: 'text', text: this.src.stringValue(t) }, next: i + 1 };
      case 'number':
        return { value: { kind: 'number', value: Number(this.src.slice(t)) }, next: i + 1 };
      case 'variable': {
        const v = this.scope.lookup(this.src.slice(t));
        if (!v) {
          this.onUndeclared(t);
          return { value: unknown(`the undeclared variable ${this.src.slice(t)}`), next: i + 1 };
        }
        return { value: v.value, next: i + 1 };
      }
      case 'systemVariable':
        return { value: unknown(`the system function ${this.src.slice(t)}`), next: i + 1 };
      case 'binary':
        return { value: unknown('a binary constant'), next: i + 1 };
      case 'operator': {
        const op = this.src.slice(t);
        if (op !== '-' && op !== '+') return { value: unknown('nothing'), next: i };
        const operand = this.term(i + 1);
        if (operand.value.kind === 'number') {
          return { value: { kind: 'number', value: op === '-' ? -operand.value.value : operand.value.value }, next: operand.next };
        }
        return { value: unknown('a signed expression'), next: operand.next };
      }
      case 'lparen': {
        const close = matchingParen(this.tokens, i);
        if (this.src.isWord(this.tokens[i + 1], 'SELECT')) return { value: unknown('a query'), next: close + 1 };
        const inner = this.expression(i + 1);
        return { value: inner.next === close ? inner.value : unknown('an expression'), next: close + 1 };
      }
      case 'word':
      case 'quotedIdent':
        return this.wordTerm(i);
      default:
        return { value: unknown('nothing'), next: i };
    }
  }

  private wordTerm(i: number): Evaluated {
    const t = this.tokens[i]!;
    const word = this.src.upper(t);
    if (word === 'NULL') return { value: { kind: 'null' }, next: i + 1 };
    if (STATEMENT_KEYWORDS.has(word)) return { value: unknown('nothing'), next: i };
    const open = this.tokens[i + 1];
    if (open?.kind !== 'lparen') {
      // A column or other name: skip a dotted name.
      let next = i + 1;
      while (this.tokens[next]?.kind === 'dot' && this.tokens[next + 1]) next += 2;
      return { value: unknown(`the name ${this.src.slice(t)}`), next };
    }
    const close = matchingParen(this.tokens, i + 1);
    const args = splitArguments(this.tokens, i + 2, close);
    switch (word) {
      case 'CHAR':
      case 'NCHAR': {
        const code = args.length === 1 ? this.expression(args[0]!.start) : null;
        if (code && code.value.kind === 'number' && Number.isInteger(code.value.value)) {
          const n = code.value.value;
          const max = word === 'CHAR' ? 255 : 0xffff;
          if (n >= 0 && n <= max) return { value: charValue(n, this.src.docRange(t.start, t.end)[0]), next: close + 1 };
        }
        if (code && code.value.kind === 'null') return { value: { kind: 'null' }, next: close + 1 };
        return { value: unknown(`${word}() of a value that is not a known code`), next: close + 1 };
      }
      case 'CAST': {
        // CAST(expr AS type): string and number types keep the value for our purposes.
        const inner = this.expression(i + 2);
        return { value: this.src.isWord(this.tokens[inner.next], 'AS') ? inner.value : unknown('CAST'), next: close + 1 };
      }
      case 'CONVERT': {
        const valueArg = args[1];
        if (!valueArg) return { value: unknown('CONVERT'), next: close + 1 };
        const inner = this.expression(valueArg.start);
        return { value: inner.next === valueArg.end ? inner.value : unknown('CONVERT'), next: close + 1 };
      }
      case 'CONCAT': {
        let value: Value = { kind: 'text', text: { text: '', map: new SourceMapBuilder().build() } };
        for (const arg of args) {
          const part = this.expression(arg.start);
          // CONCAT treats NULL as an empty string.
          if (part.value.kind !== 'null') value = add(value, part.value);
        }
        return { value, next: close + 1 };
      }
      default:
        return { value: unknown(`the function ${this.src.slice(t)}()`), next: close + 1 };
    }
  }
}

/** Deeper than any expression written by hand; shallow enough for the stack of any thread. */
const MAX_NESTING = 200;

/** Where the term at `i` ends, without reading it: past its parentheses, if it has any. */
function skipTerm(tokens: readonly Token[], i: number): number {
  if (tokens[i]!.kind === 'lparen') return matchingParen(tokens, i) + 1;
  if (tokens[i + 1]?.kind === 'lparen' && tokens[i]!.kind === 'word') return matchingParen(tokens, i + 1) + 1;
  return i + 1;
}

function unknown(why: string): Value {
  return { kind: 'unknown', why };
}

function charValue(code: number, docOffset: number): Value {
  const builder = new SourceMapBuilder();
  builder.add(docOffset, 1);
  return { kind: 'text', text: { text: String.fromCharCode(code), map: builder.build() } };
}

function concatTexts(parts: readonly MappedText[]): Value {
  const builder = new SourceMapBuilder();
  for (const part of parts) builder.addMap(part.map);
  return { kind: 'text', text: { text: parts.map((p) => p.text).join(''), map: builder.build() } };
}

/** T-SQL '+': concatenation of strings, addition of numbers; NULL makes NULL. */
export function add(left: Value, right: Value): Value {
  if (left.kind === 'null' || right.kind === 'null') return { kind: 'null' };
  if (left.kind === 'text' && right.kind === 'text') {
    const builder = new SourceMapBuilder();
    builder.addMap(left.text.map);
    builder.addMap(right.text.map);
    return { kind: 'text', text: { text: left.text.text + right.text.text, map: builder.build() } };
  }
  if (left.kind === 'number' && right.kind === 'number') return { kind: 'number', value: left.value + right.value };
  return combineUnknown(left, right, 'a string and a number added');
}

function combineUnknown(left: Value, right: Value, why: string): Value {
  if (left.kind === 'unknown') return left;
  if (right.kind === 'unknown') return right;
  return unknown(why);
}

/** Index of the ')' matching the '(' at `open`, or the last token when unbalanced. */
export function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const kind = tokens[k]!.kind;
    if (kind === 'lparen') depth++;
    else if (kind === 'rparen' && --depth === 0) return k;
    else if (kind === 'go') return k - 1;
  }
  return tokens.length - 1;
}

/** The comma-separated token ranges between `from` and `to` (exclusive), at parenthesis depth 0. */
function splitArguments(tokens: readonly Token[], from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = from;
  let depth = 0;
  for (let k = from; k < to; k++) {
    const kind = tokens[k]!.kind;
    if (kind === 'lparen') depth++;
    else if (kind === 'rparen') depth--;
    else if (kind === 'comma' && depth === 0) {
      out.push({ start, end: k });
      start = k + 1;
    }
  }
  if (to > start) out.push({ start, end: to });
  return out;
}

/** Words that begin a statement: an expression never continues into one. */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'DECLARE', 'SET', 'EXEC', 'EXECUTE', 'IF', 'ELSE', 'WHILE',
  'BEGIN', 'END', 'RETURN', 'PRINT', 'CREATE', 'ALTER', 'DROP', 'USE', 'GRANT', 'DENY', 'REVOKE', 'WITH',
  'FROM', 'WHERE', 'GROUP', 'ORDER', 'HAVING', 'UNION', 'GOTO', 'BREAK', 'CONTINUE', 'RAISERROR', 'THROW',
  'TRUNCATE', 'OPEN', 'CLOSE', 'FETCH', 'DEALLOCATE', 'COMMIT', 'ROLLBACK', 'SAVE', 'WAITFOR', 'REVERT',
  'RECONFIGURE', 'BACKUP', 'RESTORE', 'DBCC', 'KILL', 'CHECKPOINT', 'SHUTDOWN', 'AS', 'OUTPUT', 'OUT',
]);

/** Upper-casing never shortens a word: a word longer than this is no statement keyword. */
const LONGEST_STATEMENT_KEYWORD = Math.max(...[...STATEMENT_KEYWORDS].map((k) => k.length));
