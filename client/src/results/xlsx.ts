// A result set as an Excel workbook (.xlsx, Office Open XML SpreadsheetML): one sheet, the column names in
// a bold first row, numbers as numbers, everything else as inline text (so no shared-string table), NULL
// as an empty cell. The smallest set of parts Excel, LibreOffice and readers such as openpyxl accept.
import { cellText } from '../../../server/src/core/text/cellText';
import { columnNames, type ResultSetLike } from './export';
import { zip } from './zip';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** A worksheet holds 1,048,576 rows: the header and this many rows of data. */
export const XLSX_MAX_ROWS = 1_048_575;

export function toXlsx(set: ResultSetLike, sheetName = 'Results'): Buffer {
  const part = (name: string, xml: string) => ({ name, data: Buffer.from(XML_HEAD + xml, 'utf8') });
  return zip([
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '</Types>',
    ),
    part('_rels/.rels', `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    part('xl/workbook.xml', `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${xmlText(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    part(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ),
    part(
      'xl/styles.xml',
      // Style 0 is the default; style 1 is bold, for the header row.
      `<styleSheet xmlns="${MAIN_NS}">` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
        '</styleSheet>',
    ),
    part('xl/worksheets/sheet1.xml', sheetXml(set)),
  ]);
}

function sheetXml(set: ResultSetLike): string {
  const rows: string[] = [];
  const header = columnNames(set).map((name, c) => `<c r="${cellRef(c, 1)}" s="1" t="inlineStr"><is><t xml:space="preserve">${xmlText(name)}</t></is></c>`);
  rows.push(`<row r="1">${header.join('')}</row>`);
  set.rows.forEach((row, i) => {
    const r = i + 2;
    const cells = set.columns.map((column, c) => cellXml(row[c], column.type, cellRef(c, r))).join('');
    rows.push(`<row r="${r}">${cells}</row>`);
  });
  return `<worksheet xmlns="${MAIN_NS}"><sheetData>${rows.join('')}</sheetData></worksheet>`;
}

function cellXml(value: unknown, type: string, ref: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}"><v>${value ? 1 : 0}</v></c>`;
  return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cellText(value, type))}</t></is></c>`;
}

/** A1-style reference: column 0 → A, 25 → Z, 26 → AA. */
export function cellRef(column: number, row: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${row}`;
}

/** Escaped for XML text and attributes (CR kept as CR); characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates) are dropped. */
function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    // A raw CR would be read back as LF (XML normalises line ends): as a character reference it stays CR.
    .replace(/[&<>"\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' })[c]!);
}
