// Input rows for `sqlml launcher exec --input FILE.csv`: RFC 4180 CSV with a header row whose
// cells are `name` or `name:sqltype`. Untyped columns are float when every value is a number,
// else nvarchar(max). An empty unquoted field is NULL; "" is the empty string.
import { parseSqlType } from '../../core/launcher/sqlTypes';
import type { InputRows, SqlValue } from '../../core/launcher/request';

export type CsvRead = { ok: true; input: InputRows } | { ok: false; message: string };

interface Field {
  text: string;
  quoted: boolean;
}

function parseRecords(text: string): Field[][] | string {
  const records: Field[][] = [];
  let record: Field[] = [];
  let i = 0;
  const body = text.replace(/^\uFEFF/, '');
  while (i <= body.length) {
    let field: Field;
    if (body[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= body.length) return `an unterminated quoted field in record ${records.length + 1}`;
        if (body[i] === '"') {
          if (body[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += body[i++];
      }
      field = { text: value, quoted: true };
    } else {
      let end = i;
      while (end < body.length && body[end] !== ',' && body[end] !== '\n' && body[end] !== '\r') end++;
      field = { text: body.slice(i, end), quoted: false };
      i = end;
    }
    record.push(field);
    if (body[i] === ',') {
      i++;
      continue;
    }
    if (body[i] === '\r') i++;
    if (body[i] === '\n' || i >= body.length) {
      // The empty "record" after the last line break is not one; blank lines elsewhere are kept
      // (readCsv decides: in a one-column file a blank line is a NULL).
      if (i < body.length || !isBlank(record)) records.push(record);
      i++;
      record = [];
      continue;
    }
    return `unexpected text after a quoted field in record ${records.length + 1}`;
  }
  return records;
}

/** A line with nothing on it: one unquoted empty field. */
function isBlank(record: Field[]): boolean {
  return record.length === 1 && record[0]!.text === '' && !record[0]!.quoted;
}

function convert(field: Field, kind: string, where: string): SqlValue | string {
  if (!field.quoted && field.text === '') return null;
  const t = field.text;
  switch (kind) {
    case 'f8':
    case 'i4': {
      const n = Number(t);
      if (t.trim() === '' || Number.isNaN(n)) return `${where}: '${t}' is not a number`;
      return n;
    }
    case 'b1':
      if (/^(1|true)$/i.test(t)) return true;
      if (/^(0|false)$/i.test(t)) return false;
      return `${where}: '${t}' is not a bit`;
    case 'dt': {
      const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);
      return Number.isNaN(d.getTime()) ? `${where}: '${t}' is not a date` : d;
    }
    case 'bin':
      if (!/^0x([0-9a-f]{2})*$/i.test(t)) return `${where}: '${t}' is not 0x-prefixed hex`;
      return Uint8Array.from(Buffer.from(t.slice(2), 'hex'));
    default:
      return t;
  }
}

export function readCsv(text: string): CsvRead {
  const parsed = parseRecords(text);
  if (typeof parsed === 'string') return { ok: false, message: `The CSV file has ${parsed}.` };
  // Blank lines before the header are skipped; after it they are skipped too, except in a
  // one-column file, where a blank line is that column's NULL (as the results export writes it).
  const first = parsed.findIndex((r) => !isBlank(r));
  const header = first >= 0 ? parsed[first] : undefined;
  const rows = header ? parsed.slice(first + 1).filter((r) => header.length === 1 || !isBlank(r)) : [];
  if (!header) return { ok: false, message: 'The CSV file is empty: it needs a header row.' };
  const columns = header.map((cell, c) => {
    const at = cell.text.lastIndexOf(':');
    if (at > 0 && parseSqlType(cell.text.slice(at + 1)).ok) return { name: cell.text.slice(0, at), type: cell.text.slice(at + 1) };
    const numeric = rows.every((r) => !r[c] || (!r[c]!.quoted && r[c]!.text === '') || (r[c]!.text.trim() !== '' && !Number.isNaN(Number(r[c]!.text))));
    return { name: cell.text, type: numeric ? 'float' : 'nvarchar(max)' };
  });
  const kinds = columns.map((c) => {
    const parsed = parseSqlType(c.type);
    return parsed.ok ? parsed.type.kind : 'str';
  });
  const values: SqlValue[][] = [];
  for (const [r, record] of rows.entries()) {
    if (record.length !== columns.length) return { ok: false, message: `Record ${r + 2} of the CSV file has ${record.length} fields; the header has ${columns.length}.` };
    const row: SqlValue[] = [];
    for (const [c, field] of record.entries()) {
      const v = convert(field, kinds[c]!, `Record ${r + 2}, column '${columns[c]!.name}'`);
      if (typeof v === 'string' && kinds[c] !== 'str') return { ok: false, message: `${v}.` };
      row.push(v);
    }
    values.push(row);
  }
  return { ok: true, input: { columns, rows: values } };
}
