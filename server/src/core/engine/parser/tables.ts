// Table definitions: CREATE TABLE and DECLARE @t TABLE share the parenthesised column and
// constraint list.
import type { ColumnDefinition, Expression, Identifier, Statement, TableConstraint, TableDefinition } from '../ast';
import { commaList, parseCondition, parseExpression } from './expressions';
import { parseDataType, parseObjectName } from './names';
import type { Parser } from './parser';
import { identifierList, skipBalanced } from './query';

/** CREATE TABLE name (...) [ON filegroup] [TEXTIMAGE_ON filegroup]; after CREATE. */
export function parseCreateTable(p: Parser, start: number): Statement {
  p.expectWord('TABLE');
  const name = parseObjectName(p);
  if (p.isWord('AS') && p.isWord('FILETABLE', 1)) p.unsupported('FileTables', p.peek()!);
  const definition = parseTableDefinition(p);
  // Filegroups place data; the embedded instance has one place for it.
  for (const clause of ['ON', 'TEXTIMAGE_ON', 'FILESTREAM_ON']) {
    if (p.acceptWord(clause)) filegroup(p);
  }
  if (p.isWord('WITH')) p.unsupported('Table options (WITH ...)', p.peek()!);
  return { kind: 'createTable', name, definition, start, end: p.lastEnd() };
}

/** The words a table constraint begins with, in CREATE TABLE's list and after ALTER TABLE ... ADD. */
export const TABLE_CONSTRAINT_WORDS: ReadonlySet<string> = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

export function parseTableDefinition(p: Parser): TableDefinition {
  const start = p.expect('lparen').start;
  const columns: ColumnDefinition[] = [];
  const constraints: TableConstraint[] = [];
  for (;;) {
    if (p.isWord('INDEX')) p.unsupported('Inline index definitions', p.peek()!);
    if (p.isWord('PERIOD')) p.unsupported('System-versioned tables', p.peek()!);
    if (TABLE_CONSTRAINT_WORDS.has(p.word())) {
      constraints.push(tableConstraint(p, false));
    } else {
      columns.push(columnDefinition(p));
    }
    if (!p.accept('comma')) break;
    if (p.isKind('rparen')) break; // SQL Server accepts a trailing comma
  }
  p.expect('rparen');
  return { columns, constraints, start, end: p.lastEnd() };
}

export function columnDefinition(p: Parser): ColumnDefinition {
  const name = p.identifier();
  if (p.isWord('AS')) p.unsupported('Computed columns', p.peek()!);
  const type = parseDataType(p);
  let nullable: boolean | null = null;
  let identity: ColumnDefinition['identity'] = null;
  let defaultValue: Expression | null = null;
  let collation: Identifier | null = null;
  const constraints: TableConstraint[] = [];
  for (;;) {
    const word = p.word();
    if (word === 'NULL') {
      p.next();
      nullable = true;
    } else if (word === 'NOT' && p.isWord('NULL', 1)) {
      p.pos += 2;
      nullable = false;
    } else if (word === 'IDENTITY') {
      p.next();
      identity = { seed: 1, increment: 1 };
      if (p.accept('lparen')) {
        identity.seed = signedInteger(p);
        p.expect('comma');
        identity.increment = signedInteger(p);
        p.expect('rparen');
      }
    } else if (word === 'COLLATE') {
      p.next();
      collation = p.identifier();
    } else if (word === 'DEFAULT') {
      p.next();
      defaultValue = parseExpression(p);
    } else if (word === 'CONSTRAINT' && p.isWord('DEFAULT', 2)) {
      p.pos += 3;
      defaultValue = parseExpression(p);
    } else if (['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN', 'REFERENCES'].includes(word)) {
      constraints.push(tableConstraint(p, true, name));
    } else if (word === 'ROWGUIDCOL' || word === 'SPARSE') {
      p.next();
    } else if (['MASKED', 'ENCRYPTED', 'GENERATED', 'FILESTREAM'].includes(word)) {
      const what = word === 'ENCRYPTED' ? 'Always Encrypted columns' : word === 'MASKED' ? 'Dynamic data masking' : `${word} columns`;
      p.unsupported(what, p.peek()!);
    } else break;
  }
  return { name, type, nullable, identity, default: defaultValue, collation, constraints, start: name.start, end: p.lastEnd() };
}

/** [PRIMARY], PRIMARY, "default", or a filegroup name. */
function filegroup(p: Parser): void {
  if (p.isWord('PRIMARY') || p.isWord('DEFAULT')) p.next();
  else p.identifier();
}

function signedInteger(p: Parser): number {
  const negative = !!p.acceptOp('-');
  const t = p.expect('number');
  const text = p.slice(t);
  if (!/^\d+$/.test(text)) p.fail(t);
  return Number(text) * (negative ? -1 : 1);
}

/**
 * [CONSTRAINT name] PRIMARY KEY | UNIQUE | CHECK | FOREIGN KEY ... REFERENCES. On a column
 * (`column` given) the column list may be left out and means that column.
 */
function tableConstraint(p: Parser, onColumn: boolean, column?: Identifier): TableConstraint {
  const start = p.peek()!.start;
  const name = p.acceptWord('CONSTRAINT') ? p.identifier() : null;
  const own = (): Identifier[] => (column ? [column] : p.fail());
  const keyColumns = (): Identifier[] => {
    const word = p.word();
    if (word === 'CLUSTERED' || word === 'NONCLUSTERED') p.next();
    if (!p.isKind('lparen') && onColumn) return own();
    p.expect('lparen');
    const columns = commaList(p, () => {
      const id = p.identifier();
      if (!p.acceptWord('ASC')) p.acceptWord('DESC');
      return id;
    });
    p.expect('rparen');
    if (p.isWord('WITH') && p.isKind('lparen', 1)) {
      p.next();
      skipBalanced(p); // index options (FILLFACTOR, ...): storage, not meaning
    }
    if (p.acceptWord('ON')) filegroup(p);
    return columns;
  };
  const end = () => p.lastEnd();
  if (p.acceptWord('PRIMARY')) {
    p.expectWord('KEY');
    const columns = keyColumns();
    return { kind: 'primaryKey', name, columns, start, end: end() };
  }
  if (p.acceptWord('UNIQUE')) {
    const columns = keyColumns();
    return { kind: 'unique', name, columns, start, end: end() };
  }
  if (p.acceptWord('CHECK')) {
    if (p.isWord('NOT') && p.isWord('FOR', 1)) p.pos += 3; // NOT FOR REPLICATION
    p.expect('lparen');
    const condition = parseCondition(p);
    p.expect('rparen');
    return { kind: 'check', name, condition, start, end: end() };
  }
  let columns: Identifier[];
  if (p.acceptWord('FOREIGN')) {
    p.expectWord('KEY');
    columns = p.isKind('lparen') || !onColumn ? identifierList(p) : own();
  } else columns = own();
  p.expectWord('REFERENCES');
  const references = parseObjectName(p);
  const referencedColumns = p.isKind('lparen') ? identifierList(p) : [];
  if (p.isWord('ON') && (p.isWord('DELETE', 1) || p.isWord('UPDATE', 1))) p.unsupported('Referential actions (ON DELETE / ON UPDATE)', p.peek()!);
  if (p.isWord('NOT') && p.isWord('FOR', 1)) p.pos += 3;
  return { kind: 'foreignKey', name, columns, references, referencedColumns, start, end: end() };
}
