// Parses the text of @params: '@name data_type [OUT | OUTPUT] [, ...]'. The text is T-SQL, so it
// is lexed with the same lexer; offsets returned are offsets in the decoded @params text.
import { lex, type Token } from '../tsql/lexer';

export interface ParamDeclaration {
  /** Lower-case with '@'. */
  key: string;
  name: string;
  /** The type as written, lower-cased, spaces removed: 'nvarchar(max)', 'decimal(10,2)'. */
  type: string;
  /** The base type name: 'nvarchar', 'decimal', or a schema-qualified user type. */
  baseType: string;
  output: boolean;
  start: number;
  end: number;
  typeStart: number;
  typeEnd: number;
}

export interface ParamsParseError {
  message: string;
  start: number;
  end: number;
}

export interface ParsedParams {
  declarations: ParamDeclaration[];
  errors: ParamsParseError[];
}

/** Types the data exchange with the runtimes cannot carry (mlservices-facts.md section 1.5). */
export const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'cursor',
  'timestamp',
  'rowversion',
  'datetime2',
  'datetimeoffset',
  'time',
  'sql_variant',
  'text',
  'ntext',
  'image',
  'xml',
  'hierarchyid',
  'geometry',
  'geography',
  'table',
]);

export function parseParamsDeclaration(text: string): ParsedParams {
  const { tokens, problems } = lex(text);
  const errors: ParamsParseError[] = problems.map((p) => ({ message: p.message, start: p.start, end: p.end }));
  const declarations: ParamDeclaration[] = [];
  const src = (t: Token) => text.slice(t.start, t.end);
  let i = 0;
  const fail = (message: string, at: Token | undefined): ParsedParams => {
    const start = at ? at.start : text.length;
    errors.push({ message, start, end: at ? at.end : text.length });
    return { declarations, errors };
  };

  if (tokens.length === 0) return { declarations, errors };
  for (;;) {
    const nameToken = tokens[i];
    if (!nameToken || nameToken.kind !== 'variable') {
      return fail(
        nameToken ? `Incorrect syntax near '${src(nameToken)}': expected a parameter name starting with '@'.` : 'Expected a parameter declaration after the comma.',
        nameToken,
      );
    }
    i++;
    if (tokens[i]?.kind === 'word' && src(tokens[i]!).toUpperCase() === 'AS') i++;
    // data_type: [schema.]name [ ( n | max [, n] ) ]
    const typeStartToken = tokens[i];
    if (!typeStartToken || (typeStartToken.kind !== 'word' && typeStartToken.kind !== 'quotedIdent')) {
      return fail(`The parameter ${src(nameToken)} has no data type.`, typeStartToken ?? nameToken);
    }
    let typeEnd = typeStartToken.end;
    let baseType = unquote(src(typeStartToken));
    i++;
    while (tokens[i]?.kind === 'dot' && tokens[i + 1] && (tokens[i + 1]!.kind === 'word' || tokens[i + 1]!.kind === 'quotedIdent')) {
      baseType += '.' + unquote(src(tokens[i + 1]!));
      typeEnd = tokens[i + 1]!.end;
      i += 2;
    }
    if (tokens[i]?.kind === 'lparen') {
      const close = tokens.findIndex((t, k) => k > i && t.kind === 'rparen');
      if (close < 0) return fail(`The type of ${src(nameToken)} has an unclosed '('.`, tokens[i]);
      typeEnd = tokens[close]!.end;
      i = close + 1;
    }
    let output = false;
    let end = typeEnd;
    while (tokens[i]?.kind === 'word') {
      const word = src(tokens[i]!).toUpperCase();
      if (word === 'OUT' || word === 'OUTPUT') output = true;
      else if (word !== 'READONLY' && word !== 'VARYING' && word !== 'NULL' && word !== 'NOT') break;
      end = tokens[i]!.end;
      i++;
    }
    declarations.push({
      key: src(nameToken).toLowerCase(),
      name: src(nameToken),
      type: text.slice(typeStartToken.start, typeEnd).toLowerCase().replace(/\s+/g, ''),
      baseType: baseType.toLowerCase(),
      output,
      start: nameToken.start,
      end,
      typeStart: typeStartToken.start,
      typeEnd,
    });
    const next = tokens[i];
    if (!next) return { declarations, errors };
    if (next.kind !== 'comma') return fail(`Incorrect syntax near '${src(next)}' in @params.`, next);
    i++;
  }
}

function unquote(name: string): string {
  return name.startsWith('[') || name.startsWith('"') ? name.slice(1, -1) : name;
}
