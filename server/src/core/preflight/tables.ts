// The tables a T-SQL text reads and writes, found with the core's lexer: FROM and JOIN sources
// (read), INSERT [INTO], UPDATE and DELETE [FROM] targets (written). Derived tables, table-valued
// functions, table variables, #temp tables, CTE names, catalog views (sys., INFORMATION_SCHEMA.)
// and four-part (linked server) names are not tables the pre-flight can ask about, so they are
// left out. This is a scan, not a parse: it errs on the side of finding fewer tables.
import { lex, type Token } from '../tsql/lexer';
import { identifierName } from '../tsql/literals';

export type TablePermission = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface TableUse {
  /** Three-part names name their database; otherwise null (the statement's own database). */
  database: string | null;
  /** null for a one-part name: it resolves in the user's default schema, then dbo. */
  schema: string | null;
  name: string;
  permission: TablePermission;
  /** Offsets of the name in the analysed text, end exclusive. */
  start: number;
  end: number;
}

/** Words that end a table source (so they are not read as its alias). */
const NOT_ALIAS = new Set([
  'WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'ON', 'GROUP', 'ORDER', 'HAVING',
  'UNION', 'EXCEPT', 'INTERSECT', 'OPTION', 'FOR', 'WITH', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'SET',
  'FROM', 'APPLY', 'PIVOT', 'UNPIVOT', 'OUTPUT', 'VALUES', 'DEFAULT', 'EXEC', 'EXECUTE', 'WHEN', 'THEN',
  'END', 'AND', 'OR', 'GO', 'TABLESAMPLE', 'USING', 'MERGE', 'DECLARE', 'IF', 'ELSE', 'BEGIN', 'RETURN',
]);

const SYSTEM_SCHEMAS = new Set(['sys', 'information_schema']);

export function tablesIn(text: string): TableUse[] {
  const tokens = lex(text).tokens.filter((t) => t.kind !== 'go');
  const up = (t: Token | undefined) => (t && t.kind === 'word' ? text.slice(t.start, t.end).toUpperCase() : '');
  const cteNames = commonTableExpressionNames(text, tokens, up);
  const out: TableUse[] = [];

  /** A dotted name at i: its parts and where it ends; null when there is none. */
  const nameAt = (i: number): { parts: string[]; start: number; end: number; next: number } | null => {
    const parts: string[] = [];
    let k = i;
    let expectName = true;
    while (k < tokens.length) {
      const t = tokens[k]!;
      if (expectName && (t.kind === 'word' || t.kind === 'quotedIdent')) {
        parts.push(identifierName(text, t));
        expectName = false;
      } else if (t.kind === 'dot') {
        if (expectName) parts.push(''); // db..table
        expectName = true;
      } else break;
      k++;
    }
    if (parts.length === 0 || expectName) return null;
    return { parts, start: tokens[i]!.start, end: tokens[k - 1]!.end, next: k };
  };

  const add = (i: number, permission: TablePermission): number => {
    const t = tokens[i];
    if (t?.kind === 'variable') return i + 1; // a table variable
    if (!t || (t.kind !== 'word' && t.kind !== 'quotedIdent')) return i;
    if (t.kind === 'word' && NOT_ALIAS.has(up(t))) return i;
    const name = nameAt(i);
    if (!name) return i;
    // A table-valued function or OPENROWSET(...); after INSERT the parentheses are a column list.
    if (tokens[name.next]?.kind === 'lparen' && permission !== 'INSERT') return name.next;
    const parts = name.parts;
    const last = parts[parts.length - 1]!;
    const schema = parts.length >= 2 ? parts[parts.length - 2]! || null : null;
    const database = parts.length === 3 ? parts[0]! || null : null;
    const skip =
      parts.length > 3 ||
      last.startsWith('#') ||
      (parts.length === 1 && cteNames.has(last.toLowerCase())) ||
      (schema !== null && SYSTEM_SCHEMAS.has(schema.toLowerCase()));
    if (!skip) out.push({ database, schema, name: last, permission, start: name.start, end: name.end });
    return name.next;
  };

  /** After a table source: [AS] alias, WITH (hints), and ', next source' of an old-style join. */
  const sources = (i: number, permission: TablePermission): void => {
    for (;;) {
      const t = tokens[i];
      if (!t) return;
      if (t.kind === 'lparen') {
        return; // a derived table: its own FROMs are found where they are
      }
      i = add(i, permission);
      if (up(tokens[i]) === 'AS') i++;
      const alias = tokens[i];
      if (alias && (alias.kind === 'quotedIdent' || (alias.kind === 'word' && !NOT_ALIAS.has(up(alias))))) i++;
      if (up(tokens[i]) === 'WITH' && tokens[i + 1]?.kind === 'lparen') i = skipParens(tokens, i + 1);
      if (tokens[i]?.kind !== 'comma') return;
      i++;
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const word = up(tokens[i]);
    switch (word) {
      case 'FROM':
        if (up(tokens[i - 1]) === 'DELETE') break; // handled with DELETE
        sources(i + 1, 'SELECT');
        break;
      case 'JOIN':
        sources(i + 1, 'SELECT');
        break;
      case 'INSERT':
        add(up(tokens[i + 1]) === 'INTO' ? i + 2 : i + 1, 'INSERT');
        break;
      case 'UPDATE':
        if (tokens[i - 1]?.kind !== 'lparen' && up(tokens[i - 1]) !== 'FOR') add(i + 1, 'UPDATE'); // not UPDATE() / FOR UPDATE
        break;
      case 'DELETE':
        add(up(tokens[i + 1]) === 'FROM' ? i + 2 : i + 1, 'DELETE');
        break;
    }
  }
  return out;
}

/** WITH name [(columns)] AS (...), name AS (...): the CTE names of the text, lower-case. */
function commonTableExpressionNames(text: string, tokens: Token[], up: (t: Token | undefined) => string): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (up(tokens[i]) !== 'WITH') continue;
    let k = i + 1;
    for (;;) {
      const t = tokens[k];
      if (!t || (t.kind !== 'word' && t.kind !== 'quotedIdent')) break;
      let j = k + 1;
      if (tokens[j]?.kind === 'lparen') j = skipParens(tokens, j);
      if (up(tokens[j]) !== 'AS' || tokens[j + 1]?.kind !== 'lparen') break;
      names.add(identifierName(text, t).toLowerCase());
      k = skipParens(tokens, j + 1);
      if (tokens[k]?.kind !== 'comma') break;
      k++;
    }
  }
  return names;
}

/** The index just after the ')' matching the '(' at `open`. */
function skipParens(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]!.kind === 'lparen') depth++;
    else if (tokens[k]!.kind === 'rparen' && --depth === 0) return k + 1;
  }
  return tokens.length;
}

/** The parts of a name as T-SQL writes it: '[dbo].[iris]' for display and for HAS_PERMS_BY_NAME. */
export function quotedName(table: Pick<TableUse, 'schema' | 'name'>): string {
  return table.schema ? `${quoteName(table.schema)}.${quoteName(table.name)}` : quoteName(table.name);
}

/** QUOTENAME: [name] with ] doubled. */
export function quoteName(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}

/** A Unicode string literal: N'...' with ' doubled. */
export function unicodeLiteral(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

/** dbo.iris, or iris for a one-part name: how messages name a table. */
export function displayName(table: Pick<TableUse, 'schema' | 'name'>): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}
