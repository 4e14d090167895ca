// The live security pre-flight in the language server. For each document it plans what the
// instance must confirm (core/preflight), asks everything missing in one T-SQL run through the
// instance client, caches the answers per instance + login (until a save or a check command drops
// them), and hands the server problems to publish with the static ones and a hover for the input
// data name. When the instance cannot be reached it says so once and the static checks go on.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver';
import type { Analysis } from '../../core/analysis/analyze';
import type { HoverInfo } from '../../core/features/hover';
import { askInstance, assembleAnswers, DEFAULT_WORKER_GROUP, inputColumnsHover, preflightProblems, questionKey, questionsFor } from '../../core/preflight';
import type { Problem } from '../../core/diagnostics/problems';
import type { SqlServerVersion } from '../../core/scriptCall/parameters';
import { PreflightCheckRequest, SetCredentialsRequest, type PreflightCheckResult, type SetCredentialsResult } from '../../protocol';
import type { ServerSettings } from '../settings';
import { targetKey, type EditorLogin, type EditorTarget } from '../editorLogin';
import { AnswerCache } from './answerCache';
import { DocumentPlans } from './documentPlans';
import { InstanceReach } from './instanceReach';
import { describeTarget, openInstanceConnection, type OpenConnection } from './instanceTarget';

export interface PreflightServiceOptions {
  /** The current settings. */
  settings(): ServerSettings;
  /** Publish the document's diagnostics again (its pre-flight answers changed). */
  revalidate(uri: string): void;
  /** The URIs of the open documents. */
  openDocuments(): string[];
  /** The instance and login the editor uses (shared with the runs and views). */
  login: EditorLogin;
  /** Whether the workspace is trusted: only then does the pre-flight start a stopped instance. */
  trusted(): boolean;
  /** How to connect (tests pass a fake instance). */
  open?: OpenConnection;
  /** After a failed connection, how long validation waits before trying again (saves and commands try at once). */
  retryAfterMs?: number;
}

export interface Preflight {
  /** The pre-flight problems of this version of the document; asks the instance in the background for what is missing. */
  problems(uri: string, version: number, text: string, analysis: Analysis, sqlServerVersion: SqlServerVersion): Problem[];
  /** The input data's columns, on the input name. */
  hover(uri: string, version: number, offset: number): HoverInfo | null;
  /** A save checks again with fresh answers. */
  saved(uri: string): void;
  closed(uri: string): void;
  /** The workspace became trusted: an instance that was not running may be started now, so ask again. */
  trustGranted(): void;
  /**
   * The instance changed (a statement changed its configuration or security, or it was started or
   * created): every answer is forgotten and every open document asks again, so that no stale
   * "no problems" or stale warning stays in Problems.
   */
  instanceChanged(): void;
  dispose(): void;
}

export function createPreflight(connection: Connection, options: PreflightServiceOptions): Preflight {
  /** The check-as login chosen by the check command: '' the connected login itself; undefined: the setting. */
  let commandAsLogin: string | undefined;
  const toldRefused = new Set<string>();
  const answers = new AnswerCache();
  const documents = new DocumentPlans();
  const inflight = new Map<string, Promise<void>>();
  const askAgain = new Set<string>();
  /** Counts the instance's changes: answers asked before the latest one are not stored. */
  let changes = 0;

  const settings = () => options.settings().preflight;
  const target = (): EditorTarget => options.login.target(settings());
  const reach = new InstanceReach(connection, {
    target,
    trusted: options.trusted,
    open: options.open ?? openInstanceConnection,
    retryAfterMs: options.retryAfterMs ?? 30_000,
    tell,
    catalogChanged: () => instanceChanged(),
  });

  /** The login to check as: the command's choice, else the setting; undefined: the connected login. */
  function asLogin(): string | undefined {
    const chosen = commandAsLogin ?? settings().checkAsLogin ?? '';
    return chosen === '' ? undefined : chosen;
  }

  const cacheKey = () => `${targetKey(target())}\u0000${asLogin()?.toLowerCase() ?? ''}`;

  function tell(message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    connection.console.warn(message);
  }

  /** Asks the instance what the document's plan still lacks; resolves when the answers are stored. */
  function ask(uri: string): Promise<void> {
    const running = inflight.get(uri);
    if (running) {
      askAgain.add(uri);
      return running;
    }
    const promise = (async () => {
      const state = documents.get(uri);
      if (!state) return;
      const key = cacheKey();
      const known = answers.known(key);
      const missing = questionsFor(state.plan).filter((q) => !known.has(questionKey(q)));
      if (missing.length === 0) return;
      const as = asLogin();
      const askedAt = changes;
      const asked = await reach.ask((runner) => askInstance(missing, runner, as !== undefined ? { asLogin: as } : {}));
      // The instance changed while these were asked: they may say what was true before it, and
      // stored now they would stand as known after the clear. The question is asked again (askAgain).
      if (changes !== askedAt) return;
      if (!asked.ok) {
        if ('refused' in asked) refused(key, as, asked.refused, missing.map(questionKey));
        return;
      }
      if (cacheKey() !== key) return; // settings changed meanwhile: these answers are for another login
      const result = asked.value;
      if (result.failure) {
        const f = result.failure;
        refused(key, as, `${f.number !== null ? `Msg ${f.number}, ` : ''}${f.text}`, missing.map(questionKey));
        return;
      }
      answers.store(key, result.facts);
      options.revalidate(uri);
    })().finally(() => {
      inflight.delete(uri);
      if (askAgain.delete(uri) && documents.has(uri)) void ask(uri);
    });
    inflight.set(uri, promise);
    return promise;
  }

  function refused(key: string, as: string | undefined, why: string, questions: string[]): void {
    answers.refuse(key, questions);
    if (toldRefused.has(key)) return;
    toldRefused.add(key);
    tell(`sqlml: the instance refused the permission check${as ? ` as login '${as}'` : ''}: ${why}`);
  }

  function instanceChanged(): void {
    // An answer being asked now may predate the change: ask() drops it and asks again once it is in (askAgain).
    changes++;
    for (const uri of inflight.keys()) askAgain.add(uri);
    answers.clear();
    reach.retryNow();
    toldRefused.clear();
    for (const uri of options.openDocuments()) if (documents.has(uri)) options.revalidate(uri);
  }

  /** Forgets the answers a document's questions had, so that they are asked afresh. */
  function forget(uri: string): void {
    if (documents.has(uri)) answers.forget(cacheKey(), documents.questions(uri));
  }

  connection.onRequest(SetCredentialsRequest, async (params): Promise<SetCredentialsResult> => {
    options.login.set(params.login, params.password);
    reach.credentialsChanged();
    let result: SetCredentialsResult;
    try {
      const c = await reach.connect();
      result = { ok: true, login: c.login };
    } catch (err) {
      result = { ok: false, login: null, message: err instanceof Error ? err.message : String(err) };
      reach.failedQuietly(); // the client shows this answer itself
    }
    for (const uri of options.openDocuments()) options.revalidate(uri);
    return result;
  });

  connection.onRequest(PreflightCheckRequest, async (params): Promise<PreflightCheckResult> => {
    if (params.asLogin !== undefined) commandAsLogin = params.asLogin === null ? undefined : params.asLogin.trim();
    reach.retryNow();
    toldRefused.delete(cacheKey());
    const uris = (params.uri ? [params.uri] : options.openDocuments()).filter((u) => documents.has(u));
    let reachable = true;
    for (const uri of uris) {
      await inflight.get(uri);
      forget(uri);
      await ask(uri);
      if (reach.failed) {
        reachable = false;
        break;
      }
    }
    let message = reachable ? undefined : `cannot reach the instance (${describeTarget(target())})`;
    let problems = 0;
    let login: string | null = null;
    const known = answers.known(cacheKey());
    for (const uri of uris) {
      const state = documents.get(uri)!;
      const assembled = assembleAnswers(state.plan, (k) => known.get(k));
      login ??= assembled.login;
      problems += preflightProblems(state.plan, assembled).length;
      options.revalidate(uri);
    }
    if (reachable && uris.length > 0 && login === null) message = `the instance did not say which login was checked${asLogin() ? ` (as '${asLogin()}')` : ''}`;
    return { reachable, login, documents: uris.length, problems, ...(message ? { message } : {}) };
  });

  return {
    problems(uri, version, text, analysis, sqlServerVersion) {
      if (!settings().enabled) {
        documents.drop(uri);
        reach.drop();
        return [];
      }
      const key = cacheKey();
      const known = answers.known(key);
      const state = documents.update(uri, version, text, analysis, sqlServerVersion, {
        cacheKey: key,
        generation: answers.generation,
        known,
        workerGroups: reach.workerGroups ?? [DEFAULT_WORKER_GROUP],
      });
      if (reach.canAsk() && documents.lacksAnswers(state, known)) void ask(uri);
      return state.problems;
    },
    hover(uri, version, offset) {
      const state = documents.get(uri);
      if (!state || state.version !== version) return null;
      return inputColumnsHover(state.plan, state.answers, offset);
    },
    saved(uri) {
      if (!settings().enabled || !documents.has(uri)) return;
      reach.retryNow();
      forget(uri);
      options.revalidate(uri);
    },
    closed(uri) {
      documents.closed(uri);
      askAgain.delete(uri);
    },
    trustGranted() {
      // What failed while untrusted was another attempt (it could not start the instance), so these documents ask (and may start) at once.
      for (const uri of options.openDocuments()) options.revalidate(uri);
    },
    instanceChanged,
    dispose() {
      reach.drop();
    },
  };
}
