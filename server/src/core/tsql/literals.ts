// Decoding of T-SQL literal forms: string literals ('' -> ') with a map back to the document,
// and delimited identifiers ([a]]b] -> a]b, "a""b" -> a"b).
import { SourceMapBuilder, type MappedText } from '../text/sourceMap';
import type { Token } from './lexer';

/** The value of a string token, each character mapped to the offset (in `text`) it came from. */
export function decodeString(text: string, token: Token): MappedText {
  const open = token.unicode ? 2 : 1;
  const bodyStart = token.start + open;
  const bodyEnd = token.unterminated ? token.end : token.end - 1;
  const builder = new SourceMapBuilder();
  let out = '';
  let runStart = bodyStart;
  for (let i = bodyStart; i < bodyEnd; i++) {
    if (text.charCodeAt(i) === 39 && text.charCodeAt(i + 1) === 39) {
      // Keep the first quote of the pair, skip the second.
      out += text.slice(runStart, i + 1);
      builder.add(runStart, i + 1 - runStart);
      i++;
      runStart = i + 1;
    }
  }
  out += text.slice(runStart, bodyEnd);
  builder.add(runStart, bodyEnd - runStart);
  return { text: out, map: builder.build() };
}

/** The name a word or delimited identifier stands for. */
export function identifierName(text: string, token: Token): string {
  const raw = text.slice(token.start, token.end);
  if (token.kind !== 'quotedIdent') return raw;
  const close = raw[0] === '[' ? ']' : '"';
  const body = raw.slice(1, token.unterminated ? raw.length : raw.length - 1);
  return body.split(close + close).join(close);
}
