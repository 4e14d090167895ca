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

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === Ch.At || c === Ch.Dollar;
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

/** `GO [count] [-- comment]` alone on its line, as sqlcmd and SSMS recognise it. */
const GO_LINE = /[ \t]*go(?:[ \t]+(\d+))?[ \t]*(?:--[^\r\n]*)?(?=\r|\n|$)/iy;
const NEXT_GO_LINE = /(?:\r\n?|\n)([ \t]*go(?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?)(?=\r|\n|$)/gi;

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  lexFrom(text, 0, false, tokens, problems);
  return { tokens, problems };
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
export function lexBatch(text: string, from: number): BatchLexResult {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  const { next, reach } = lexFrom(text, from, true, tokens, problems);
  return { tokens, problems, next, reach };
}

/** Lexes from `from` to the end, or (stopAfterGo) to the end of the first GO line; says where it stopped and how far it read. */
function lexFrom(text: string, from: number, stopAfterGo: boolean, tokens: Token[], problems: Problem[]): { next: number; reach: number } {
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

    // Comments
    if (c === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      while (i < n && text.charCodeAt(i) !== Ch.LF && text.charCodeAt(i) !== Ch.CR) i++;
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
          depth++;
          i += 2;
        } else if (d === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) {
        readToEnd = true;
        problems.push(makeProblem('SQLML002', 'Missing end comment mark \'*/\'.', start, start + 2));
        i = recoveryEnd(text, start + 2);
        lineStart = true;
      }
      continue;
    }

    // Strings: '...' and N'...'
    if (c === Ch.Quote || ((c === 78 || c === 110) && text.charCodeAt(i + 1) === Ch.Quote)) {
      const unicode = c !== Ch.Quote;
      i += unicode ? 2 : 1;
      const { end, closed } = scanDelimited(text, Ch.Quote, i);
      i = end;
      const token = makeToken('string', start, i, unicode, undefined);
      if (!closed) {
        token.unterminated = true;
        lineStart = true;
        const body = text.slice(start + (unicode ? 2 : 1), Math.min(token.end, start + 40)).split(/\r|\n/)[0];
        problems.push(
          makeProblem('SQLML001', `Unclosed quotation mark after the character string '${body}'.`, start, start + (unicode ? 2 : 1)),
        );
      }
      tokens.push(token);
      continue;
    }

    // Quoted identifiers: [name] with ]] and "name" with ""
    if (c === Ch.LBracket || c === Ch.DQuote) {
      const { end, closed } = scanDelimited(text, c === Ch.LBracket ? Ch.RBracket : Ch.DQuote, i + 1);
      i = end;
      const token = makeToken('quotedIdent', start, i, undefined, undefined);
      if (!closed) {
        token.unterminated = true;
        lineStart = true;
        const what = c === Ch.LBracket ? 'bracketed name' : 'quoted identifier';
        problems.push(
          makeProblem('SQLML003', `Unclosed ${what}: the ${c === Ch.LBracket ? "']'" : "'\"'"} is missing.`, start, start + 1),
        );
      }
      tokens.push(token);
      continue;
    }

    // Variables
    if (c === Ch.At) {
      const system = text.charCodeAt(i + 1) === Ch.At;
      i += system ? 2 : 1;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push(makeToken(system ? 'systemVariable' : 'variable', start, i, undefined, undefined));
      continue;
    }

    // Numbers and binaries
    if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(i + 1)))) {
      if (c === Ch.Zero && (text.charCodeAt(i + 1) | 32) === 120 /* x */) {
        i += 2;
        while (i < n && isHexDigit(text.charCodeAt(i))) i++;
        tokens.push(makeToken('binary', start, i, undefined, undefined));
        continue;
      }
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === Ch.Dot) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      const e = text.charCodeAt(i) | 32;
      if (e === 101 /* e */) {
        let j = i + 1;
        if (text.charCodeAt(j) === Ch.Plus || text.charCodeAt(j) === Ch.Minus) j++;
        if (isDigit(text.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      tokens.push(makeToken('number', start, i, undefined, undefined));
      continue;
    }

    // Words, with GO recognised as a batch separator when alone on its line
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      if (atLineStart && i - start === 2 && (c | 32) === 103 && (text.charCodeAt(start + 1) | 32) === 111) {
        GO_LINE.lastIndex = start;
        const m = GO_LINE.exec(text);
        if (m) {
          const count = m[1] === undefined ? 1 : Number(m[1]);
          tokens.push(makeToken('go', start, start + m[0].trimEnd().length, undefined, count));
          i = start + m[0].length;
          if (stopAfterGo) return { next: i, reach: readToEnd ? n : i };
          continue;
        }
      }
      tokens.push(makeToken('word', start, i, undefined, undefined));
      continue;
    }

    i++;
    switch (c) {
      case Ch.Comma:
        tokens.push(makeToken('comma', start, i, undefined, undefined));
        break;
      case Ch.LParen:
        tokens.push(makeToken('lparen', start, i, undefined, undefined));
        break;
      case Ch.RParen:
        tokens.push(makeToken('rparen', start, i, undefined, undefined));
        break;
      case Ch.Semicolon:
        tokens.push(makeToken('semicolon', start, i, undefined, undefined));
        break;
      case Ch.Dot:
        tokens.push(makeToken('dot', start, i, undefined, undefined));
        break;
      default:
        if (isOperatorPair(c, text.charCodeAt(i))) i++;
        tokens.push(makeToken('operator', start, i, undefined, undefined));
    }
  }
  return { next: n, reach: n };
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
