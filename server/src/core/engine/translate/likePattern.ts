// T-SQL LIKE patterns have character classes ([a-c], [^x]) that DuckDB's LIKE lacks. A constant
// pattern with a class becomes an anchored regular expression; any other pattern stays LIKE. The
// executor matches catalog names (sp_tables, sp_columns) with the same expression in JavaScript.

/** The RE2 expression for a LIKE pattern with classes, or null when plain (I)LIKE does the same. */
export function likeToRegex(pattern: string, escape: string | null): string | null {
  return pattern.includes('[') ? `(?s)${likeRegexSource(pattern, escape)}` : null;
}

/** A LIKE pattern as an anchored regular expression, in the syntax RE2 and JavaScript share. */
export function likeRegexSource(pattern: string, escape: string | null): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== null && c === escape && i + 1 < pattern.length) {
      out += escapeRegex(pattern[++i]!);
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      // Inside a class only \, ] and [ need escaping; '-' keeps its range meaning, as in T-SQL.
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]\[]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else out += escapeRegex(c);
  }
  return `^${out}$`;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}
