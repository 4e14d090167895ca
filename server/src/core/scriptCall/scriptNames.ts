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
  const after = script.slice(end, end + 4).replace(/^[ \t]+/, '');
  if (language === 'python') {
    if (/^(=(?!=)|[-+*/%&|^@]=|\[|,)/.test(after) && !isKeywordArgument(script, start)) return true;
    return previous === 'for' || previous === 'as' || previous === 'global' || previous === 'def' || previous === 'class' || previous === 'import';
  }
  const before = script.slice(Math.max(0, start - 4), start).replace(/[ \t]+$/, '');
  return /^(<<?-|=(?!=)|\[|\$)/.test(after) || /->>?$/.test(before);
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
