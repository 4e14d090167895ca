// Multi-part object names, data types and numeric constants.
import type { DataType, Identifier, NumberLiteral, ObjectName } from '../ast';
import type { Parser } from './parser';

/** `name`, `schema.name`, `db.schema.name`, `db..name`, `server.db.schema.name`. */
export function parseObjectName(p: Parser): ObjectName {
  const parts: (Identifier | null)[] = [p.identifier()];
  while (p.accept('dot')) {
    if (p.isKind('dot')) parts.push(null);
    else parts.push(p.identifier());
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (parts.length > 4) {
    const written = p.text.slice(first.start, last.end);
    p.error(117, 1, `The object name '${written}' contains more than the maximum number of prefixes. The maximum is 3.`, { start: first.start, end: last.end });
  }
  const at = (fromEnd: number): Identifier | null => parts[parts.length - 1 - fromEnd] ?? null;
  return { kind: 'objectName', server: at(3), database: at(2), schema: at(1), name: last, start: first.start, end: last.end };
}

const TYPE_SYNONYMS: Readonly<Record<string, string>> = {
  integer: 'int',
  character: 'char',
  dec: 'decimal',
  rowversion: 'timestamp',
};

/** A data type: `int`, `nvarchar(50)`, `decimal(10, 2)`, `varbinary(max)`, `double precision`, `sys.int`. */
export function parseDataType(p: Parser): DataType {
  const start = p.peek()?.start ?? p.lastEnd();
  let schema: Identifier | null = null;
  let name: string;
  if (p.acceptWord('DOUBLE')) {
    p.expectWord('PRECISION');
    name = 'float';
  } else if (p.acceptWord('NATIONAL')) {
    const base = p.identifier().name.toLowerCase();
    if (base === 'text') name = 'ntext';
    else if (base === 'char' || base === 'character') name = p.acceptWord('VARYING') ? 'nvarchar' : 'nchar';
    else return p.fail(p.tokens[p.pos - 1]);
  } else {
    let id = p.identifier();
    if (p.accept('dot')) {
      schema = id;
      id = p.identifier();
    }
    name = id.name.toLowerCase();
    name = TYPE_SYNONYMS[name] ?? name;
    if ((name === 'char' || name === 'nchar') && p.acceptWord('VARYING')) name = name === 'char' ? 'varchar' : 'nvarchar';
  }
  const args: (number | 'max')[] = [];
  if (p.accept('lparen')) {
    for (;;) {
      if (p.isKind('word') && p.word() === 'MAX') {
        p.next();
        args.push('max');
      } else {
        const t = p.expect('number');
        const text = p.slice(t);
        if (!/^\d+$/.test(text)) p.fail(t);
        args.push(Number(text));
      }
      if (!p.accept('comma')) break;
    }
    p.expect('rparen');
  }
  return { name, schema, args, start, end: p.lastEnd() };
}

const INT_MAX = 2147483647;

/**
 * The type SQL Server gives a numeric constant: int when an integer fits, else numeric(p, 0);
 * numeric(p, s) with a decimal point; float with an exponent.
 */
export function numberLiteral(p: Parser, text: string, start: number, end: number, money: boolean): NumberLiteral {
  if (money) return literal(text, start, end, 'money', 19, 4);
  if (/e/i.test(text)) return literal(text, start, end, 'float', 53, 0);
  const [whole = '', fraction] = text.split('.');
  const intDigits = whole.replace(/^0+/, '').length;
  if (fraction === undefined && Number(whole) <= INT_MAX) return literal(text, start, end, 'int', 10, 0);
  const scale = fraction?.length ?? 0;
  const precision = Math.max(intDigits + scale, 1);
  if (precision > 38) {
    p.error(1007, 1, `The number '${text}' is out of the range for numeric representation (maximum precision 38).`, { start, end });
  }
  return literal(text, start, end, 'numeric', precision, scale);
}

/**
 * A number literal built whole: Node 20's V8 takes about a microsecond per property added after
 * a spread ({ ...base, type }), which a script of many constants paid once per number.
 */
function literal(text: string, start: number, end: number, type: NumberLiteral['type'], precision: number, scale: number): NumberLiteral {
  return { kind: 'number', text, start, end, type, precision, scale };
}
