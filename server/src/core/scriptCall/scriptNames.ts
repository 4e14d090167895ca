// A light scan of Python or R source for the identifiers it reads and assigns, skipping strings
// and comments. It serves the input/output-name rules, which need "does the script mention
// InputDataSet / assign OutputDataSet", not a full parse (the real parsers run separately).
import type { LanguageKind } from './binding';

export interface ScriptNames {
  /** The identifiers that appear as code, of those asked about. */
  used: Set<string>;
  /** Those of them assigned somewhere (x = ..., x <- ..., ... -> x, for x in, import as x). */
  assigned: Set<string>;
}

/**
 * The identifiers of `script` that are one of `wanted` written in any case (InputDataSet,
 * inputdataset), as the script uses and assigns them. Only those are cut out of the text: cutting
 * and hashing every name cost most of the scan, and a name of another length is not read twice.
 */
export function scanScriptNames(script: string, language: Exclude<LanguageKind, 'other'>, wanted: readonly string[]): ScriptNames {
  const used = new Set<string>();
  const assigned = new Set<string>();
  const lowerWanted = wanted.map((w) => w.toLowerCase());
  // Each name is judged as it is found (no list of every word is kept: a long script's list cost
  // the garbage collector more than linear time). The name before it is kept as offsets.
  let previousStart = 0;
  let previousEnd = 0;
  const python = language === 'python';
  const n = script.length;
  let i = 0;
  while (i < n) {
    const c = script.charCodeAt(i);
    if (c === HASH) {
      while (i < n && script.charCodeAt(i) !== LINE_FEED) i++;
    } else if (c === DOUBLE_QUOTE || c === QUOTE || (c === BACKTICK && !python)) {
      i = skipString(script, i, language);
    } else if (isNameStart(c) && !(c === DOT && python)) {
      const start = i;
      let d = c;
      while (i < n && (isNameStart(d) || isDigit(d)) && !(d === DOT && python)) d = script.charCodeAt(++i);
      // String prefixes (f'', r'', b'') belong to the string that follows.
      const after = script.charCodeAt(i);
      if (python && (after === DOUBLE_QUOTE || after === QUOTE) && /^[rbfuRBFU]{1,2}$/.test(script.slice(start, i))) continue;
      if (wanted.some((w) => w.length === i - start)) {
        const name = script.slice(start, i);
        if (lowerWanted.includes(name.toLowerCase())) {
          used.add(name);
          if (isAssigned(script, language, start, i, script.slice(previousStart, previousEnd))) assigned.add(name);
        }
      }
      previousStart = start;
      previousEnd = i;
    } else i++;
  }
  return { used, assigned };
}

/** Is the name at [start, end) assigned there (x = ..., x <- ..., ... -> x, for x in, import as x)? `previous` is the name before it ('' at the start). */
function isAssigned(script: string, language: 'python' | 'r', start: number, end: number, previous: string): boolean {
  // Read by character codes: a slice and a regular expression per name cost more than the rest of the scan.
  let at = end;
  while (isBlank(script.charCodeAt(at))) at++;
  const c = script.charCodeAt(at);
  const d = script.charCodeAt(at + 1);
  if (language === 'python') {
    // = (not ==), an augmented assignment (+= -= *= /= %= &= |= ^= @=), x[...] = or a, b = ...
    const assigns = (c === EQUALS && d !== EQUALS) || c === OPEN_BRACKET || c === COMMA || (d === EQUALS && AUGMENTED.includes(c));
    if (assigns && !isKeywordArgument(script, start)) return true;
    return previous === 'for' || previous === 'as' || previous === 'global' || previous === 'def' || previous === 'class' || previous === 'import';
  }
  // x <- / x <<- / x = (not ==) / x[...] <- / x$a <-, or ... -> x / ... ->> x before it.
  if (c === LESS && (d === MINUS || (d === LESS && script.charCodeAt(at + 2) === MINUS))) return true;
  if ((c === EQUALS && d !== EQUALS) || c === OPEN_BRACKET || c === DOLLAR) return true;
  let before = start;
  while (isBlank(script.charCodeAt(before - 1))) before--;
  const arrow = script.charCodeAt(before - 2);
  return script.charCodeAt(before - 1) === GREATER && (arrow === MINUS || (arrow === GREATER && script.charCodeAt(before - 3) === MINUS));
}

const HASH = 35;
const LINE_FEED = 10;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BACKTICK = 96;
const DOT = 46;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const COMMA = 44;
const LESS = 60;
const GREATER = 62;
const MINUS = 45;
const DOLLAR = 36;
/** The first characters of Python's augmented assignments besides '=': - + * / % & | ^ @. */
const AUGMENTED = [45, 43, 42, 47, 37, 38, 124, 94, 64];

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** A letter, '_' or '.' (character codes: a regular expression per character cost more than the rest of the scan). */
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Is the name at `at` inside call parentheses as `f(name=value)`, which is not an assignment? */
function isKeywordArgument(script: string, at: number): boolean {
  let depth = 0;
  for (let k = at - 1; k >= 0; k--) {
    const c = script[k];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return true;
      depth--;
    } else if (c === '\n' && depth === 0) return false;
  }
  return false;
}

function skipString(script: string, i: number, language: 'python' | 'r'): number {
  const q = script[i]!;
  const triple = language === 'python' && script.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  i += close.length;
  while (i < script.length) {
    if (script[i] === '\\') i += 2;
    else if (script.startsWith(close, i)) return i + close.length;
    else if (!triple && language === 'python' && script[i] === '\n') return i;
    else i++;
  }
  return i;
}
