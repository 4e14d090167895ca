// A T-SQL lexer over the whole document. It never throws: an unterminated string, comment or
// bracketed name becomes a positioned problem, and lexing goes on, so the rest of the file is
// still analysed. Whitespace and comments are dropped; the parser never needs them.
import { makeProblem, type Problem } from '../diagnostics/problems';

export type TokenKind =
  | 'word' // keywords and regular identifiers, #temp names
  | 'quotedIdent' // [name] or "name"
  | 'string' // '...' or N'...'
  | 'variable' // @name
  | 'systemVariable' // @@name
  | 'number'
  | 'binary' // 0x...
  | 'operator'
  | 'comma'
  | 'lparen'
  | 'rparen'
  | 'semicolon'
  | 'dot'
  | 'go'; // a batch separator line: GO [count]

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** 'string': N'...'; 'go': the repeat count (1 when absent). */
  unicode?: boolean;
  count?: number;
  /** The closing delimiter is missing (string, quoted identifier). */
  unterminated?: boolean;
}

export interface LexResult {
  tokens: Token[];
  problems: Problem[];
}

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 39, // '
  DQuote = 34, // "
  Hash = 35,
  Dollar = 36,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Semicolon = 59,
  At = 64,
  LBracket = 91,
  RBracket = 93,
  Underscore = 95,
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === Ch.Underscore || c === Ch.Hash || (c > 127 && isLetterLike(c));
}

/** The ASCII characters that go on with a word or a variable's name: letters, digits, _ # @ $. */
const IDENT_PART_ASCII = new Uint8Array(128).map((_, c) => (isIdentStart(c) || isDigit(c) || c === Ch.At || c === Ch.Dollar ? 1 : 0));

/** Every character of every word goes through here: for ASCII, one table read instead of up to nine comparisons. */
function isIdentPart(c: number): boolean {
  return c < 128 ? IDENT_PART_ASCII[c] === 1 : isLetterLike(c);
}

function isLetterLike(c: number): boolean {
  // Non-ASCII letters are identifier characters in T-SQL; spaces and punctuation outside ASCII are not.
  return !(c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x206f) || c === 0x3000);
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.LF || c === Ch.CR || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/**
 * Every token has every field (undefined where it does not apply): tokens of one shape keep the
 * scanner's and parser's property reads monomorphic, which tokens of five shapes did not.
 */
function makeToken(kind: TokenKind, start: number, end: number, unicode: boolean | undefined, count: number | undefined): Token {
  return { kind, start, end, unicode, count, unterminated: undefined };
}

/**
 * Token objects kept for the next batch. Scanning a document batch by batch, each batch's tokens
 * are garbage once it is scanned; lexing the next batch into the same objects spares allocating
 * (and the collector copying) some 100 bytes per token. Tokens lexed through a pool are valid only
 * until the next batch is lexed through it.
 */
export class TokenPool {
  readonly objects: Token[] = [];
}

/**
 * Where the lexer puts its tokens: objects[0, count). Lexing into a fresh array, every object is
 * new; lexing into a pool's array, the objects of the batch before are overwritten first.
 */
class TokenWriter {
  count = 0;
  constructor(readonly objects: Token[]) {}

  push(kind: TokenKind, start: number, end: number, unicode: boolean | undefined, count: number | undefined): Token {
    const n = this.count++;
    if (n === this.objects.length) {
      const token = makeToken(kind, start, end, unicode, count);
      this.objects.push(token);
      return token;
    }
    const token = this.objects[n]!;
    token.kind = kind;
    token.start = start;
    token.end = end;
    token.unicode = unicode;
    token.count = count;
    token.unterminated = undefined;
    return token;
  }

  last(): Token {
    return this.objects[this.count - 1]!;
  }
}

/** `GO [count] [-- comment]` alone on its line, as sqlcmd and SSMS recognise it. */
const GO_LINE = /[ \t]*go(?:[ \t]+(\d+))?[ \t]*(?:--[^\r\n]*)?(?=\r|\n|$)/iy;
const NEXT_GO_LINE = /(?:\r\n?|\n)([ \t]*go(?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?)(?=\r|\n|$)/gi;

export function lex(text: string): LexResult {
  const out = new TokenWriter([]);
  const problems: Problem[] = [];
  lexFrom(text, 0, false, out, problems);
  return { tokens: out.objects, problems };
}

/** One batch's tokens (its closing GO token included, when it has one) and where the next batch's text begins. */
export interface BatchLexResult extends LexResult {
  next: number;
  /**
   * The last offset whose character the lexing read: the line break at `next` (or the end of the
   * text), or further when a block comment left open made the lexer look for its end to the end
   * of the text.
   */
  reach: number;
}

/**
 * Lexes the batch whose text begins at `from` (0, or a `next` returned before): up to and
 * including its GO line. The lexer reads nothing before `from`, and after a GO line it is in the
 * same state as at the start of a text, so a document lexed batch by batch gives exactly the
 * tokens lex() gives; what a batch's tokens depend on is the text from `from` up to `reach`.
 */
export function lexBatch(text: string, from: number, pool: TokenPool | null = null): BatchLexResult {
  const out = new TokenWriter(pool ? pool.objects : []);
  const problems: Problem[] = [];
  const { next, reach } = lexFrom(text, from, true, out, problems);
  return { tokens: pool ? out.objects.slice(0, out.count) : out.objects, problems, next, reach };
}

/**
 * Lexes from `from` to the end, or (stopAfterGo) to the end of the first GO line; says where it
 * stopped and how far it read. Each construct is scanned by its own function below; this loop
 * only tracks line starts and picks the scanner by the first character.
 */
function lexFrom(text: string, from: number, stopAfterGo: boolean, out: TokenWriter, problems: Problem[]): { next: number; reach: number } {
  const n = text.length;
  let i = from;
  let lineStart = true; // only whitespace since the last line break
  let readToEnd = false;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.LF || c === Ch.CR) {
      lineStart = true;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const atLineStart = lineStart;
    lineStart = false;
    const next = text.charCodeAt(i + 1);

    if (c === Ch.Minus && next === Ch.Minus) {
      i = lineCommentEnd(text, i + 2);
    } else if (c === Ch.Slash && next === Ch.Star) {
      i = blockCommentEnd(text, i + 2);
      if (i < 0) {
        readToEnd = true;
        problems.push(makeProblem('SQLML002', 'Missing end comment mark \'*/\'.', start, start + 2));
        i = recoveryEnd(text, start + 2);
        lineStart = true;
      }
    } else if (c === Ch.Quote || ((c === 78 || c === 110) && next === Ch.Quote)) {
      i = lexString(text, start, c !== Ch.Quote, out, problems);
      lineStart = out.last().unterminated === true;
    } else if (c === Ch.LBracket || c === Ch.DQuote) {
      i = lexQuotedIdent(text, start, c, out, problems);
      lineStart = out.last().unterminated === true;
    } else if (c === Ch.At) {
      const system = next === Ch.At;
      i = wordEnd(text, i + (system ? 2 : 1));
      out.push(system ? 'systemVariable' : 'variable', start, i, undefined, undefined);
    } else if (c === Ch.Zero && (next | 32) === 120 /* x */) {
      i = hexEnd(text, i + 2);
      out.push('binary', start, i, undefined, undefined);
    } else if (isDigit(c) || (c === Ch.Dot && isDigit(next))) {
      i = numberEnd(text, i);
      out.push('number', start, i, undefined, undefined);
    } else if (isIdentStart(c)) {
      i = wordEnd(text, i + 1);
      const go = atLineStart && i - start === 2 && (c | 32) === 103 && (next | 32) === 111 ? goLineEnd(text, start, out) : -1;
      if (go < 0) out.push('word', start, i, undefined, undefined);
      else {
        i = go;
        if (stopAfterGo) break;
      }
    } else {
      i = lexPunctuation(text, start, c, out);
    }
  }
  // One way out: a return reached only at the end of the text (once a document) was a site the
  // optimized loop had no feedback for, and in some processes it deoptimized there every time.
  return { next: i, reach: readToEnd ? n : i };
}

/** The end of a `-- comment`: the line break (left for the loop) or the end of the text. */
function lineCommentEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (d === Ch.LF || d === Ch.CR) break;
    i++;
  }
  return i;
}

/** The end of a block comment whose body starts at `from`, nested comments counted; -1 when it is never closed. */
function blockCommentEnd(text: string, from: number): number {
  const n = text.length;
  let depth = 1;
  let i = from;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (d === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      depth++;
      i += 2;
    } else if (d === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return -1;
}

/** A '...' or N'...' literal at `start`: pushes its token (and a problem when it is left open); returns its end. */
function lexString(text: string, start: number, unicode: boolean, out: TokenWriter, problems: Problem[]): number {
  const bodyStart = start + (unicode ? 2 : 1);
  const { end, closed } = scanDelimited(text, Ch.Quote, bodyStart);
  const token = out.push('string', start, end, unicode, undefined);
  if (!closed) {
    token.unterminated = true;
    const body = text.slice(bodyStart, Math.min(end, start + 40)).split(/\r|\n/)[0];
    problems.push(makeProblem('SQLML001', `Unclosed quotation mark after the character string '${body}'.`, start, bodyStart));
  }
  return end;
}

/** A [name] (with ]]) or "name" (with "") at `start`: pushes its token (and a problem when it is left open); returns its end. */
function lexQuotedIdent(text: string, start: number, open: number, out: TokenWriter, problems: Problem[]): number {
  const bracket = open === Ch.LBracket;
  const { end, closed } = scanDelimited(text, bracket ? Ch.RBracket : Ch.DQuote, start + 1);
  const token = out.push('quotedIdent', start, end, undefined, undefined);
  if (!closed) {
    token.unterminated = true;
    const what = bracket ? "bracketed name: the ']'" : 'quoted identifier: the \'"\'';
    problems.push(makeProblem('SQLML003', `Unclosed ${what} is missing.`, start, start + 1));
  }
  return end;
}

/** The end of the identifier characters from `from` (words and variables). */
function wordEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n && isIdentPart(text.charCodeAt(i))) i++;
  return i;
}

function digitsEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i;
}

function hexEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n && isHexDigit(text.charCodeAt(i))) i++;
  return i;
}

/** The end of a number at `from`: digits, an optional fraction, an optional exponent (only when digits follow the e). */
function numberEnd(text: string, from: number): number {
  let i = digitsEnd(text, from);
  if (text.charCodeAt(i) === Ch.Dot) i = digitsEnd(text, i + 1);
  if ((text.charCodeAt(i) | 32) === 101 /* e */) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === Ch.Plus || sign === Ch.Minus) j++;
    if (isDigit(text.charCodeAt(j))) i = digitsEnd(text, j);
  }
  return i;
}

/** When the word GO at `start` (first on its line) is a batch separator line, pushes its token and returns the line's end; otherwise -1. */
function goLineEnd(text: string, start: number, out: TokenWriter): number {
  GO_LINE.lastIndex = start;
  const m = GO_LINE.exec(text);
  if (!m) return -1;
  const count = m[1] === undefined ? 1 : Number(m[1]);
  out.push('go', start, start + m[0].trimEnd().length, undefined, count);
  return start + m[0].length;
}

/** A one-character token, or an operator of one or two characters; returns its end. */
function lexPunctuation(text: string, start: number, c: number, out: TokenWriter): number {
  const kind: TokenKind | undefined = c === Ch.Comma ? 'comma' : c === Ch.LParen ? 'lparen' : c === Ch.RParen ? 'rparen' : c === Ch.Semicolon ? 'semicolon' : c === Ch.Dot ? 'dot' : undefined;
  let end = start + 1;
  if (kind === undefined && isOperatorPair(c, text.charCodeAt(end))) end++;
  out.push(kind ?? 'operator', start, end, undefined, undefined);
  return end;
}

/**
 * An unterminated construct ends where the next batch begins (a GO line after `from`), or at the
 * end of the text; returns that offset.
 */
function recoveryEnd(text: string, from: number): number {
  NEXT_GO_LINE.lastIndex = from;
  const m = NEXT_GO_LINE.exec(text);
  return m ? m.index + m[0].length - m[1]!.length : text.length;
}

/**
 * Scans to the closing delimiter (doubled means escaped). A literal never spans a batch
 * separator: a GO line inside one means the literal was left open, so it ends before that line.
 */
function scanDelimited(text: string, close: number, from: number): { end: number; closed: boolean } {
  const n = text.length;
  let k = from;
  while (k < n) {
    const d = text.charCodeAt(k);
    if (d === close) {
      if (text.charCodeAt(k + 1) !== close) return { end: k + 1, closed: true };
      k += 2;
    } else if (d === Ch.LF || d === Ch.CR) {
      k += d === Ch.CR && text.charCodeAt(k + 1) === Ch.LF ? 2 : 1;
      GO_LINE.lastIndex = k;
      if (GO_LINE.test(text)) return { end: k, closed: false };
    } else k++;
  }
  return { end: n, closed: false };
}

/** Two-character operators: <> != <= >= !< !> += -= *= /= %= &= |= ^= :: */
function isOperatorPair(first: number, second: number): boolean {
  switch (first) {
    case 60: // <
      return second === 62 || second === 61; // <> <=
    case 62: // >
      return second === 61; // >=
    case 33: // !
      return second === 61 || second === 60 || second === 62; // != !< !>
    case 58: // :
      return second === 58; // ::
    case 45: case 43: case 42: case 47: case 37: case 38: case 124: case 94: // - + * / % & | ^
      return second === 61;
    default:
      return false;
  }
}
