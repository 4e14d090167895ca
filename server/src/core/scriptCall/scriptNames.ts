// A light scan of Python or R source for the identifiers it reads and assigns, skipping strings
// and comments. It serves the input/output-name rules, which need "does the script mention
// InputDataSet / assign OutputDataSet", not a full parse (the real parsers run separately).
import type { LanguageKind } from './binding';

export interface ScriptNames {
  /** Every identifier that appears as code. */
  used: Set<string>;
  /** Identifiers that are assigned somewhere (x = ..., x <- ..., ... -> x, for x in, import as x). */
  assigned: Set<string>;
}

export function scanScriptNames(script: string, language: Exclude<LanguageKind, 'other'>): ScriptNames {
  const used = new Set<string>();
  const assigned = new Set<string>();
  // Each name is judged as it is found (no list of every word is kept: a long script's list cost
  // the garbage collector more than linear time).
  let previous: string | null = null;
  const n = script.length;
  let i = 0;
  while (i < n) {
    const c = script[i]!;
    if (c === '#') {
      while (i < n && script[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || (c === '`' && language === 'r')) {
      i = skipString(script, i, language);
    } else if (isNameStart(script.charCodeAt(i)) && !(c === '.' && language === 'python')) {
      const start = i;
      while (i < n && (isNameStart(script.charCodeAt(i)) || isDigit(script.charCodeAt(i))) && !(script[i] === '.' && language === 'python')) i++;
      // String prefixes (f'', r'', b'') belong to the string that follows.
      if (language === 'python' && (script[i] === '"' || script[i] === "'") && /^[rbfuRBFU]{1,2}$/.test(script.slice(start, i))) continue;
      const name = script.slice(start, i);
      used.add(name);
      if (isAssigned(script, language, start, i, previous)) assigned.add(name);
      previous = name;
    } else i++;
  }
  return { used, assigned };
}

/** Is the name at [start, end) assigned there (x = ..., x <- ..., ... -> x, for x in, import as x)? `previous` is the name before it. */
function isAssigned(script: string, language: 'python' | 'r', start: number, end: number, previous: string | null): boolean {
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
