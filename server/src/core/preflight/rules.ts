// The pre-flight's findings: the instance's answers (and the script's own usages) turned into
// positioned problems, each with the statement a DBA would run as its quick fix, written into
// the document as a batch of its own just before the call's batch.
import { makeProblem, type Fix, type Problem } from '../diagnostics/problems';
import type { CallPlan, PreflightPlan, TableRef, UsageRef } from './plan';
import { dataProtectionProblems } from './dataProtection';
import type { DatabaseAnswers, PreflightAnswers } from './ports';
import { displayName, quoteName, quotedName, unicodeLiteral } from './tables';

const ENABLE_SCRIPTS = "EXEC sp_configure 'external scripts enabled', 1; RECONFIGURE;";

/**
 * The problems of a plan. Without answers (the instance is not reachable, or not asked yet) only
 * what the scripts themselves show is reported: written passwords and network use.
 */
export function preflightProblems(plan: PreflightPlan, answers: PreflightAnswers | null): Problem[] {
  const problems: Problem[] = [];
  for (const call of plan.calls) {
    if (answers) problems.push(...instanceProblems(plan, call, answers));
    problems.push(...scriptProblems(call));
  }
  return problems.sort((a, b) => a.start - b.start || a.end - b.end);
}

function instanceProblems(plan: PreflightPlan, call: CallPlan, answers: PreflightAnswers): Problem[] {
  const out: Problem[] = [];
  const [nameStart, nameEnd] = call.call.call.nameRange;
  const login = answers.login;
  const who = login ? `'${login}'` : 'The login';

  if (answers.externalScriptsEnabled === false) {
    out.push(
      makeProblem(
        'SQLML300',
        `External scripts are disabled on this instance ('external scripts enabled' is 0): the call would fail with Msg 39023, "'sp_execute_external_script' is disabled on this instance of SQL Server. Use sp_configure 'external scripts enabled' to enable it."`,
        nameStart,
        nameEnd,
        { fixes: [dbaFix(plan, call, 'SQLML300', `Add the DBA statement: ${ENABLE_SCRIPTS}`, null, [ENABLE_SCRIPTS])] },
      ),
    );
  }

  const db = databaseAnswers(answers, call.database);
  if (db?.failure) {
    out.push(databaseProblem(plan, call, db, login, nameStart, nameEnd));
  } else if (db) {
    const language = call.language;
    const perLanguage = language ? db.languages.find((l) => l.language.toLowerCase() === language.toLowerCase()) : undefined;
    const any = db.executeAnyExternalScript;
    const known = any !== null || (perLanguage !== undefined && perLanguage.allowed !== null);
    if (known && any !== true && perLanguage?.allowed !== true) {
      const where = `${db.user ? `user '${db.user}' in ` : ''}database '${db.name ?? call.database}'`;
      const languageNote = perLanguage ? `, nor EXECUTE EXTERNAL SCRIPT on EXTERNAL LANGUAGE::${language}` : '';
      const fixes: Fix[] = [];
      const to = grantee(db, login);
      if (to) {
        const grantAny = `GRANT EXECUTE ANY EXTERNAL SCRIPT TO ${quoteName(to.user)};`;
        fixes.push(dbaFix(plan, call, 'SQLML301', `Add the DBA statement: ${[...to.first, grantAny].join(' ')}`, db.name, [...to.first, grantAny]));
        if (language && plan.options.sqlServerVersion >= 2019) {
          const grantLanguage = `GRANT EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::${quoteName(language)} TO ${quoteName(to.user)};`;
          fixes.push(dbaFix(plan, call, 'SQLML301', `Add the DBA statement: ${[...to.first, grantLanguage].join(' ')}`, db.name, [...to.first, grantLanguage]));
        }
      }
      out.push(
        makeProblem(
          'SQLML301',
          `${who} (${where}) may not run external scripts: EXECUTE ANY EXTERNAL SCRIPT is not granted${languageNote}. The call would fail with Msg 297, "The user does not have permission to perform this action."`,
          nameStart,
          nameEnd,
          { fixes },
        ),
      );
    }
  }

  for (const table of call.tables) {
    const tdb = databaseAnswers(answers, table.database ?? call.database);
    if (!tdb) continue;
    if (tdb.failure) {
      if (tdb !== db) out.push(databaseProblem(plan, call, tdb, login, table.range[0], table.range[1]));
      continue;
    }
    const answer = tdb.tables.find(
      (t) => t.name.toLowerCase() === table.name.toLowerCase() && (t.schema ?? '').toLowerCase() === (table.schema ?? '').toLowerCase() && t.permission === table.permission,
    );
    if (!answer) continue;
    const dbName = tdb.name ?? table.database ?? call.database ?? '';
    if (answer.allowed === null) {
      out.push(
        makeProblem(
          'SQLML304',
          `Invalid object name '${displayName(table)}' (Msg 208): database '${dbName}' has no such table or view, or ${login ? `'${login}'` : 'the login'} cannot see it (${viaText(table)}).`,
          table.range[0],
          table.range[1],
        ),
      );
    } else if (answer.allowed === false) {
      const code = table.permission === 'SELECT' ? 'SQLML302' : 'SQLML303';
      const to = grantee(tdb, login);
      const statements = to ? [...to.first, `GRANT ${table.permission} ON ${quotedName(table)} TO ${quoteName(to.user)};`] : [];
      const fixes = to ? [dbaFix(plan, call, code, `Add the DBA statement: ${statements.join(' ')}`, tdb.name, statements, table.database !== null)] : [];
      out.push(
        makeProblem(
          code,
          `${who} lacks ${table.permission} on ${displayName(table)}, ${viaText(table)}: it would fail with Msg 229, "The ${table.permission} permission was denied on the object '${table.name}', database '${dbName}', schema '${table.schema ?? 'dbo'}'."`,
          table.range[0],
          table.range[1],
          { fixes },
        ),
      );
    }
  }

  out.push(...dataProtectionProblems(call, (database) => databaseAnswers(answers, database)));

  const loopbacks = call.usages.filter((u) => u.kind === 'trusted-loopback');
  const groups = answers.groupLogins;
  if (loopbacks.length > 0 && groups) {
    const wanted = plan.options.workerGroups.map((g) => g.toLowerCase());
    const login = groups.logins.find((l) => wanted.includes(l.name.toLowerCase()) || wanted.some((g) => l.name.toLowerCase().endsWith(`\\${g}`)));
    const group = login?.name ?? plan.options.workerGroups[0] ?? 'sqlmlusers';
    const first = loopbacks[0]!;
    const more = loopbacks.length > 1 ? ` (and ${loopbacks.length - 1} more place${loopbacks.length > 2 ? 's' : ''} in this script)` : '';
    const why = `The script opens a trusted loopback connection (${first.what})${more}, which the instance lets in only through a login for the workers' OS group '${group}' (SQL Server's SQLRUserGroup login)`;
    if (login?.disabled) {
      const statement = `ALTER LOGIN ${quoteName(login.name)} ENABLE;`;
      out.push(
        makeProblem('SQLML310', `${why}; that login is disabled, so the connection would fail with Msg 18456 (Login failed).`, first.range[0], first.range[1], {
          fixes: [dbaFix(plan, call, 'SQLML310', `Add the DBA statement: ${statement}`, null, [statement])],
        }),
      );
    } else if (!login && groups.complete) {
      const statement = `CREATE LOGIN ${quoteName(group)} FROM OS;`;
      out.push(
        makeProblem('SQLML310', `${why}; there is none, so the connection would fail with Msg 18456 (Login failed for the worker).`, first.range[0], first.range[1], {
          fixes: [dbaFix(plan, call, 'SQLML310', `Add the DBA statement: ${statement}`, null, [statement])],
        }),
      );
    }
  }
  return out;
}

function databaseProblem(plan: PreflightPlan, call: CallPlan, db: DatabaseAnswers, login: string | null, start: number, end: number) {
  const failure = db.failure!;
  const name = db.database ?? db.name ?? 'its default database';
  const fixes: Fix[] = [];
  if (login && db.database && (failure.number === 916 || failure.number === 4060)) {
    const statements = [`CREATE USER ${quoteName(login)} FOR LOGIN ${quoteName(login)};`];
    fixes.push(dbaFix(plan, call, 'SQLML305', `Add the DBA statement: USE ${quoteName(db.database)}; ${statements[0]}`, db.database, statements));
  }
  const msg = failure.number !== null ? `Msg ${failure.number}, "${failure.text}"` : failure.text;
  return makeProblem('SQLML305', `${login ? `'${login}'` : 'The login'} cannot use database '${name}': ${msg}`, start, end, { fixes });
}

function scriptProblems(call: CallPlan): Problem[] {
  const out: Problem[] = [];
  for (const usage of call.usages) {
    if (usage.kind === 'credential') out.push(credentialProblem(call, usage));
    else if (usage.kind === 'network') {
      out.push(
        makeProblem(
          'SQLML312',
          `The script reaches the network (${usage.what}): satellites run without outbound network, so this fails unless an administrator allows network access for the script's pool.`,
          usage.range[0],
          usage.range[1],
        ),
      );
    }
  }
  return out;
}

function credentialProblem(call: CallPlan, usage: UsageRef): Problem {
  const fixes: Fix[] = [];
  if (usage.trusted && call.canEditCall) {
    fixes.push({ title: 'Use a trusted connection (Trusted_Connection=yes) instead of the password', edits: [{ start: usage.trusted.range[0], end: usage.trusted.range[1], newText: usage.trusted.text }] });
  }
  return makeProblem(
    'SQLML311',
    `The script writes a password (${usage.what}): it is kept with the code, readable by whoever can read the script. Connect back with the trusted loopback instead (sqlml_query, or Trusted_Connection=yes): it acts for the caller, with the caller's permissions.`,
    usage.range[0],
    usage.range[1],
    { fixes },
  );
}

function viaText(table: TableRef): string {
  switch (table.via) {
    case 'input':
      return 'read by @input_data_1';
    case 'insert-target':
      return 'the INSERT ... EXEC target';
    case 'loopback':
      return `${table.permission === 'SELECT' ? 'read' : 'changed'} by the script's loopback query, which acts as the caller`;
  }
}

/**
 * Whom a GRANT names: the login's own user. A login that reaches the database only as guest gets
 * a user first: granting to guest would grant to everyone.
 */
function grantee(db: DatabaseAnswers, login: string | null): { user: string; first: string[] } | null {
  if (db.user && db.user.toLowerCase() !== 'guest') return { user: db.user, first: [] };
  if (!login) return null;
  return { user: login, first: [`CREATE USER ${quoteName(login)} FOR LOGIN ${quoteName(login)};`] };
}

function databaseAnswers(answers: PreflightAnswers, database: string | null): DatabaseAnswers | undefined {
  const key = database?.toLowerCase() ?? null;
  return answers.databases.find((d) => (d.database?.toLowerCase() ?? null) === key && (d.name !== null || d.failure !== null));
}

/**
 * The DBA statements as a batch of their own just before the call's batch. In another database
 * than the call's (a three-part name), they run through that database's sp_executesql so that the
 * batches after them keep their database.
 */
function dbaFix(plan: PreflightPlan, call: CallPlan, code: string, title: string, database: string | null, statements: string[], otherDatabase = false): Fix {
  const eol = plan.eol;
  let body: string[];
  if (database === null) body = statements;
  else if (otherDatabase) body = [`EXEC ${quoteName(database)}.sys.sp_executesql ${unicodeLiteral(statements.join(' '))};`];
  else body = [`USE ${quoteName(database)};`, ...statements];
  const text = [`-- sqlml pre-flight (${code}): for a DBA to run`, ...body, 'GO', ''].join(eol);
  return { title, edits: [{ start: call.insertAt, end: call.insertAt, newText: text }] };
}
