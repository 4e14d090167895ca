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
  const words: { name: string; end: number; start: number }[] = [];
  const n = script.length;
  let i = 0;
  while (i < n) {
    const c = script[i]!;
    if (c === '#') {
      while (i < n && script[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || (c === '`' && language === 'r')) {
      i = skipString(script, i, language);
    } else if (/[A-Za-z_.]/.test(c) && !(c === '.' && language === 'python')) {
      const start = i;
      while (i < n && /[A-Za-z0-9_.]/.test(script[i]!) && !(script[i] === '.' && language === 'python')) i++;
      // String prefixes (f'', r'', b'') belong to the string that follows.
      if (language === 'python' && (script[i] === '"' || script[i] === "'") && /^[rbfuRBFU]{1,2}$/.test(script.slice(start, i))) continue;
      words.push({ name: script.slice(start, i), start, end: i });
    } else i++;
  }
  const used = new Set(words.map((w) => w.name));
  const assigned = new Set<string>();
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const after = script.slice(w.end, w.end + 4).replace(/^[ \t]+/, '');
    const before = script.slice(Math.max(0, w.start - 4), w.start).replace(/[ \t]+$/, '');
    if (language === 'python') {
      if (/^(=(?!=)|[-+*/%&|^@]=|\[|,)/.test(after) && !isKeywordArgument(script, w.start)) assigned.add(w.name);
      const prev = words[k - 1];
      if (prev && (prev.name === 'for' || prev.name === 'as' || prev.name === 'global' || prev.name === 'def' || prev.name === 'class' || prev.name === 'import')) assigned.add(w.name);
    } else {
      if (/^(<<?-|=(?!=)|\[|\$)/.test(after)) assigned.add(w.name);
      if (/->>?$/.test(before)) assigned.add(w.name);
    }
  }
  return { used, assigned };
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
