// `NAME = value` settings, as in WITH (MAX_CPU_PERCENT = 10), FROM (CONTENT = N'...'),
// WITH PASSWORD = '...', CHECK_POLICY = OFF.
import { decodeString } from '../../tsql/literals';
import type { OptionSetting, OptionValue } from '../ast';
import { commaList } from './expressions';
import type { Parser } from './parser';

/** ( setting, setting, ... ) */
export function parseOptionList(p: Parser): OptionSetting[] {
  p.expect('lparen');
  const settings = commaList(p, parseOptionSetting);
  p.expect('rparen');
  return settings;
}

/** NAME [NAME ...] = value; the name may be several words ('AFFINITY CPU'). */
export function parseOptionSetting(p: Parser): OptionSetting {
  const first = p.peek();
  if (!first || first.kind !== 'word') return p.fail();
  const words: string[] = [];
  while (p.isKind('word')) words.push(p.slice(p.next()).toUpperCase());
  p.expectOp('=');
  const value = parseOptionValue(p);
  return { name: words.join(' '), value, start: first.start, end: value.end };
}

function parseOptionValue(p: Parser): OptionValue {
  const t = p.peek();
  if (!t) return p.fail();
  if (t.kind === 'lparen') {
    p.next();
    let depth = 1;
    while (depth > 0) {
      const inner = p.next();
      if (inner.kind === 'lparen') depth++;
      else if (inner.kind === 'rparen') depth--;
    }
    return { kind: 'raw', text: p.text.slice(t.start, p.lastEnd()), start: t.start, end: p.lastEnd() };
  }
  const negative = p.isOp('-') && p.isKind('number', 1);
  if (negative) p.next();
  const v = p.next();
  const span = { start: t.start, end: v.end };
  switch (v.kind) {
    case 'number':
      return { kind: 'number', value: Number(p.slice(v)) * (negative ? -1 : 1), ...span };
    case 'string':
      return { kind: 'string', value: decodeString(p.text, v).text, ...span };
    case 'binary':
      return { kind: 'binary', hex: p.slice(v).slice(2).toUpperCase(), ...span };
    case 'word':
    case 'quotedIdent':
      return { kind: 'word', value: p.identifierAt(v).name, ...span };
    default:
      return p.fail(v);
  }
}
