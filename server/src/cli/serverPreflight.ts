// `sqlml check -S`: the editor's pre-flight against a SQL Server over TDS — the same plan, the
// same T-SQL questions and the same rules, answered by the server the options name.
import type { Analysis } from '../core/analysis/analyze';
import { askInstance, assembleAnswers, DEFAULT_WORKER_GROUP, planPreflight, preflightProblems, questionsFor } from '../core/preflight';
import type { Problem } from '../core/diagnostics/problems';
import type { SqlServerVersion } from '../core/scriptCall/parameters';
import { InstanceUnavailable } from '../node/instance/instanceClient';
import { TdsConnection } from '../node/remote/tdsConnection';
import type { ServerTarget } from './serverOptions';

/**
 * SQL Server's worker group is SQLRUserGroup (its login is MACHINE\SQLRUserGroup); sqlml's embedded
 * instance names its own. Either counts as the loopback login.
 */
const WORKER_GROUPS = ['SQLRUserGroup', DEFAULT_WORKER_GROUP];

export interface ServerPreflight {
  problems(text: string, analysis: Analysis): Promise<Problem[]>;
  close(): Promise<void>;
}

export async function serverPreflight(server: ServerTarget, sqlServerVersion: SqlServerVersion): Promise<ServerPreflight | { error: string }> {
  let connection: TdsConnection;
  try {
    connection = await TdsConnection.open(server.profile, { password: server.password, appName: 'sqlml check' });
  } catch (err) {
    if (err instanceof InstanceUnavailable) return { error: err.message };
    throw err;
  }
  return {
    async problems(text, analysis) {
      const plan = planPreflight(text, analysis, { sqlServerVersion, workerGroups: WORKER_GROUPS });
      const questions = questionsFor(plan);
      if (questions.length === 0) return preflightProblems(plan, null);
      const { facts } = await askInstance(questions, connection.runner, {});
      return preflightProblems(plan, assembleAnswers(plan, (k) => facts.get(k)));
    },
    close: () => connection.close(),
  };
}
