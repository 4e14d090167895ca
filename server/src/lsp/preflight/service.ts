// The live security pre-flight in the language server. For each document it plans what the
// instance must confirm (core/preflight), asks everything missing in one T-SQL run through the
// instance client, caches the answers per instance + login (until a save or a check command drops
// them), and hands the server problems to publish with the static ones and a hover for the input
// data name. When the instance cannot be reached it says so once and the static checks go on.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver';
import type { Analysis } from '../../core/analysis/analyze';
import type { HoverInfo } from '../../core/features/hover';
import {
  askInstance,
  assembleAnswers,
  DEFAULT_WORKER_GROUP,
  IncrementalPreflightPlanner,
  inputColumnsHover,
  preflightProblems,
  questionKey,
  questionsFor,
  type Fact,
  type PreflightAnswers,
  type PreflightPlan,
} from '../../core/preflight';
import type { Problem } from '../../core/diagnostics/problems';
import type { SqlServerVersion } from '../../core/scriptCall/parameters';
import { CredentialsNeededNotification, PreflightCheckRequest, SetCredentialsRequest, type PreflightCheckResult, type SetCredentialsResult } from '../../protocol';
import type { ServerSettings } from '../settings';
import { targetKey, type EditorLogin, type EditorTarget } from '../editorLogin';
import { untrustedRefusal } from '../workspaceTrust';
import { describeTarget, openInstanceConnection, type OpenConnection, type PreflightConnection } from './instanceTarget';

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

interface DocumentState {
  version: number;
  sqlServerVersion: SqlServerVersion;
  /** The cache the answers came from (instance + login + checked login). */
  cacheKey: string;
  generation: number;
  plan: PreflightPlan;
  answers: PreflightAnswers | null;
  problems: Problem[];
}

class NeedsCredentials extends Error {}

export function createPreflight(connection: Connection, options: PreflightServiceOptions): Preflight {
  const open = options.open ?? openInstanceConnection;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  /** The check-as login chosen by the check command: '' the connected login itself; undefined: the setting. */
  let commandAsLogin: string | undefined;
  let current: { key: string; connection: PreflightConnection } | null = null;
  let connecting: { key: string; promise: Promise<PreflightConnection> } | null = null;
  let unreachable: { key: string; at: number } | null = null;
  /** The instance whose unreachability the user has been told about (once, until it answers). */
  let toldUnreachable: string | null = null;
  const toldRefused = new Set<string>();
  const askedForPassword = new Set<string>();
  const facts = new Map<string, Map<string, Fact>>();
  let generation = 0;
  const documents = new Map<string, DocumentState>();
  // Each open document's planner, so that an edit re-plans only the calls and batches it touched.
  const planners = new Map<string, IncrementalPreflightPlanner>();
  const inflight = new Map<string, Promise<void>>();
  const askAgain = new Set<string>();

  const settings = () => options.settings().preflight;

  /** The instance and login to connect as; `needsPassword` names a SQL login whose password is missing. */
  const target = (): EditorTarget => options.login.target(settings());

  /** The login to check as: the command's choice, else the setting; undefined: the connected login. */
  function asLogin(): string | undefined {
    const chosen = commandAsLogin ?? settings().checkAsLogin ?? '';
    return chosen === '' ? undefined : chosen;
  }

  const cacheKey = () => `${targetKey(target())}\u0000${asLogin()?.toLowerCase() ?? ''}`;

  /**
   * What an attempt to reach the instance is known by: the target, and whether it may start the instance (only
   * in a trusted workspace). A failure while untrusted then never holds back the first try once trust is granted.
   */
  const reachKey = (mayStart = options.trusted()) => `${targetKey(target())}\u0000${mayStart ? 'may start' : 'running only'}`;

  function factsOf(key: string): Map<string, Fact> {
    let map = facts.get(key);
    if (!map) facts.set(key, (map = new Map()));
    return map;
  }

  function tell(message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    connection.console.warn(message);
  }

  async function connect(): Promise<PreflightConnection> {
    const t = target();
    const key = targetKey(t);
    if (t.needsPassword !== undefined) {
      const login = t.needsPassword;
      if (!askedForPassword.has(login.toLowerCase())) {
        askedForPassword.add(login.toLowerCase());
        void connection.sendNotification(CredentialsNeededNotification, { login, instance: describeTarget(t) });
      }
      throw new NeedsCredentials(`sqlml.instance.login is '${login}', but the editor has not given its password (sqlml/setCredentials)`);
    }
    const { needsPassword: _, ...plain } = t;
    if (current && current.key === key) return current.connection;
    if (current) {
      current.connection.close();
      current = null;
    }
    const autoStart = options.trusted();
    const attempt = reachKey(autoStart);
    if (connecting && connecting.key === attempt) return connecting.promise;
    const promise = open(plain, { autoStart, catalogChanged: () => instanceChanged() }).then(
      (c) => {
        if (connecting?.promise === promise) connecting = null;
        if (targetKey(target()) !== key) {
          c.close(); // the settings changed while connecting
          throw new Error('the instance settings changed');
        }
        current = { key, connection: c };
        return c;
      },
      (err: unknown) => {
        if (connecting?.promise === promise) connecting = null;
        throw err;
      },
    );
    connecting = { key: attempt, promise };
    return promise;
  }

  function dropConnection(): void {
    current?.connection.close();
    current = null;
  }

  /** A failure of the instance itself (it answered with an error), not of reaching it. */
  const isRefusal = (err: unknown) => !!err && typeof err === 'object' && (err as { constructor?: { name?: string } }).constructor?.name === 'ResponseError';

  function canAsk(): boolean {
    return !(unreachable && unreachable.key === reachKey() && Date.now() - unreachable.at < retryAfterMs);
  }

  /**
   * The documents' questions go to the instance one run at a time: the connection is one session,
   * and two runs at once on it (several documents re-checked after a catalog change) mixed up
   * their EXECUTE AS contexts and answers, as SQL Server allows one active request per connection.
   */
  let asking: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(question: () => Promise<T>): Promise<T> {
    const answer = asking.then(question, question);
    asking = answer.catch(() => undefined);
    return answer;
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
      const known = factsOf(key);
      const missing = questionsFor(state.plan).filter((q) => !known.has(questionKey(q)));
      if (missing.length === 0) return;
      const mayStart = options.trusted();
      let conn: PreflightConnection;
      try {
        conn = await connect();
      } catch (err) {
        failedToReach(err, mayStart);
        return;
      }
      const as = asLogin();
      let result;
      try {
        result = await oneAtATime(() => askInstance(missing, conn.runner, as !== undefined ? { asLogin: as } : {}));
      } catch (err) {
        if (isRefusal(err)) {
          refused(key, as, (err as Error).message, missing.map(questionKey));
          return;
        }
        // The connection may have dropped (an idle instance stops): one fresh try.
        dropConnection();
        try {
          conn = await connect();
          result = await oneAtATime(() => askInstance(missing, conn.runner, as !== undefined ? { asLogin: as } : {}));
        } catch (again) {
          if (isRefusal(again)) refused(key, as, (again as Error).message, missing.map(questionKey));
          else failedToReach(again, mayStart);
          return;
        }
      }
      unreachable = null;
      toldUnreachable = null;
      if (cacheKey() !== key) return; // settings changed meanwhile: these answers are for another login
      if (result.failure) {
        const f = result.failure;
        refused(key, as, `${f.number !== null ? `Msg ${f.number}, ` : ''}${f.text}`, missing.map(questionKey));
        return;
      }
      for (const [k, v] of result.facts) known.set(k, v);
      generation++;
      options.revalidate(uri);
    })().finally(() => {
      inflight.delete(uri);
      if (askAgain.delete(uri) && documents.has(uri)) void ask(uri);
    });
    inflight.set(uri, promise);
    return promise;
  }

  function failedToReach(err: unknown, mayStart: boolean): void {
    const key = reachKey(mayStart);
    unreachable = { key, at: Date.now() };
    if (toldUnreachable === key) return;
    toldUnreachable = key;
    let reason = err instanceof Error ? err.message : String(err);
    if (!mayStart) reason += `; ${untrustedRefusal('the pre-flight does not start instances')}`;
    tell(`sqlml: cannot reach the instance (${describeTarget(target())}): ${reason}. The permission and loopback checks are off until it answers; the other checks go on.`);
  }

  function refused(key: string, as: string | undefined, why: string, keys: string[]): void {
    const known = factsOf(key);
    for (const k of keys) known.set(k, { kind: 'unknown' });
    generation++;
    if (toldRefused.has(key)) return;
    toldRefused.add(key);
    tell(`sqlml: the instance refused the permission check${as ? ` as login '${as}'` : ''}: ${why}`);
  }

  function instanceChanged(): void {
    // An answer being asked now may predate the change: ask() asks again once it is in (askAgain).
    for (const uri of inflight.keys()) askAgain.add(uri);
    facts.clear();
    unreachable = null;
    toldRefused.clear();
    generation++;
    for (const uri of options.openDocuments()) if (documents.has(uri)) options.revalidate(uri);
  }

  /** Forgets the answers a document's questions had, so that they are asked afresh. */
  function forget(uri: string): void {
    const state = documents.get(uri);
    if (!state) return;
    const known = factsOf(cacheKey());
    for (const q of questionsFor(state.plan)) known.delete(questionKey(q));
    generation++;
  }

  function compute(uri: string, version: number, text: string, analysis: Analysis, sqlServerVersion: SqlServerVersion): DocumentState {
    const key = cacheKey();
    const previous = documents.get(uri);
    if (previous && previous.version === version && previous.sqlServerVersion === sqlServerVersion && previous.cacheKey === key && previous.generation === generation) return previous;
    const workerGroups = current?.connection.workerGroups ?? [DEFAULT_WORKER_GROUP];
    let planner = planners.get(uri);
    if (!planner) planners.set(uri, (planner = new IncrementalPreflightPlanner()));
    const plan = planner.plan(text, analysis, { sqlServerVersion, workerGroups });
    const known = factsOf(key);
    const questions = questionsFor(plan);
    const answers = questions.length > 0 ? assembleAnswers(plan, (k) => known.get(k)) : null;
    const state: DocumentState = { version, sqlServerVersion, cacheKey: key, generation, plan, answers, problems: preflightProblems(plan, answers) };
    documents.set(uri, state);
    return state;
  }

  connection.onRequest(SetCredentialsRequest, async (params): Promise<SetCredentialsResult> => {
    options.login.set(params.login, params.password);
    askedForPassword.clear();
    dropConnection();
    unreachable = null;
    toldUnreachable = null;
    let result: SetCredentialsResult;
    try {
      const c = await connect();
      result = { ok: true, login: c.login };
    } catch (err) {
      result = { ok: false, login: null, message: err instanceof Error ? err.message : String(err) };
      unreachable = { key: reachKey(), at: Date.now() };
      toldUnreachable = unreachable.key; // the client shows this answer itself
    }
    for (const uri of options.openDocuments()) options.revalidate(uri);
    return result;
  });

  connection.onRequest(PreflightCheckRequest, async (params): Promise<PreflightCheckResult> => {
    if (params.asLogin !== undefined) commandAsLogin = params.asLogin === null ? undefined : params.asLogin.trim();
    unreachable = null;
    toldRefused.delete(cacheKey());
    const uris = (params.uri ? [params.uri] : options.openDocuments()).filter((u) => documents.has(u));
    let reachable = true;
    let message: string | undefined;
    for (const uri of uris) {
      await inflight.get(uri);
      forget(uri);
      await ask(uri);
      if (unreachable) {
        reachable = false;
        break;
      }
    }
    if (!reachable) message = `cannot reach the instance (${describeTarget(target())})`;
    let problems = 0;
    let login: string | null = null;
    const key = cacheKey();
    for (const uri of uris) {
      const state = documents.get(uri)!;
      const answers = assembleAnswers(state.plan, (k) => factsOf(key).get(k));
      login ??= answers.login;
      problems += preflightProblems(state.plan, answers).length;
      options.revalidate(uri);
    }
    if (reachable && uris.length > 0 && login === null) message = `the instance did not say which login was checked${asLogin() ? ` (as '${asLogin()}')` : ''}`;
    return { reachable, login, documents: uris.length, problems, ...(message ? { message } : {}) };
  });

  return {
    problems(uri, version, text, analysis, sqlServerVersion) {
      if (!settings().enabled) {
        documents.delete(uri);
        if (current) dropConnection();
        return [];
      }
      const state = compute(uri, version, text, analysis, sqlServerVersion);
      const known = factsOf(state.cacheKey);
      if (canAsk() && questionsFor(state.plan).some((q) => !known.has(questionKey(q)))) void ask(uri);
      return state.problems;
    },
    hover(uri, version, offset) {
      const state = documents.get(uri);
      if (!state || state.version !== version) return null;
      return inputColumnsHover(state.plan, state.answers, offset);
    },
    saved(uri) {
      if (!settings().enabled || !documents.has(uri)) return;
      unreachable = null;
      forget(uri);
      options.revalidate(uri);
    },
    closed(uri) {
      documents.delete(uri);
      planners.delete(uri);
      askAgain.delete(uri);
    },
    trustGranted() {
      // What failed while untrusted is kept under another reachKey, so these documents ask (and may start) at once.
      for (const uri of options.openDocuments()) options.revalidate(uri);
    },
    instanceChanged,
    dispose() {
      dropConnection();
    },
  };
}
