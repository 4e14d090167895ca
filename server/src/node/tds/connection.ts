// One TDS client connection, as a state machine:
//   prelogin  -> PRELOGIN answered; TLS inside TDS starts when encryption was negotiated
//   login     -> LOGIN7 (through TLS; with login-only encryption TLS ends right after it)
//   ready     -> SQL batches and RPCs, one at a time (a pipelined one waits its turn);
//                an attention stops the running one and is answered with DONE_ATTN
//   closed
// Transaction manager requests run as the BEGIN/COMMIT/ROLLBACK they stand for. Anything the
// instance does not do (MARS, bulk load, distributed transactions, integrated authentication) is
// refused with a message a driver shows, never left unanswered.
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import type { ClientInfo, TransactionChange } from '../../core/engine/executor';
import type { EngineSession, InstanceEngine } from '../instance/engine';
import type { WireMessage as ExecutorMessage } from '../instance/protocol';
import { PRODUCT_VERSION } from '../../core/engine/executor/systemVariables';
import { NOT_SUPPORTED } from '../../core/engine/parser/errors';
import { ByteWriter } from '../../core/tds/bytes';
import { parseLogin7, TDS_7_3_A, TDS_7_4 } from '../../core/tds/login7';
import { DEFAULT_PACKET_SIZE, MAX_PACKET_SIZE, MIN_PACKET_SIZE, PacketType, packetize, STATUS_RESET_CONNECTION, STATUS_RESET_CONNECTION_SKIP_TRAN } from '../../core/tds/packets';
import { buildPreloginResponse, Encryption, negotiateEncryption, parsePrelogin } from '../../core/tds/prelogin';
import { parseRpcRequest, parseSqlBatch, type RpcCall } from '../../core/tds/requests';
import { PreparedStatements } from '../../core/tds/rpcPlan';
import { distributedRefusal, parseTransactionRequest, TransactionDescriptors, transactionStatements } from '../../core/tds/transactionManager';
import { wireType } from '../../core/tds/columnTypes';
import {
  CurCmd,
  Done,
  EnvChange,
  Token,
  writeCollationChange,
  writeDone,
  writeEnvChange,
  writeLoginAck,
  writeMessage,
  writeReturnStatus,
  writeReturnValue,
} from '../../core/tds/tokens';
import { MessageReader, type TdsMessage } from './messageReader';
import { Responder, writeDatabaseChange } from './responder';
import { ResponseWriter, type ByteSink } from './responseWriter';
import { startTlsInsideTds, type TlsInsideTds } from './tlsInsideTds';

export interface TdsLimits {
  /** From accepting the connection to the end of login. */
  loginTimeoutMs: number;
  /** How long a message may stay half-received (a slow or stalled sender). */
  stalledMessageMs: number;
  /** The largest SQL batch or RPC request. */
  maxRequestBytes: number;
  /** Requests a client may pipeline behind the running one. */
  maxQueuedRequests: number;
}

export const DEFAULT_TDS_LIMITS: TdsLimits = { loginTimeoutMs: 15_000, stalledMessageMs: 60_000, maxRequestBytes: 64 * 1024 * 1024, maxQueuedRequests: 16 };

/** What a connection is served over: a TCP socket, or a stream a session's relay carries (loopbackTds.ts). */
export type TdsTransport = Duplex & { setNoDelay(noDelay?: boolean): unknown; destroySoon(): void; readonly remoteAddress?: string | undefined };

/** A trusted connection's login (integrated security): the session it acts in, or the refusal. */
export type IntegratedLogin = () => Promise<{ ok: true; login: string; session: EngineSession } | { ok: false; number: number; text: string }>;

export interface ConnectionOptions {
  engine: Pick<InstanceEngine, 'login' | 'openSession'>;
  /** Absent on a session loopback: encryption is not offered there. */
  secureContext: SecureContext | null;
  /** Integrated security is accepted (a session's implied authentication); absent, it is refused. */
  integrated?: IntegratedLogin;
  forceEncryption: boolean;
  serverName: string;
  limits: TdsLimits;
  log(line: string): void;
}

const [MAJOR, MINOR, BUILD] = PRODUCT_VERSION.split('.').map(Number) as [number, number, number];
const VERSION = { major: MAJOR, minor: MINOR, build: BUILD };
const PROGRAM_NAME = 'Microsoft SQL Server';
/** PRELOGIN and LOGIN7 are small; a larger one is not a real client. */
const MAX_PRELOGIN_BYTES = 4096;
const MAX_LOGIN_BYTES = 64 * 1024;
const LOGIN_FAILED_CLASS = 14;
const RESET_CONNECTION_ACK = 18;

type Phase = 'prelogin' | 'handshake' | 'login' | 'ready' | 'closed';

interface Running {
  controller: AbortController;
  attention: boolean;
}

export class TdsConnection {
  private phase: Phase = 'prelogin';
  private tls: TlsInsideTds | null = null;
  /** TLS stays on after login (the client asked for it, or the instance forces it). */
  private fullTls = false;
  private readonly reader: MessageReader;
  private session: EngineSession | null = null;
  private login = '';
  /** A fresh session for the same login (sp_reset_connection). */
  private reopen: () => Promise<EngineSession> = () => this.options.engine.openSession(this.login);
  private loginDatabase = '';
  private packetSize = DEFAULT_PACKET_SIZE;
  private running: Running | null = null;
  /** The requests' cancel signal: made anew only once an attention has aborted it. */
  private controller = new AbortController();
  /** The last response's token buffer, for the next response (ResponseWriter.reusable). */
  private spareTokens: ByteWriter | null = null;
  /** The request being served, so closing waits for it before closing the session under it. */
  private serving: Promise<void> = Promise.resolve();
  private readonly queued: TdsMessage[] = [];
  private readonly prepared = new PreparedStatements();
  /** Made at login, with the session's number. */
  private transactions = new TransactionDescriptors(0);
  private loginTimer: ReturnType<typeof setTimeout>;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(
    private readonly socket: TdsTransport,
    private readonly options: ConnectionOptions,
  ) {
    this.reader = new MessageReader(
      {
        message: (m) => this.onMessage(m),
        tooLarge: (type, limit) => this.onTooLarge(type, limit),
        broken: (problem) => this.close(problem),
      },
      () => (this.phase === 'prelogin' ? MAX_PRELOGIN_BYTES : this.phase === 'ready' ? options.limits.maxRequestBytes : MAX_LOGIN_BYTES),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.tls) this.tls.fromClient(chunk);
      else this.received(chunk);
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.loginTimer = setTimeout(() => this.close(`no login within ${options.limits.loginTimeoutMs / 1000} s`), options.limits.loginTimeoutMs);
  }

  /** TDS bytes (decrypted when TLS is on). */
  private received(chunk: Buffer): void {
    this.reader.feed(chunk);
    clearTimeout(this.stallTimer);
    if (this.reader.midMessage) this.stallTimer = setTimeout(() => this.close(`a message stalled for ${this.options.limits.stalledMessageMs / 1000} s`), this.options.limits.stalledMessageMs);
  }

  private sink(): ByteSink {
    const target = this.fullTls && this.tls ? this.tls.socket : this.socket;
    return {
      write: (bytes) => !target.destroyed && target.write(bytes),
      drained: () =>
        new Promise<void>((resolve) => {
          if (target.destroyed) return resolve();
          const done = () => {
            target.off('drain', done);
            target.off('close', done);
            resolve();
          };
          target.on('drain', done);
          target.on('close', done);
        }),
    };
  }

  private onMessage(message: TdsMessage): void {
    if (this.phase === 'closed') return;
    if (message.type === PacketType.ATTENTION) return this.onAttention();
    switch (this.phase) {
      case 'prelogin':
        if (message.type !== PacketType.PRELOGIN) return this.close(`the first message is of type ${message.type}, not PRELOGIN (a TDS 7 client is needed)`);
        return this.onPrelogin(message.body);
      case 'handshake':
        return this.close('a message arrived before the TLS handshake ended');
      case 'login':
        if (message.type !== PacketType.LOGIN7) return this.close(`expected LOGIN7, got a message of type ${message.type}`);
        this.phase = 'ready'; // no second LOGIN7: whatever follows is a request (or a refusal)
        void this.onLogin(message.body);
        return;
      case 'ready':
        if (this.running || !this.session) {
          if (this.queued.length >= this.options.limits.maxQueuedRequests) return this.close(`more than ${this.options.limits.maxQueuedRequests} requests were sent without waiting for answers`);
          this.queued.push(message);
          return;
        }
        this.serving = this.serve(message);
    }
  }

  private onPrelogin(body: Buffer): void {
    const parsed = parsePrelogin(body);
    if (!parsed.ok) return this.close(parsed.problem);
    const secureContext = this.options.secureContext;
    // Without a certificate (a session loopback) the instance answers as one that cannot encrypt.
    const outcome: ReturnType<typeof negotiateEncryption> = secureContext ? negotiateEncryption(parsed.value.encryption, this.options.forceEncryption) : { answer: Encryption.NOT_SUP, tls: 'none' };
    const response = buildPreloginResponse(VERSION, outcome.answer);
    this.socket.write(packetize(PacketType.TABULAR_RESULT, response, DEFAULT_PACKET_SIZE, 0, true, () => 1));
    if (outcome.tls === 'refuse') return this.close('the client cannot encrypt and the instance forces encryption');
    if (outcome.tls === 'none') {
      this.phase = 'login';
      return;
    }
    this.phase = 'handshake';
    this.fullTls = outcome.tls === 'full';
    const tls = startTlsInsideTds(this.socket, secureContext!, (problem) => this.close(problem));
    this.tls = tls;
    tls.socket.on('data', (chunk: Buffer) => this.received(chunk));
    tls.socket.on('error', () => this.close());
    tls.secured.then(
      () => {
        if (this.phase === 'handshake') this.phase = 'login';
      },
      (err: Error) => this.close(`TLS handshake failed: ${err.message}`),
    );
  }

  private async onLogin(body: Buffer): Promise<void> {
    // Login-only encryption: LOGIN7 came through TLS; from here on the connection is clear text.
    if (this.tls && !this.fullTls) {
      this.tls.detach();
      this.tls = null;
    }
    const parsed = parseLogin7(body);
    if (!parsed.ok) return this.close(parsed.problem);
    const login = parsed.value;
    const w = new ByteWriter(1024);
    const refuse = async (number: number, text: string) => {
      writeMessage(w, { error: true, number, state: 1, severity: LOGIN_FAILED_CLASS, text, serverName: this.options.serverName, procedure: '', line: 1 });
      writeDone(w, Token.DONE, Done.ERROR, CurCmd.NONE, 0);
      await this.sendWhole(w);
      this.close();
    };
    if (login.tdsVersion < TDS_7_3_A && (login.tdsVersion >>> 24) !== 0x74) {
      return refuse(NOT_SUPPORTED, `This instance speaks TDS 7.3 and 7.4 (SQL Server 2008 and later clients); the client asked for TDS 0x${login.tdsVersion.toString(16)}.`);
    }
    const integrated = this.options.integrated;
    if (login.integratedSecurity && integrated) {
      // The transport vouches for the identity (a session's channel): what the driver sent as
      // its security token proves nothing and is not looked at.
      const accepted = await integrated();
      if (this.isClosed()) {
        if (accepted.ok) void accepted.session.close();
        return;
      }
      if (!accepted.ok) {
        this.options.log(`TDS trusted login refused from ${this.socket.remoteAddress ?? '?'}: Msg ${accepted.number}`);
        return refuse(accepted.number, accepted.text);
      }
      this.login = accepted.login;
      this.session = accepted.session;
      this.reopen = async () => {
        const again = await integrated();
        if (!again.ok) throw new Error(again.text);
        return again.session;
      };
    } else {
      if (login.integratedSecurity) {
        return refuse(18452, 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.');
      }
      if (login.changePassword) return refuse(NOT_SUPPORTED, 'Changing the password at login is not supported by this instance.');
      const outcome = await this.options.engine.login({ kind: 'sql', login: login.userName, password: login.password });
      if (this.isClosed()) return;
      if (!outcome.ok) {
        this.options.log(`TDS login failed for '${login.userName}' from ${this.socket.remoteAddress ?? '?'}: Msg ${outcome.message.number ?? '?'}`);
        return refuse(outcome.message.number ?? 18456, outcome.message.text);
      }
      this.login = outcome.login;
      const client: ClientInfo = { programName: login.appName, hostName: login.hostName, interfaceName: login.clientInterfaceName, processId: login.clientPid || null };
      this.reopen = () => this.options.engine.openSession(outcome.login, client);
      this.session = await this.reopen();
    }
    if (this.isClosed()) {
      void this.session.close();
      return;
    }
    if (login.database) {
      const refused = this.session.use(login.database);
      if (refused) {
        writeMessage(w, { error: true, number: 4060, state: 1, severity: 11, text: `Cannot open database "${login.database}" requested by the login. The login failed.`, serverName: this.options.serverName, procedure: '', line: 1 });
        return refuse(18456, `Login failed for user '${login.userName || this.login}'.`);
      }
    }
    this.loginDatabase = login.database;
    this.transactions = new TransactionDescriptors(this.session.spid);
    this.packetSize = login.packetSize === 0 ? DEFAULT_PACKET_SIZE : Math.min(MAX_PACKET_SIZE, Math.max(MIN_PACKET_SIZE, login.packetSize));
    const serverName = this.options.serverName;
    writeDatabaseChange(w, this.session.database(), 'master', serverName);
    writeCollationChange(w);
    writeEnvChange(w, EnvChange.LANGUAGE, 'us_english', '');
    writeMessage(w, { error: false, number: 5703, state: 1, severity: 0, text: 'Changed language setting to us_english.', serverName, procedure: '', line: 1 });
    writeLoginAck(w, login.tdsVersion >= TDS_7_4 ? TDS_7_4 : login.tdsVersion, PROGRAM_NAME, VERSION);
    writeEnvChange(w, EnvChange.PACKET_SIZE, String(this.packetSize), String(this.packetSize));
    writeDone(w, Token.DONE, Done.FINAL, CurCmd.NONE, 0);
    clearTimeout(this.loginTimer);
    await this.sendWhole(w);
    this.next();
  }

  /** A small response built whole (login, refusals). */
  private async sendWhole(w: ByteWriter): Promise<void> {
    const writer = new ResponseWriter(() => this.sink(), this.session?.spid ?? 0, this.packetSize);
    writer.tokens.raw(w.written());
    await writer.end();
  }

  private next(): void {
    const message = this.queued.shift();
    if (message && this.phase === 'ready') this.serving = this.serve(message);
  }

  private onAttention(): void {
    if (this.running) {
      this.running.attention = true;
      this.running.controller.abort();
      return;
    }
    // The request already ended: the client still waits for its acknowledgement.
    if (this.phase === 'ready') {
      const w = new ByteWriter(16);
      writeDone(w, Token.DONE, Done.ATTN, CurCmd.NONE, 0);
      void this.sendWhole(w);
    }
  }

  private onTooLarge(type: number, limit: number): void {
    if (this.phase !== 'ready') return this.close(`a login message larger than ${limit} bytes (type ${type})`);
    const w = new ByteWriter(256);
    const mb = Math.round(limit / (1024 * 1024));
    writeMessage(w, { error: true, number: NOT_SUPPORTED, state: 1, severity: 16, text: `The request is larger than this instance accepts (${mb} MB).`, serverName: this.options.serverName, procedure: '', line: 1 });
    writeDone(w, Token.DONE, Done.ERROR, CurCmd.NONE, 0);
    void this.sendWhole(w);
  }

  private async serve(message: TdsMessage): Promise<void> {
    const session = this.session!;
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const running: Running = { controller: this.controller, attention: false };
    this.running = running;
    const writer = new ResponseWriter(() => this.sink(), session.spid, this.packetSize, this.spareTokens ?? undefined);
    this.spareTokens = null;
    try {
      if (message.status & (STATUS_RESET_CONNECTION | STATUS_RESET_CONNECTION_SKIP_TRAN)) await this.resetSession(writer);
      let final = Done.FINAL as number;
      // A batch's responder: its last statement's DONE becomes the final one.
      let batch: Responder | null = null;
      if (message.type === PacketType.SQL_BATCH) {
        const text = parseSqlBatch(message.body);
        if (!text.ok) return this.close(text.problem);
        batch = await this.runBatch(text.value, writer, running);
        final = batch.errors > 0 ? Done.ERROR : Done.FINAL;
      } else if (message.type === PacketType.RPC) {
        const calls = parseRpcRequest(message.body);
        if (!calls.ok) {
          this.refuseRequest(writer, calls.problem);
          final = Done.ERROR;
        } else {
          await this.runCalls(calls.value, writer, running);
          if (!running.attention) {
            await writer.end();
            return;
          }
        }
      } else if (message.type === PacketType.TRANSACTION_MANAGER) {
        const outcome = await this.runTransactionRequest(message.body, writer, running);
        if (typeof outcome !== 'number') batch = outcome;
        final = (typeof outcome === 'number' ? outcome : outcome.errors) > 0 ? Done.ERROR : Done.FINAL;
      } else {
        const what = message.type === PacketType.BULK_LOAD ? 'Bulk load' : `TDS requests of type ${message.type}`;
        this.refuseRequest(writer, `${what} are not supported by this instance; use BEGIN TRANSACTION or INSERT statements in a batch.`);
        final = Done.ERROR;
      }
      if (batch) batch.end(final);
      else writeDone(writer.tokens, Token.DONE, final, CurCmd.NONE, 0);
      await writer.end();
      // The acknowledgement of an attention is a message of its own after the cut response
      // (drivers skip the rest of the response, then wait for the next message to hold it).
      if (running.attention) {
        writeDone(writer.tokens, Token.DONE, Done.ATTN, CurCmd.NONE, 0);
        await writer.end();
      }
    } catch (err) {
      this.options.log(`TDS request failed: ${(err as Error).message}`);
      this.close();
    } finally {
      this.running = null;
      this.spareTokens = writer.reusable();
      this.next();
    }
  }

  private refuseRequest(writer: ResponseWriter, text: string): void {
    writeMessage(writer.tokens, { error: true, number: NOT_SUPPORTED, state: 1, severity: 16, text, serverName: this.options.serverName, procedure: '', line: 1 });
  }

  /** A pooled connection handed to a new user: a fresh session in the login's database. */
  private async resetSession(writer: ResponseWriter): Promise<void> {
    const old = this.session!;
    const fresh = await this.reopen();
    if (this.loginDatabase) fresh.use(this.loginDatabase);
    this.session = fresh;
    await old.close();
    // The old session's open transaction ended with it: the driver must stop sending its descriptor.
    if (this.transactions.open) this.transactions.write(writer.tokens, 'rollback');
    writer.tokens.u8(Token.ENVCHANGE).u16(3).u8(RESET_CONNECTION_ACK).u8(0).u8(0);
  }

  private events(responder: Responder, running: Running) {
    return {
      signal: running.controller.signal,
      onResultSet: (r: Parameters<Responder['resultSet']>[0]) => responder.resultSet(r),
      onResultSetStream: (...stream: Parameters<Responder['resultSetStream']>) => responder.resultSetStream(...stream),
      onMessage: (m: ExecutorMessage) => responder.message(m),
      onDatabaseChanged: (name: string) => responder.databaseChanged(name),
      onTransaction: (change: TransactionChange) => responder.transaction(change),
    };
  }

  private responder(writer: ResponseWriter, running: Running, procedureCall: boolean): Responder {
    return new Responder(writer, { serverName: this.options.serverName, procedureCall, database: this.session!.database(), cancelled: () => running.attention, transactions: this.transactions });
  }

  /** A SQL batch; its responder (the errors it sent, and the final DONE still to write). */
  private async runBatch(text: string, writer: ResponseWriter, running: Running): Promise<Responder> {
    const responder = this.responder(writer, running, false);
    try {
      await this.session!.stream({ kind: 'batch', text }, this.events(responder, running));
    } finally {
      await responder.finish();
    }
    return responder;
  }

  /** A transaction manager request, run as the statements it stands for; its batch, or the errors of a refusal. */
  private async runTransactionRequest(body: Uint8Array, writer: ResponseWriter, running: Running): Promise<Responder | number> {
    const request = parseTransactionRequest(body);
    if (!request.ok) {
      this.refuseRequest(writer, request.problem);
      return 1;
    }
    if (request.value.kind === 'distributed') {
      const refusal = distributedRefusal(this.options.serverName);
      writeMessage(writer.tokens, { error: true, number: refusal.number, state: 3, severity: 16, text: refusal.text, serverName: this.options.serverName, procedure: '', line: 1 });
      return 1;
    }
    return this.runBatch(transactionStatements(request.value), writer, running);
  }

  private async runCalls(calls: RpcCall[], writer: ResponseWriter, running: Running): Promise<void> {
    for (let k = 0; k < calls.length && !running.attention; k++) {
      const more = k < calls.length - 1 ? Done.MORE : 0;
      const plan = this.prepared.plan(calls[k]!);
      const w = writer.tokens;
      if (plan.kind === 'refuse') {
        writeMessage(w, { error: true, number: plan.number, state: 1, severity: 16, text: plan.text, serverName: this.options.serverName, procedure: calls[k]!.procedure, line: 1 });
        writeDone(w, Token.DONEPROC, Done.ERROR | more, CurCmd.EXECUTE, 0);
        continue;
      }
      if (plan.kind === 'answer') {
        writeReturnStatus(w, 0);
        for (const v of plan.returnValues) writeReturnValue(w, v.ordinal, v.name, wireType(v.type), v.value);
        writeDone(w, Token.DONEPROC, more, CurCmd.EXECUTE, 0);
        continue;
      }
      const responder = this.responder(writer, running, true);
      let result: Awaited<ReturnType<EngineSession['stream']>> = null;
      try {
        result = await this.session!.stream({ kind: 'procedure', request: { procedure: plan.procedure, parameters: plan.parameters } }, this.events(responder, running));
      } finally {
        await responder.finish();
      }
      if (running.attention) return;
      if (result?.returnStatus !== null && result?.returnStatus !== undefined) writeReturnStatus(w, result.returnStatus);
      const returned = [...plan.before];
      plan.parameters.forEach((p, i) => {
        const ordinal = plan.ordinals[i];
        if (ordinal !== null && ordinal !== undefined) returned.push({ ordinal, name: p.name, type: p.type, value: result?.outputs[i] ?? null });
      });
      // [MS-TDS] 2.2.7.19: large-object (max) output parameters come after the others, each group in order.
      const large = (v: (typeof returned)[number]) => v.type.length === 'max';
      for (const v of [...returned.filter((v) => !large(v)), ...returned.filter(large)]) writeReturnValue(w, v.ordinal, v.name, wireType(v.type), v.value);
      writeDone(w, Token.DONEPROC, (responder.errors > 0 ? Done.ERROR : 0) | more, CurCmd.EXECUTE, 0);
    }
  }

  /** (A method, so that TypeScript does not assume the phase unchanged across an await.) */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Ends the connection (with a log line saying why, when there is one). */
  close(reason?: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (reason) this.options.log(`TDS connection from ${this.socket.remoteAddress ?? '?'} closed: ${reason}`);
    clearTimeout(this.loginTimer);
    clearTimeout(this.stallTimer);
    this.reader.stop();
    this.running?.controller.abort();
    this.tls?.socket.destroy();
    this.socket.end();
    this.socket.destroySoon();
    const session = this.session;
    this.session = null;
    void (async () => {
      await this.serving;
      await session?.close().catch(() => undefined);
      this.resolveClosed();
    })();
  }
}
