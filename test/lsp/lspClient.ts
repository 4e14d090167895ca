// A real LSP client for tests: spawns the built server over stdio and speaks the protocol
// through vscode-languageserver-protocol, as an editor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import type { SqlmlInitializationOptions } from '../../server/src/protocol';

export const SERVER = join(__dirname, '..', '..', 'server', 'dist', 'main.js');

export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  stderr = '';

  private constructor() {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.listen();
  }

  /**
   * Starts the server as VS Code's client does; `trusted` is the workspace trust it is told (default: trusted).
   * With `pulled`, the settings are not in the initialization options: the server pulls them with
   * workspace/configuration, as from VS Code, and the answer comes `delayMs` late.
   */
  static async start(
    settings: Record<string, unknown> = {},
    workspaceFolders: string[] = [],
    options: { trusted?: boolean; pulled?: { delayMs: number } } = {},
  ): Promise<LspClient> {
    const client = new LspClient();
    const pulled = options.pulled;
    if (pulled) {
      client.connection.onRequest(ConfigurationRequest.type, async (params) => {
        await new Promise((resolve) => setTimeout(resolve, pulled.delayMs));
        return params.items.map((item) => (item.section === 'sqlml' ? settings : null));
      });
    }
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: pulled ? { workspace: { configuration: true } } : {},
      workspaceFolders: workspaceFolders.length ? workspaceFolders.map((f) => ({ uri: pathToFileURL(f).href, name: f })) : null,
      initializationOptions: { ...(pulled ? {} : { settings }), workspaceTrusted: options.trusted ?? true } satisfies SqlmlInitializationOptions,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  get pid(): number {
    return this.process.pid!;
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sql', version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** The first diagnostics for `uri` published from now on (or already) that satisfy `accept`. */
  async diagnostics(uri: string, accept: (d: Diagnostic[], version?: number) => boolean = () => true, timeoutMs = 15000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = [...this.published].reverse().find((p) => p.uri === uri && accept(p.diagnostics, p.version));
      if (hit) return hit.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The diagnostics of `uri` once the latest publication satisfies `accept` (an earlier one that did does not count). */
  async latestDiagnostics(uri: string, accept: (d: Diagnostic[]) => boolean, timeoutMs = 15000): Promise<Diagnostic[]> {
    const latest = () => [...this.published].reverse().find((p) => p.uri === uri);
    return this.diagnostics(uri, (d) => latest()?.diagnostics === d && accept(d), timeoutMs);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      // A server that does not answer shutdown within a few seconds is killed below, not waited on.
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await this.connection.sendNotification(ExitNotification.type).catch(() => undefined);
    }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        resolve();
      }, 3000);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}
