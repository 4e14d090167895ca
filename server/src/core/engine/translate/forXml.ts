// FOR XML PATH: a query's rows as one XML text, as T-SQL builds lists with it
// (STUFF((SELECT ',' + name ... FOR XML PATH('')), 1, 1, '')) and reads them back with
// .value('.', 'nvarchar(max)'). Each row is an element (PATH's name, none for PATH('')); a named
// column an element in it, a column named '@x' an attribute, an unnamed one its text; NULLs are
// left out; text is escaped (&amp; &lt; &gt;), which .value() undoes. The rows keep the query's
// order. An xml value (TYPE) is held as its text: .value() reads it.
import type { ForXml, XmlValue } from '../ast';
import type { Typed } from './context';
import { convert } from './conversions';
import { stop, unsupported } from './errors';
import { combine, resolveType, type ExpressionTranslator } from './expressions';
import { documentRows, documentText, type DocumentQuery } from './documentRows';
import { quoteString } from './names';
import { nvarchar } from './types';

/** The column name SQL Server gives the result of a FOR XML query that is not a subquery. */
const XML_COLUMN = 'XML_F52E2B61-18A1-11d1-B105-00805F49916B';

/** The query's rows as one XML text: a query of one row and one nvarchar(max) column. */
export function forXmlQuery(query: DocumentQuery, forXml: ForXml, topLevel: boolean): DocumentQuery {
  const rows = documentRows(query);
  const text = (k: number) => documentText(rows.value(k), query.columns[k]!.type);
  const attributes: string[] = [];
  const content: string[] = [];
  query.columns.forEach((column, k) => {
    const value = text(k);
    const name = column.name;
    if (name === '' || name === '*' || name.toLowerCase() === 'text()') content.push(`coalesce(${escaped(value)}, '')`);
    else if (name.startsWith('@')) {
      if (forXml.element === '') stop(6864, 16, 1, 'Row tag omission (empty row tag name) cannot be used with attribute-centric FOR XML serialization.', forXml);
      attributes.push(`CASE WHEN ${value} IS NULL THEN '' ELSE ${quoteString(` ${xmlName(name.slice(1))}="`)} || ${escaped(value, true)} || '"' END`);
    } else if (name.includes('/') || name.includes('(')) unsupported(`FOR XML PATH with the column name '${name}'`, forXml);
    else content.push(`CASE WHEN ${value} IS NULL THEN '' ELSE ${quoteString(`<${xmlName(name)}>`)} || ${escaped(value)} || ${quoteString(`</${xmlName(name)}>`)} END`);
  });
  const body = content.length ? `concat(${content.join(', ')})` : "''";
  let row = body;
  if (forXml.element !== '') {
    const tag = xmlName(forXml.element);
    const open = attributes.length ? `${quoteString(`<${tag}`)} || concat(${attributes.join(', ')})` : quoteString(`<${tag}`);
    row = `CASE WHEN ${body} = '' THEN ${open} || '/>' ELSE ${open} || '>' || ${body} || ${quoteString(`</${tag}>`)} END`;
  }
  const root = forXml.root;
  const wrap = (joined: string) => (root === null ? joined : `${quoteString(`<${xmlName(root)}>`)} || ${joined} || ${quoteString(`</${xmlName(root)}>`)}`);
  return rows.document(row, '', wrap, topLevel ? XML_COLUMN : '');
}

/** Text as XML writes it: &, < and > (and in an attribute ") as entities, a carriage return as &#x0D;. */
function escaped(sql: string, attribute = false): string {
  let out = `replace(replace(replace(replace(${sql}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), chr(13), '&#x0D;')`;
  if (attribute) out = `replace(${out}, '"', '&quot;')`;
  return out;
}

/** A name as an XML element or attribute name: each character XML does not allow there as _xHHHH_, as SQL Server writes it. */
function xmlName(name: string): string {
  return Array.from(name, (c, k) => (/[A-Za-z_]/.test(c) || (k > 0 && /[0-9.-]/.test(c)) ? c : `_x${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}_`)).join('');
}

/**
 * (SELECT ... FOR XML PATH(...), TYPE).value('.', 'type'): the XML's text (its tags dropped,
 * its entities read) as a value of the type. Paths other than the whole document's text are not
 * supported, nor .value() on anything but such a query.
 */
export function xmlValue(e: XmlValue, t: ExpressionTranslator): Typed {
  const operand = e.operand;
  if (operand.kind !== 'subquery' || !operand.query.forXml?.type) return unsupported('XML methods such as .value() on anything but a FOR XML ... TYPE subquery', e);
  if (e.path.replace(/\s+/g, '') !== '.' && e.path.replace(/\s+/g, '') !== '(./text())[1]') return unsupported(`The XQuery path '${e.path}' in .value()`, e);
  const xml = t.value(operand);
  const stripped = `regexp_replace(${xml.sql}, '<[^>]*>', '', 'g')`;
  const read = `replace(replace(replace(replace(replace(replace(${stripped}, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&#x0D;', chr(13)), '&amp;', '&')`;
  const typeText = /^\s*(\w+)\s*(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(e.type);
  if (!typeText) return unsupported(`The type '${e.type}' in .value()`, e);
  const args = [typeText[2], typeText[3]].filter((a): a is string => a !== undefined).map((a) => (a.toLowerCase() === 'max' ? ('max' as const) : Number(a)));
  const type = resolveType({ name: typeText[1]!.toLowerCase(), schema: null, args, start: e.start, end: e.end }, 'cast');
  return combine(convert({ sql: read, type: nvarchar('max') }, type, 'explicit', e).sql, type, [xml]);
}
