// The parameters of each request as the daemon accepts them. protocol.ts types what our clients
// send; the socket can carry anything, and a wrong shape must be answered as such (JSON-RPC's
// "invalid params"), not found out halfway through a login or a run.
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import type { HelloParams, RunParams } from './protocol';

type Fields = Record<string, unknown>;

function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

const text = (value: unknown): value is string => typeof value === 'string';
const optionalText = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

export function invalidParams(method: string, shape: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method} takes ${shape}`);
}

export function helloParams(value: unknown): HelloParams | undefined {
  const p = record(value);
  if (!p || !text(p.client) || (p.binaryColumns !== undefined && typeof p.binaryColumns !== 'boolean')) return undefined;
  const binaryColumns = p.binaryColumns === true ? { binaryColumns: true } : {};
  if (p.sqlLogin === undefined) return { client: p.client, ...binaryColumns };
  const login = record(p.sqlLogin);
  return login && text(login.name) && text(login.password) ? { client: p.client, sqlLogin: { name: login.name, password: login.password }, ...binaryColumns } : undefined;
}

export function runParams(value: unknown): RunParams | undefined {
  const p = record(value);
  if (!p || !text(p.runId) || !text(p.text) || !optionalText(p.database) || !optionalText(p.asLogin)) return undefined;
  return { runId: p.runId, text: p.text, database: p.database, asLogin: p.asLogin };
}

/** The one string field `key` of { key: string } (Cancel's runId, CancelSession's id). */
export function textParam(value: unknown, key: string): string | undefined {
  const field = record(value)?.[key];
  return text(field) ? field : undefined;
}
