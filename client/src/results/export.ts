// Result sets as text: a cell as SSMS's grid shows it, and a whole result set as CSV (RFC 4180),
// tab-separated text for the clipboard, or JSON. Pure: no VS Code, no Node.
import { cellText } from '../../../server/src/core/text/cellText';

/** A result set as the server sends it: T-SQL column types, rows of JSON values. */
export interface ResultSetLike {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** Column names as SSMS shows them: '(No column name)' for an unnamed column. */
export function columnNames(set: Pick<ResultSetLike, 'columns'>): string[] {
  return set.columns.map((c) => c.name || '(No column name)');
}

/** RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled; NULL is an empty field; CRLF line ends. */
export function toCsv(set: ResultSetLike): string {
  const field = (text: string) => (/[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const cell = (value: unknown, i: number) => (value === null || value === undefined ? '' : field(exportText(value, set.columns[i]?.type)));
  const lines = [columnNames(set).map(field).join(','), ...set.rows.map((row) => set.columns.map((_, i) => cell(row[i], i)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Tab-separated, with a header line when asked: what pastes into a spreadsheet (the grid's Ctrl+C). Cells
 * read as the grid shows them (NULL as NULL); a cell left out of a ragged selection (undefined) is empty;
 * tabs and newlines in values become spaces.
 */
export function toTsv(set: ResultSetLike, options: { headers: boolean } = { headers: true }): string {
  const clean = (text: string) => text.replace(/[\t\r\n]+/g, ' ');
  const cell = (value: unknown, type: string) => (value === undefined ? '' : clean(cellText(value, type)));
  const body = set.rows.map((row) => set.columns.map((c, i) => cell(row[i], c.type)).join('\t'));
  const lines = options.headers ? [columnNames(set).map(clean).join('\t'), ...body] : body;
  return `${lines.join('\n')}\n`;
}

/**
 * An array of objects, one per row, keyed by column name (an unnamed or repeated name gets a
 * suffix: "(No column name)", "x_2"); NULL is null, numbers stay numbers, binary stays "0x…" text.
 */
export function toJson(set: ResultSetLike): string {
  const keys = uniqueKeys(columnNames(set));
  const rows = set.rows.map((row) => Object.fromEntries(keys.map((k, i) => [k, jsonValue(row[i])])));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Distinct keys: a repeated name gets the first free suffix, never one a real column already has. */
function uniqueKeys(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let key = name;
    for (let n = 2; taken.has(key); n++) key = `${name}_${n}`;
    taken.add(key);
    return key;
  });
}

function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

function exportText(value: unknown, type: string | undefined): string {
  // Exports keep full precision: the grid's 15 digits are for reading.
  if (typeof value === 'number') return String(value);
  return cellText(value, type);
}
