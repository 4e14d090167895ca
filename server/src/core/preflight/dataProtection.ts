// What the seeds say encryption does not cover (security.md, "No support for Transparent Data
// Encryption at rest"): the external runtime has no Always Encrypted keys, so a call whose
// @input_data_1 reads such a column cannot run; and TDE does not protect what is sent to a
// script, which a database using TDE should be told about.
import { makeProblem, type Problem } from '../diagnostics/problems';
import type { CallPlan } from './plan';
import type { DatabaseAnswers } from './ports';
import { identifierName } from '../tsql/literals';
import { lex, type Token } from '../tsql/lexer';
import { displayName } from './tables';

type Lookup = (database: string | null) => DatabaseAnswers | undefined;

export function dataProtectionProblems(call: CallPlan, databaseOf: Lookup): Problem[] {
  const out: Problem[] = [];
  const read = call.input ? columnsNamed(call.input.query) : null;
  const tdeDatabases = new Set<string>();
  const [nameStart, nameEnd] = call.call.call.nameRange;

  const callDb = databaseOf(call.database);
  if (callDb?.encrypted === true) tdeDatabases.add(callDb.name ?? call.database ?? '');

  for (const table of call.tables) {
    if (table.via !== 'input') continue;
    const db = databaseOf(table.database ?? call.database);
    if (!db) continue;
    if (db.encrypted === true) tdeDatabases.add(db.name ?? table.database ?? '');
    const answer = db.encryptedColumns?.find((t) => t.name.toLowerCase() === table.name.toLowerCase() && (t.schema ?? '').toLowerCase() === (table.schema ?? '').toLowerCase());
    if (!answer || answer.columns.length === 0 || !read) continue;
    const hit = read.star ? answer.columns : answer.columns.filter((c) => read.names.has(c.toLowerCase()));
    if (hit.length === 0) continue;
    out.push(
      makeProblem(
        'SQLML306',
        `@input_data_1 reads Always Encrypted column${hit.length > 1 ? 's' : ''} ${hit.map((c) => `'${c}'`).join(', ')} of ${displayName(table)}: the external runtime has no access to the encryption keys, so this data cannot be sent to the script. Leave ${hit.length > 1 ? 'them' : 'it'} out of the input query.`,
        table.range[0],
        table.range[1],
      ),
    );
  }

  for (const name of tdeDatabases) {
    out.push(
      makeProblem(
        'SQLML307',
        `Database '${name}' uses Transparent Data Encryption, which is not applied to data sent to or received from the external script, nor to what the script saves to disk: that data is not protected by the database's encryption.`,
        nameStart,
        nameEnd,
      ),
    );
  }
  return out;
}

/**
 * The identifiers an input query names (every word and [quoted] name, lower-cased) and whether it
 * selects every column (*). A scan, not a parse: it errs towards finding a column read.
 */
export function columnsNamed(query: string): { names: Set<string>; star: boolean } {
  const names = new Set<string>();
  let star = false;
  const tokens = lex(query).tokens;
  tokens.forEach((t, i) => {
    if (t.kind === 'word' || t.kind === 'quotedIdent') names.add(identifierName(query, t).toLowerCase());
    else if (query.slice(t.start, t.end) === '*' && selectsAll(query, tokens[i - 1])) star = true;
  });
  return { names, star };
}

/** A * after SELECT, DISTINCT, ALL, a comma or a dot (t.*) selects columns; elsewhere it multiplies or counts. */
function selectsAll(query: string, before: Token | undefined): boolean {
  if (!before) return false;
  if (before.kind === 'comma' || before.kind === 'dot') return true;
  return before.kind === 'word' && ['select', 'distinct', 'all'].includes(query.slice(before.start, before.end).toLowerCase());
}
