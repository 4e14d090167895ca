// Runs T-SQL from an open document on the instance, as the editor's login: one connection per run
// (as a query window has its own), the instance started (and the embedded default created) on
// first use as `sqlml run` does; or the SQL Server of the editor's connection profile over TDS.
// Messages stream to the client as they happen; script errors come
// back on the .sql line of the failing script line; lines are the document's.
import { existsSync } from 'node:fs';
import { encodedAgain } from '../../core/results/encodedResultSets';
import type { Connection } from 'vscode-languageserver';
import { mapScriptErrorLines } from '../../node/instance/scriptErrorLines';
import { messageHeader } from '../../node/instance/messageHeader';
import { InstanceClient } from '../../node/instance/instanceClient';
import { EmbeddedConnection } from '../../node/connection/embeddedConnection';
import type { InstanceConnection } from '../../node/connection/instanceConnection';
import { TdsConnection } from '../../node/remote/tdsConnection';
import { instanceLayout, type InstanceLayout } from '../../node/instance/layout';
import type { WireBatch, WireMessage } from '../../node/instance/protocol';
import {
  RunMessageNotification,
  type RunBatch,
  type RunMessage,
  type RunScriptParams,
  type RunScriptResult,
  type SessionOutputResult,
} from '../../protocol';
import type { Connect } from './link';
import { createInstanceWithCli } from './create';
import { runText } from './runText';
import type { EditorTarget } from '../editorLogin';
import { untrustedRefusal } from '../workspaceTrust';

export interface RunServiceOptions {
  target(): EditorTarget;
  /** The text of an open document, as the server has it. */
  documentText(uri: string): string | undefined;
  /** An instance a run starts stops after this idle time. */
  idleStopSeconds(): number;
  /** Whether the workspace is trusted: runs are refused while it is not. */
  trusted(): boolean;
  connect?: Connect;
  /** A run connected (the instance may just have started). */
  connected(): void;
  /** A run ended. */
  ended(): void;
}

/** How many sessions' output the server keeps for Show Session Output. */
const OUTPUT_HISTORY = 200;
const CLIENT_NAME = 'sqlml language server (run)';
const CANCELLED_TEXT = 'Query was cancelled by user.';

export class RunService {
  private readonly runs = new Map<string, AbortController>();
  private readonly outputs = new Map<string, { uri: string; text: string }>();
  private readonly connectTo: Connect;

  constructor(
    private readonly connection: Connection,
    private readonly options: RunServiceOptions,
  ) {
    this.connectTo = options.connect ?? ((layout, o) => InstanceClient.connect(layout, o));
  }

  async run(params: RunScriptParams): Promise<RunScriptResult> {
    const started = Date.now();
    const target = this.options.target();
    const base = { runId: params.runId, uri: params.uri, batches: [], sessions: [], cancelled: false, instance: target.path ?? 'default', login: null };
    const failed = (reason: string, ran = { scope: params.scope, startLine: 0, endLine: 0 }): RunScriptResult => ({ ...base, ran, failed: reason, durationMs: Date.now() - started });
    if (!this.options.trusted()) return failed(untrustedRefusal('scripts are not run'));
    const document = this.options.documentText(params.uri);
    if (document === undefined) return failed('the document is not open in the editor');
    const picked = runText(document, params.scope, params);
    if (!picked.ok) return failed(picked.reason);
    const ran = { scope: params.scope, startLine: picked.startLine, endLine: picked.endLine };
    if (this.runs.has(params.runId)) return failed(`run ${params.runId} is already running`, ran);

    const controller = new AbortController();
    this.runs.set(params.runId, controller);
    let client: InstanceConnection | undefined;
    try {
      try {
        client = await this.open(target);
      } catch (err) {
        return failed(err instanceof Error ? err.message : String(err), ran);
      }
      this.options.connected();
      if (controller.signal.aborted) return { ...base, ran, instance: client.describe, login: client.login, cancelled: true, durationMs: Date.now() - started };
      const present = (m: WireMessage): RunMessage => presentMessage(picked.text, picked.startLine, m);
      const outcome = await client.run(picked.text, {
        ...(params.database ? { database: params.database } : {}),
        ...(params.asLogin ? { asLogin: params.asLogin } : {}),
        signal: controller.signal,
        onMessage: (m) => void this.connection.sendNotification(RunMessageNotification, { runId: params.runId, message: present(m) }).catch(() => undefined),
      });
      const batches = presentBatches(picked.text, picked.startLine, outcome.batches);
      const cancelled =
        controller.signal.aborted || outcome.sessions.some((s) => s.state === 'cancelled') || batches.some((b) => b.messages.some((m) => m.kind === 'error' && m.text === CANCELLED_TEXT));
      this.remember(params.uri, outcome.sessions.map((s) => s.id), batches);
      return { ...base, ran, batches, sessions: outcome.sessions, cancelled, instance: client.describe, login: client.login, durationMs: Date.now() - started };
    } catch (err) {
      return failed(`the instance stopped answering: ${err instanceof Error ? err.message : String(err)}`, ran);
    } finally {
      this.runs.delete(params.runId);
      void client?.close();
      this.options.ended();
    }
  }

  cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    run?.abort();
    return !!run;
  }

  output(id: string): SessionOutputResult {
    const kept = this.outputs.get(id);
    if (!kept) {
      return {
        available: false,
        text: `No output is known for session ${id}: only sessions run from this editor keep their output, and only until the language server restarts.`,
      };
    }
    return { available: true, text: kept.text, uri: kept.uri };
  }

  dispose(): void {
    for (const run of this.runs.values()) run.abort();
  }

  /** The embedded instance on its socket, or the connection profile's SQL Server over TDS. */
  private async open(target: EditorTarget): Promise<InstanceConnection> {
    if (target.tds) {
      if (target.needsPassword !== undefined) throw new Error(`the password of login '${target.needsPassword}' is needed: run "SQL ML: Select Login"`);
      return TdsConnection.open(target.tds, { password: target.sqlLogin?.password ?? '', appName: CLIENT_NAME });
    }
    const layout = await this.prepare(target);
    const client = await this.connectTo(layout, {
      autoStart: true,
      idleStopSeconds: this.options.idleStopSeconds(),
      clientName: CLIENT_NAME,
      ...(target.sqlLogin ? { sqlLogin: target.sqlLogin } : {}),
    });
    return new EmbeddedConnection(client, layout.root);
  }

  /** The instance folder, the embedded default created first when missing (as `sqlml run` does). */
  private async prepare(target: EditorTarget): Promise<InstanceLayout> {
    if (target.needsPassword !== undefined) throw new Error(`the password of login '${target.needsPassword}' is needed: run "SQL ML: Select Login"`);
    const layout = instanceLayout({ path: target.path });
    if (!existsSync(layout.configFile)) {
      if (target.path !== undefined) throw new Error(`there is no instance at ${layout.root}: create it with "SQL ML: Start Embedded Instance" or 'sqlml instance create --path ${layout.root}'`);
      await createInstanceWithCli(undefined);
    }
    return layout;
  }

  private remember(uri: string, sessionIds: string[], batches: RunBatch[]): void {
    if (sessionIds.length === 0) return;
    const text = batches.flatMap((b) => b.messages.map((m) => (m.header ? `${m.header}\n${m.text}` : m.text))).join('\n');
    for (const id of sessionIds) {
      this.outputs.delete(id);
      this.outputs.set(id, { uri, text });
    }
    while (this.outputs.size > OUTPUT_HISTORY) this.outputs.delete(this.outputs.keys().next().value!);
  }
}

/** Batches with document lines and SSMS headers. */
export function presentBatches(text: string, startLine: number, batches: WireBatch[]): RunBatch[] {
  return mapScriptErrorLines(text, batches).map((b) => ({
    line: b.line + startLine,
    messages: b.messages.map((m) => withHeader(shift(m, startLine))),
    resultSets: b.resultSets.map(encodedAgain),
  }));
}

/** One streamed message, the same way. */
export function presentMessage(text: string, startLine: number, message: WireMessage): RunMessage {
  const [mapped] = message.scriptLine !== undefined ? mapScriptErrorLines(text, [{ line: 0, resultSets: [], messages: [message] }])[0]!.messages : [message];
  return withHeader(shift(mapped!, startLine));
}

function shift(m: WireMessage, startLine: number): WireMessage {
  return m.line === null ? m : { ...m, line: m.line + startLine };
}

function withHeader(m: WireMessage): RunMessage {
  return { ...m, header: messageHeader(m) };
}
