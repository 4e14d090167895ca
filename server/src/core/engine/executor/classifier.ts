// Resource Governor's classification of a new session: with the governor enabled and a classifier
// function in effect, the function runs for the session as it logs in (the login's context, in
// master, through the same user-function mechanism as any query) and the workload group it names
// holds the session for its lifetime; the group's external pool is where the session's scripts
// run. NULL, 'default', a group that does not exist, or a classifier that fails put the session in
// the default group, as SQL Server documents.
//
// The server calls the classifier itself, as the function's owner would: the call runs under the
// function's ownership chain, so a login needs no EXECUTE permission on it (SQL Server asks none),
// while SUSER_NAME() and the like inside it still answer for the login being classified.
import { ownershipChainLink } from '../../security';
import { parseScript } from '../parser';
import { StatementContext } from './context';
import { Frame } from './frame';
import type { CancelSignal, SqlValue } from './ports';
import { effectiveGroup, governorOf, type ClassifierName } from './resourceGovernor';
import { runStatements } from './runner';
import { asRun } from './script';
import { ExecutorSession } from './session';

const NOT_CANCELLABLE: CancelSignal = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };

const bracket = (name: string) => `[${name.replace(/]/g, ']]')}]`;

export async function classifySession(session: ExecutorSession): Promise<void> {
  const document = session.instance.document;
  const configuration = governorOf(document).effective?.configuration;
  const named = configuration?.enabled && configuration.classifier ? await callClassifier(session, configuration.classifier) : null;
  session.workloadGroup = effectiveGroup(session.instance.document, typeof named === 'string' ? named : null);
}

/** The classifier's answer for the session; null when it fails. */
async function callClassifier(session: ExecutorSession, classifier: ClassifierName): Promise<SqlValue> {
  const text = `SELECT ${bracket(classifier.schema)}.${bracket(classifier.name)}();`;
  const batch = parseScript(text)[0];
  if (!batch || batch.errors.length > 0) return null;
  // A connection of its own, so that nothing the call does shows in the session's state; it
  // answers APP_NAME() and HOST_NAME() for the session being classified.
  const call = await ExecutorSession.open(session.instance, { session: session.security, database: 'master' }, session.client);
  let answer: SqlValue = null;
  let failed = false;
  const sink = {
    resultSet: (r: { rows: SqlValue[][] }) => {
      answer = r.rows[0]?.[0] ?? null;
    },
    message: (m: { kind: string }) => {
      if (m.kind === 'error') failed = true;
    },
  };
  try {
    const chain = ownershipChainLink(call.catalog, 'master', classifier);
    const frame = Frame.procedure(text, Frame.script(text, batch), 0, { database: 'master', schema: classifier.schema, name: classifier.name, chain });
    await asRun(call, NOT_CANCELLABLE, () => runStatements(batch.statements, new StatementContext(call, frame, sink)));
  } catch {
    failed = true;
  } finally {
    await call.close();
  }
  return failed ? null : answer;
}
