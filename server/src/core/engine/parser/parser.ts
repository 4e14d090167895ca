// The token cursor every part of the statement parser shares. A syntax error unwinds with a
// ParseStop to the statement loop, which records it and resynchronises; nothing escapes the
// parser (see parse.ts).
import type { Token, TokenKind } from '../../tsql/lexer';
import { decodeString, identifierName } from '../../tsql/literals';
import type { Identifier, Span, VariableRef } from '../ast';
import { incorrectSyntax, notSupported, sqlError, type SqlError } from './errors';
import { RESERVED } from './keywords';

/** Unwinds the parse of one statement. `fatal` abandons the whole batch (nesting too deep). */
export class ParseStop {
  constructor(
    readonly error: SqlError,
    readonly fatal = false,
  ) {}
}

/**
 * Nesting of parentheses, subqueries, CASE and blocks beyond this is refused (Msg 191) instead of
 * exhausting the stack. SQL Server's own limits are lower (32 nested subqueries).
 */
const MAX_NESTING = 150;

export class Parser {
  pos = 0;
  /** Syntax errors recorded by statement lists as they resynchronise. */
  readonly errors: SqlError[] = [];
  private depth = 0;
  /** Upper-case text of each word token, '' for other kinds. */
  private readonly words: string[];

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
  ) {
    this.words = tokens.map((t) => (t.kind === 'word' ? text.slice(t.start, t.end).toUpperCase() : ''));
  }

  peek(k = 0): Token | undefined {
    return this.tokens[this.pos + k];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** The upper-case word at pos + k, or '' when that token is not a word. */
  word(k = 0): string {
    return this.words[this.pos + k] ?? '';
  }

  isWord(word: string, k = 0): boolean {
    return this.words[this.pos + k] === word;
  }

  isKind(kind: TokenKind, k = 0): boolean {
    return this.tokens[this.pos + k]?.kind === kind;
  }

  /** The operator text at pos + k, or ''. */
  op(k = 0): string {
    const t = this.tokens[this.pos + k];
    return t?.kind === 'operator' ? this.text.slice(t.start, t.end) : '';
  }

  isOp(op: string, k = 0): boolean {
    return this.op(k) === op;
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (!t) this.fail();
    this.pos++;
    return t;
  }

  acceptWord(word: string): Token | null {
    return this.isWord(word) ? this.next() : null;
  }

  expectWord(word: string): Token {
    return this.isWord(word) ? this.next() : this.fail();
  }

  accept(kind: TokenKind): Token | null {
    return this.isKind(kind) ? this.next() : null;
  }

  expect(kind: TokenKind): Token {
    return this.isKind(kind) ? this.next() : this.fail();
  }

  acceptOp(op: string): Token | null {
    return this.isOp(op) ? this.next() : null;
  }

  expectOp(op: string): Token {
    return this.isOp(op) ? this.next() : this.fail();
  }

  slice(t: Span): string {
    return this.text.slice(t.start, t.end);
  }

  /** The end of the last consumed token (where the current construct ends). */
  lastEnd(): number {
    return this.tokens[this.pos - 1]?.end ?? this.tokens[0]?.start ?? 0;
  }

  /** Whether the token at pos + k is the first on its line. */
  atLineStart(k = 0): boolean {
    const i = this.pos + k;
    const t = this.tokens[i];
    if (!t) return false;
    const before = this.tokens[i - 1];
    return !before || /[\r\n]/.test(this.text.slice(before.end, t.start));
  }

  /** Is the token at pos + k a name: a non-reserved word or a delimited identifier? */
  isIdentifier(k = 0): boolean {
    const t = this.tokens[this.pos + k];
    return !!t && ((t.kind === 'word' && !RESERVED.has(this.words[this.pos + k]!)) || t.kind === 'quotedIdent');
  }

  identifier(): Identifier {
    if (!this.isIdentifier()) this.fail();
    return this.identifierAt(this.next());
  }

  identifierAt(t: Token): Identifier {
    return { name: identifierName(this.text, t), quoted: t.kind === 'quotedIdent', start: t.start, end: t.end };
  }

  /** A variable token (@name, or @@name for a system one) as a reference. */
  variableAt(t: Token): VariableRef {
    return { kind: 'variable', name: this.slice(t), system: t.kind === 'systemVariable', start: t.start, end: t.end };
  }

  /** Msg 102/156 at the current token, or at the last token when the batch ended too early. */
  fail(at?: Token): never {
    const t = at ?? this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1];
    if (!t) throw new ParseStop(incorrectSyntax('', false, 0, 0));
    const keyword = t.kind === 'word' && RESERVED.has(this.text.slice(t.start, t.end).toUpperCase());
    throw new ParseStop(incorrectSyntax(this.nearText(t), keyword, t.start, t.end));
  }

  unsupported(what: string, span: Span): never {
    throw new ParseStop(notSupported(what, span.start, span.end));
  }

  /** Any other SQL Server compile error. */
  error(number: number, state: number, message: string, span: Span, level = 15): never {
    throw new ParseStop(sqlError(number, level, state, message, span.start, span.end));
  }

  /** Runs `inner` one nesting level deeper, refusing (Msg 191) past MAX_NESTING. */
  nested<T>(inner: () => T): T {
    if (this.depth >= MAX_NESTING) {
      const t = this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1]!;
      const message = 'Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.';
      throw new ParseStop(sqlError(191, 15, 1, message, t.start, t.end), true);
    }
    this.depth++;
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }

  /** The first token at or after `offset` (the operator after an operand ending there). */
  tokenAfter(offset: number): Token | undefined {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.tokens[lo];
  }

  /** How SQL Server quotes a token in "near '...'": strings and names without their delimiters. */
  nearText(t: Token): string {
    if (t.kind === 'string') return decodeString(this.text, t).text;
    if (t.kind === 'quotedIdent') return identifierName(this.text, t);
    return this.text.slice(t.start, t.end);
  }
}
