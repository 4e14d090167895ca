// A light tokenizer for the embedded Python and R: names, string literals (with their decoded
// value and where their content lies), punctuation. Comments are dropped. It serves the
// pre-flight detectors, which look for calls and literals, not a full parse (the real parsers
// run separately and report syntax errors).
import type { LanguageKind } from '../scriptCall/binding';

export type ScriptLanguage = Exclude<LanguageKind, 'other'>;

export type ScriptTokenKind = 'name' | 'string' | 'number' | 'punct' | 'newline';

export interface ScriptToken {
  kind: ScriptTokenKind;
  /** Offsets in the script text, end exclusive. */
  start: number;
  end: number;
  /** name: the identifier (R: `quoted` names without the backticks); punct: the operator. */
  text: string;
  /** string: the decoded value. */
  value?: string;
  /** string: where the characters between the quotes lie in the script text. */
  contentStart?: number;
  contentEnd?: number;
  /** string: the value is exactly the script text [contentStart, contentEnd) (no escapes decoded). */
  verbatim?: boolean;
}

const PY_STRING_PREFIX = /^(?:[rR][bBfF]?|[bBfF][rR]?|[uU])$/;
const PUNCT_2 = ['::', '<-', '->', '==', '!=', '<=', '>=', '**', '//', '%%', ':='];

export function lexScript(text: string, language: ScriptLanguage): ScriptToken[] {
  const tokens: ScriptToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'newline', start: i, end: i + 1, text: '\n' });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const t = language === 'python' ? pythonString(text, i, i, '') : rString(text, i);
      tokens.push(t);
      i = t.end;
      continue;
    }
    if (language === 'r' && c === '`') {
      let k = i + 1;
      while (k < n && text[k] !== '`' && text[k] !== '\n') k++;
      tokens.push({ kind: 'name', start: i, end: Math.min(k + 1, n), text: text.slice(i + 1, k) });
      i = Math.min(k + 1, n);
      continue;
    }
    if (isNameStart(c, language)) {
      let k = i + 1;
      while (k < n && isNamePart(text[k]!, language)) k++;
      const word = text.slice(i, k);
      const next = text[k];
      if (next === '"' || next === "'") {
        if (language === 'python' && PY_STRING_PREFIX.test(word)) {
          const t = pythonString(text, i, k, word);
          tokens.push(t);
          i = t.end;
          continue;
        }
        if (language === 'r' && (word === 'r' || word === 'R')) {
          const t = rRawString(text, i, k);
          if (t) {
            tokens.push(t);
            i = t.end;
            continue;
          }
        }
      }
      tokens.push({ kind: 'name', start: i, end: k, text: word });
      i = k;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let k = i + 1;
      while (k < n && /[0-9A-Za-z_.]/.test(text[k]!)) k++;
      tokens.push({ kind: 'number', start: i, end: k, text: text.slice(i, k) });
      i = k;
      continue;
    }
    const two = text.slice(i, i + 2);
    const op = PUNCT_2.includes(two) ? two : c;
    tokens.push({ kind: 'punct', start: i, end: i + op.length, text: op });
    i += op.length;
  }
  return tokens;
}

function isNameStart(c: string, language: ScriptLanguage): boolean {
  if (/[A-Za-z_]/.test(c)) return true;
  if (language === 'r' && c === '.') return true;
  return c.charCodeAt(0) > 127 && /\p{L}/u.test(c);
}

function isNamePart(c: string, language: ScriptLanguage): boolean {
  if (/[A-Za-z0-9_]/.test(c)) return true;
  if (language === 'r' && c === '.') return true;
  return c.charCodeAt(0) > 127 && /[\p{L}\p{N}]/u.test(c);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** A Python string starting at `start` (its prefix) whose opening quote is at `quoteAt`. */
function pythonString(text: string, start: number, quoteAt: number, prefix: string): ScriptToken {
  const q = text[quoteAt]!;
  const triple = text.slice(quoteAt, quoteAt + 3) === q.repeat(3);
  const open = triple ? 3 : 1;
  const raw = /[rR]/.test(prefix);
  const contentStart = quoteAt + open;
  let k = contentStart;
  let value = '';
  let verbatim = true;
  const n = text.length;
  for (;;) {
    if (k >= n) return stringToken(start, n, value, contentStart, n, verbatim);
    const c = text[k]!;
    if (triple ? text.slice(k, k + 3) === q.repeat(3) : c === q) {
      return stringToken(start, k + open, value, contentStart, k, verbatim);
    }
    if (!triple && c === '\n') return stringToken(start, k, value, contentStart, k, verbatim); // unterminated
    if (c === '\\' && k + 1 < n) {
      const e = text[k + 1]!;
      if (raw) {
        value += c + e;
      } else {
        verbatim = false;
        value += e === '\n' ? '' : (ESCAPES[e] ?? c + e);
      }
      k += 2;
      continue;
    }
    value += c;
    k++;
  }
}

/** An R string '...' or "..." with backslash escapes; R strings may span lines. */
function rString(text: string, start: number): ScriptToken {
  const q = text[start]!;
  const n = text.length;
  let k = start + 1;
  let value = '';
  let verbatim = true;
  while (k < n && text[k] !== q) {
    if (text[k] === '\\' && k + 1 < n) {
      verbatim = false;
      const e = text[k + 1]!;
      value += ESCAPES[e] ?? e;
      k += 2;
      continue;
    }
    value += text[k];
    k++;
  }
  return stringToken(start, Math.min(k + 1, n), value, start + 1, Math.min(k, n), verbatim);
}

/** R 4.0 raw strings: r"(...)", R'[...]', r"---{...}---". */
function rRawString(text: string, start: number, quoteAt: number): ScriptToken | null {
  const m = /^(["'])(-*)([([{])/.exec(text.slice(quoteAt, quoteAt + 200));
  if (!m) return null;
  const close = { '(': ')', '[': ']', '{': '}' }[m[3] as '(' | '[' | '{'];
  const terminator = close + m[2] + m[1];
  const contentStart = quoteAt + m[0].length;
  const end = text.indexOf(terminator, contentStart);
  const contentEnd = end < 0 ? text.length : end;
  return stringToken(start, end < 0 ? text.length : end + terminator.length, text.slice(contentStart, contentEnd), contentStart, contentEnd, true);
}

function stringToken(start: number, end: number, value: string, contentStart: number, contentEnd: number, verbatim: boolean): ScriptToken {
  return { kind: 'string', start, end, text: '', value, contentStart, contentEnd, verbatim };
}

/** Where in the script text the value's characters [from, to) lie, when that is knowable. */
export function valueRange(token: ScriptToken, from: number, to: number): [number, number] {
  if (token.verbatim && token.contentStart !== undefined) return [token.contentStart + from, token.contentStart + to];
  return [token.start, token.end];
}
