// A T-SQL lexer over the whole document. It never throws: an unterminated string, comment or
// bracketed name becomes a positioned problem, and lexing goes on, so the rest of the file is
// still analysed. Whitespace and comments are dropped; the parser never needs them.
import { makeProblem, type Problem } from '../problems';

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

/** `GO [count] [-- comment]` alone on its line, as sqlcmd and SSMS recognise it. */
const GO_LINE = /[ \t]*go(?:[ \t]+(\d+))?[ \t]*(?:--[^\r\n]*)?(?=\r|\n|$)/iy;
const NEXT_GO_LINE = /(?:\r\n?|\n)([ \t]*go(?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?)(?=\r|\n|$)/gi;

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  const n = text.length;
  let i = 0;
  let lineStart = true; // only whitespace since the last line break

  /**
   * An unterminated construct that began at `start` ends where the next batch begins (a GO line
   * after it), or at the end of the text; returns that offset.
   */
  const recoveryEnd = (from: number): number => {
    NEXT_GO_LINE.lastIndex = from;
    const m = NEXT_GO_LINE.exec(text);
    return m ? m.index + m[0].length - m[1]!.length : n;
  };

  /**
   * Scans to the closing delimiter (doubled means escaped). A literal never spans a batch
   * separator: a GO line inside one means the literal was left open, so it ends before that line.
   */
  const scanDelimited = (close: number, from: number): { end: number; closed: boolean } => {
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
  };

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
        problems.push(makeProblem('SQLML002', 'Missing end comment mark \'*/\'.', start, start + 2));
        i = recoveryEnd(start + 2);
        lineStart = true;
      }
      continue;
    }

    // Strings: '...' and N'...'
    if (c === Ch.Quote || ((c === 78 || c === 110) && text.charCodeAt(i + 1) === Ch.Quote)) {
      const unicode = c !== Ch.Quote;
      i += unicode ? 2 : 1;
      const { end, closed } = scanDelimited(Ch.Quote, i);
      i = end;
      const token: Token = { kind: 'string', start, end: i, unicode };
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
      const { end, closed } = scanDelimited(c === Ch.LBracket ? Ch.RBracket : Ch.DQuote, i + 1);
      i = end;
      const token: Token = { kind: 'quotedIdent', start, end: i };
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
      tokens.push({ kind: system ? 'systemVariable' : 'variable', start, end: i });
      continue;
    }

    // Numbers and binaries
    if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(i + 1)))) {
      if (c === Ch.Zero && (text.charCodeAt(i + 1) | 32) === 120 /* x */) {
        i += 2;
        while (i < n && /[0-9a-fA-F]/.test(text[i]!)) i++;
        tokens.push({ kind: 'binary', start, end: i });
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
      tokens.push({ kind: 'number', start, end: i });
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
          tokens.push({ kind: 'go', start, end: start + m[0].trimEnd().length, count });
          i = start + m[0].length;
          continue;
        }
      }
      tokens.push({ kind: 'word', start, end: i });
      continue;
    }

    i++;
    switch (c) {
      case Ch.Comma:
        tokens.push({ kind: 'comma', start, end: i });
        break;
      case Ch.LParen:
        tokens.push({ kind: 'lparen', start, end: i });
        break;
      case Ch.RParen:
        tokens.push({ kind: 'rparen', start, end: i });
        break;
      case Ch.Semicolon:
        tokens.push({ kind: 'semicolon', start, end: i });
        break;
      case Ch.Dot:
        tokens.push({ kind: 'dot', start, end: i });
        break;
      default: {
        // Two-character operators: <> != <= >= !< !> += -= *= /= %= &= |= ^= ::
        const next = text[i];
        const pair = text[start]! + (next ?? '');
        if (/^(?:<>|!=|<=|>=|!<|!>|[-+*/%&|^]=|::)$/.test(pair)) i++;
        tokens.push({ kind: 'operator', start, end: i });
      }
    }
  }
  return { tokens, problems };
}
