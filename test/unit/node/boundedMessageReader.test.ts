// The socket reader's binary sections (boundedMessageReader.ts, binarySection.ts), over a real Unix
// socket: a response's section is read whole and kept on its result however the bytes are cut into
// reads, the frames after it are read as frames, and a reader that takes no sections (the daemon's)
// refuses one, as does any reader for a section after anything but a response with a result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'vscode-jsonrpc/node';
import { BINARY_LENGTH_HEADER, incomingSection } from '../../../server/src/node/instance/binarySection';
import { BoundedMessageReader } from '../../../server/src/node/instance/boundedMessageReader';

function frame(value: unknown, section?: Uint8Array): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const header = `Content-Length: ${body.length}\r\n${section ? `${BINARY_LENGTH_HEADER}: ${section.length}\r\n` : ''}\r\n`;
  return Buffer.concat([Buffer.from(header, 'ascii'), body, ...(section ? [section] : [])]);
}

/** Sends `pieces` one write at a time to a reader and collects what it delivers, or the violation that stopped it. */
async function read(pieces: Buffer[], binarySections: boolean, expected: number): Promise<{ messages: Message[]; violation?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sqlml-reader-'));
  const path = join(dir, 'reader.sock');
  const accepted = new Promise<Socket>((resolve) => {
    const server = createServer((socket) => {
      server.close();
      resolve(socket);
    }).listen(path);
  });
  const writer = connect(path);
  const socket = await accepted;
  try {
    return await new Promise((resolve) => {
      const messages: Message[] = [];
      const reader = new BoundedMessageReader(socket, {
        maxMessageBytes: () => 1 << 20,
        messageTimeoutMs: 0,
        responses: true,
        binarySections,
        onViolation: (_code, violation) => resolve({ messages, violation }),
      });
      reader.listen((m) => {
        messages.push(m);
        if (messages.length === expected) resolve({ messages });
      });
      void (async () => {
        for (const piece of pieces) {
          writer.write(piece);
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
    });
  } finally {
    writer.destroy();
    socket.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

const doubles = new Uint8Array(Float64Array.from([1.5, -0, 0.1 + 0.2]).buffer);
const STREAM = Buffer.concat([
  frame({ jsonrpc: '2.0', id: 1, result: { data: { at: 0, length: 24 } } }, doubles),
  frame({ jsonrpc: '2.0', method: 'sqlml/runMessage', params: { text: 'after the section' } }),
  frame({ jsonrpc: '2.0', id: 2, result: { rows: [[1]] } }),
  frame({ jsonrpc: '2.0', id: 3, result: { last: true } }, Uint8Array.from([7, 8, 9])),
]);

function checkDelivered(messages: Message[]): void {
  assert.equal(messages.length, 4);
  const [first, note, plain, last] = messages as unknown as { result?: object; params?: unknown }[];
  assert.deepEqual(first!.result, { data: { at: 0, length: 24 } }, 'the section is not among the result’s enumerable keys');
  assert.deepEqual([...new Float64Array(Uint8Array.prototype.slice.call(incomingSection(first!.result!)!).buffer)], [1.5, -0, 0.1 + 0.2]);
  assert.deepEqual(note!.params, { text: 'after the section' });
  assert.equal(incomingSection(plain!.result!), undefined);
  assert.deepEqual([...incomingSection(last!.result!)!], [7, 8, 9]);
}

test('a section is read whole and kept on its result, and the frames after it are read as frames, wherever the reads are cut', async () => {
  checkDelivered((await read([STREAM], true, 4)).messages);
  // Cut in two at every offset inside and around the first frame and its section, then in pieces of 1 to 7 bytes.
  for (let cut = 1; cut < 160; cut += 3) checkDelivered((await read([STREAM.subarray(0, cut), STREAM.subarray(cut)], true, 4)).messages);
  const pieces: Buffer[] = [];
  for (let at = 0, size = 1; at < STREAM.length; at += size, size = (size % 7) + 1) pieces.push(STREAM.subarray(at, at + size));
  checkDelivered((await read(pieces, true, 4)).messages);
});

test('a reader that takes no sections refuses one, and no reader takes one after a notification or an error', async () => {
  const refused = await read([STREAM], false, 4);
  assert.equal(refused.messages.length, 0);
  assert.match(refused.violation ?? '', /a binary section \(Sqlml-Binary-Length\), which only the instance sends/);
  const afterNotification = await read([frame({ jsonrpc: '2.0', method: 'x', params: {} }, doubles)], true, 1);
  assert.match(afterNotification.violation ?? '', /a binary section after a message that is not a response with a result/);
  const afterError = await read([frame({ jsonrpc: '2.0', id: 1, error: { code: 1, message: 'no' } }, doubles)], true, 1);
  assert.match(afterError.violation ?? '', /not a response with a result/);
  const twice = await read([Buffer.from(`Content-Length: 2\r\n${BINARY_LENGTH_HEADER}: 1\r\n${BINARY_LENGTH_HEADER}: 1\r\n\r\n{}x`)], true, 1);
  assert.match(twice.violation ?? '', /must be given once, as a number of bytes/);
  const over = await read([Buffer.from(`Content-Length: 2\r\n${BINARY_LENGTH_HEADER}: ${1 << 20}\r\n\r\n{}`)], true, 1);
  assert.match(over.violation ?? '', /a message of 1048578 bytes is over the limit of 1048576 bytes/);
});
