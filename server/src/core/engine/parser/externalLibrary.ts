// CREATE / ALTER / DROP EXTERNAL LIBRARY: a package (a Python wheel, an R package) kept in the
// catalog and installed for the scripts of one database.
import type { Statement } from '../ast';
import { commaList } from './expressions';
import { parseOptionList } from './options';
import type { Parser } from './parser';

/** pos at LIBRARY; `start` is where CREATE/ALTER/DROP began. */
export function parseExternalLibrary(p: Parser, action: 'create' | 'alter' | 'drop', start: number): Statement {
  p.expectWord('LIBRARY');
  const name = p.identifier();
  const owner = p.acceptWord('AUTHORIZATION') ? p.identifier() : null;
  if (action === 'drop') return { kind: 'externalLibrary', action, name, owner, files: [], options: [], start, end: p.lastEnd() };
  p.expectWord(action === 'create' ? 'FROM' : 'SET');
  const files = commaList(p, parseOptionList);
  p.expectWord('WITH');
  const options = parseOptionList(p);
  return { kind: 'externalLibrary', action, name, owner, files, options, start, end: p.lastEnd() };
}
