// The per-session loopback channel: a Unix socket a running script connects back through to query
// the instance (sqlml_query in both runtimes). The launcher binds the socket file into the sandbox
// at /run/sqlml/loopback.sock; a random token, handed to the satellite in its environment, proves a
// connection comes from that session and no other (worker accounts can reach the socket file, so
// the file's permissions alone can't tell sessions apart).
//
// Wire format, one exchange per connection, each side one line of JSON:
//   request  {"token": "...", "query": "SELECT ..."}
//   answer   {"columns": [{"name", "type"}], "rows": [[...]]}  |  {"error": {"number", "severity", "state", "text"}}
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { SqlValue } from '../../core/engine/executor/ports';
import { wireValue } from './wireValues';

export interface LoopbackColumn {
  name: string;
  type: string;
}

export type LoopbackAnswer = { columns: LoopbackColumn[]; rows: SqlValue[][] } | { error: { number: number; severity: number; state: number; text: string } };

export type LoopbackHandler = (query: string) => Promise<LoopbackAnswer>;

export interface LoopbackChannel {
  socketPath: string;
  token: string;
  close(): Promise<void>;
}

/** A request line longer than this is refused: queries are text, not data uploads. */
const MAX_REQUEST_BYTES = 1 << 20;

export async function openLoopbackChannel(parentDir: string, handler: LoopbackHandler): Promise<LoopbackChannel> {
  // A fresh folder per session, searchable but not listable, so one session cannot find another's socket.
  const dir = mkdtempSync(join(parentDir, 'lb-'));
  chmodSync(dir, 0o711);
  const socketPath = join(dir, 'loopback.sock');
  const token = randomBytes(32).toString('hex');
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    serveOne(socket, token, handler);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // Worker accounts other than the daemon's user must be able to connect; the token guards it.
  chmodSync(socketPath, 0o666);
  return {
    socketPath,
    token,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function serveOne(socket: Socket, token: string, handler: LoopbackHandler): void {
  let buffered = '';
  let answered = false;
  const answer = (value: LoopbackAnswer) => {
    answered = true;
    const wire = 'error' in value ? value : { columns: value.columns, rows: value.rows.map((row) => row.map(wireValue)) };
    socket.end(`${JSON.stringify(wire)}\n`);
  };
  const refuse = (text: string) => answer({ error: { number: 18456, severity: 14, state: 1, text } });
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    if (answered) return;
    buffered += chunk;
    if (buffered.length > MAX_REQUEST_BYTES) return refuse('The loopback request is too large.');
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    let request: { token?: unknown; query?: unknown };
    try {
      request = JSON.parse(buffered.slice(0, end)) as typeof request;
    } catch {
      return refuse('The loopback request is not JSON.');
    }
    if (typeof request.token !== 'string' || !sameToken(request.token, token)) return refuse('Login failed: the loopback token is not this session\'s.');
    if (typeof request.query !== 'string') return refuse('The loopback request has no query.');
    answered = true;
    handler(request.query).then(answer, (err: Error) =>
      answer({ error: { number: 50000, severity: 16, state: 1, text: `The instance could not answer the loopback query: ${err.message}` } }),
    );
  });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
