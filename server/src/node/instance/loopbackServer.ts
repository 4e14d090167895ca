// The instance's side of a session's loopback channel: the satellite's sqlml_query (Python, and R
// through a Python relay that inherits the descriptor) sends query frames, each answered in turn
// by the executor as the statement's caller. The channel is the launcher's end of a socket pair
// only that session's satellite holds (loopbackDescriptor.ts), so a frame needs no credential of
// its own: whoever can write it is the session.
//
// Frames (loopbackFrames.ts): request kind 'Q' {"query": "SELECT ..."};
// answer kind 'A' {"columns": [{"name", "type"}], "rows": [[...]]} | {"error": {"number", "severity", "state", "text"}}.
// The session's TDS relay's frames ('O', 'D', 'C') go to the relay's server (loopbackTds.ts) as they come.
import type { Duplex } from 'node:stream';
import type { LoopbackAnswer } from '../../core/engine/executor/ports';
import { encodeFrame, FrameKind, FrameReader, type Frame } from './loopbackFrames';
import { isTdsFrame, type TdsRelay } from './loopbackTds';
import { wireRow } from './wireValues';

export type { LoopbackAnswer } from '../../core/engine/executor/ports';

export type LoopbackHandler = (query: string) => Promise<LoopbackAnswer>;

/** A request body longer than this is refused: queries are text, not data uploads. */
export const MAX_REQUEST_BYTES = 1 << 20;

/** Answers the channel's query frames one at a time, in order, until the channel closes. */
export function serveLoopback(channel: Duplex, handler: LoopbackHandler, relay?: TdsRelay): void {
  const reader = new FrameReader(MAX_REQUEST_BYTES);
  const queue: Frame[] = [];
  let busy = false;
  const next = (): void => {
    const frame = queue.shift();
    if (!frame) {
      busy = false;
      if (!channel.destroyed) channel.resume();
      return;
    }
    busy = true;
    void answerFrame(frame, handler).then((answer) => {
      if (channel.destroyed) return;
      const wire = 'error' in answer ? answer : { columns: answer.columns, rows: answer.rows.map(wireRow) };
      channel.write(encodeFrame(FrameKind.answer, Buffer.from(JSON.stringify(wire), 'utf8')));
      next();
    });
  };
  channel.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      if (relay && isTdsFrame(frame.kind)) relay.onFrame(frame);
      else queue.push(frame);
    }
    if (queue.length === 0) return;
    // One exchange at a time: a script that sends ahead waits in the socket, not in our memory
    // (the relay's connections wait too while a query is answered).
    channel.pause();
    if (!busy) next();
  });
  channel.on('error', () => channel.destroy());
  channel.on('close', () => relay?.close());
}

const protocolError = (text: string): LoopbackAnswer => ({ error: { number: 50000, severity: 16, state: 1, text } });

async function answerFrame(frame: Frame, handler: LoopbackHandler): Promise<LoopbackAnswer> {
  if (frame.oversized !== undefined) return protocolError(`The loopback request is too large (${frame.oversized} bytes; at most ${MAX_REQUEST_BYTES}).`);
  if (frame.kind !== FrameKind.query) return protocolError(`The loopback request is of an unknown kind (${frame.kind}).`);
  let request: { query?: unknown };
  try {
    request = JSON.parse(frame.body.toString('utf8')) as typeof request;
  } catch {
    return protocolError('The loopback request is not JSON.');
  }
  if (typeof request?.query !== 'string') return protocolError('The loopback request has no query.');
  try {
    return await handler(request.query);
  } catch (err) {
    return protocolError(`The instance could not answer the loopback query: ${(err as Error).message}`);
  }
}
