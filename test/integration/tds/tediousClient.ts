// A bare tedious connection for the TDS tests that need what mssql hides: the driver's own
// transaction state (set only by the server's ENVCHANGEs), parameters passed by position, and
// RETURNVALUE names as the server sent them.
import { Connection, Request } from 'tedious';
import type { Login } from './harness';

export function openTedious(port: number, login: Login): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const c = new Connection({
      server: '127.0.0.1',
      authentication: { type: 'default', options: { userName: login.name, password: login.password } },
      options: { port, encrypt: true, trustServerCertificate: true },
    });
    c.connect((err) => (err ? reject(err) : resolve(c)));
  });
}

export interface BatchOutcome {
  error?: Error & { number?: number; lineNumber?: number };
  rows: unknown[][];
}

/** A SQL batch; its error comes back instead of being thrown. */
export function tediousBatch(c: Connection, text: string): Promise<BatchOutcome> {
  return new Promise((resolve) => {
    const rows: unknown[][] = [];
    const request = new Request(text, (error) => resolve({ error: error ?? undefined, rows }));
    request.on('row', (columns: { value: unknown }[]) => rows.push(columns.map((col) => col.value)));
    c.execSqlBatch(request);
  });
}
