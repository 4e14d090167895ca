// How the TLS records the server writes reach the wire (tlsInsideTds.ts): during the handshake
// inside PRELOGIN packets, one message per flight; afterwards as they are, except the handshake's
// last records. Node hands the records over cut where its buffers end, so the way each byte goes is
// its record's, however the writes cut them: a write that begins inside an application-data record
// with a byte that looks like a handshake record's type still goes raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PacketType, PACKET_HEADER_LENGTH, readPacketHeader } from '../../../server/src/core/tds/packets';
import { HandshakeCarrier } from '../../../server/src/node/tds/tlsInsideTds';

const HANDSHAKE = 0x16;
const CHANGE_CIPHER_SPEC = 0x14;
const APPLICATION_DATA = 0x17;

function record(type: number, body: Buffer): Buffer {
  const header = Buffer.from([type, 3, 3, 0, 0]);
  header.writeUInt16BE(body.length, 3);
  return Buffer.concat([header, body]);
}

/** The bytes the carrier sent to the socket for these writes, in order. */
async function sent(writes: Buffer[], wrapping: boolean): Promise<Buffer> {
  const raw = new PassThrough();
  const out: Buffer[] = [];
  raw.on('data', (b: Buffer) => out.push(b));
  const carrier = new HandshakeCarrier(raw, (problem) => assert.fail(problem));
  carrier.wrapping = wrapping;
  for (const w of writes) await new Promise<void>((resolve, reject) => carrier.write(w, (err) => (err ? reject(err) : resolve())));
  await new Promise((resolve) => setImmediate(resolve));
  return Buffer.concat(out);
}

/** The payloads of the PRELOGIN messages at the start of `bytes`, and what follows them. */
function unwrap(bytes: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let current: Buffer[] = [];
  let at = 0;
  while (at < bytes.length && bytes[at] === PacketType.PRELOGIN) {
    const header = readPacketHeader(bytes, at);
    current.push(bytes.subarray(at + PACKET_HEADER_LENGTH, at + header.length));
    at += header.length;
    if (header.status & 1) {
      messages.push(Buffer.concat(current));
      current = [];
    }
  }
  assert.equal(current.length, 0, 'every PRELOGIN message ends with EOM');
  return { messages, rest: bytes.subarray(at) };
}

test('after the handshake, application data cut anywhere goes raw, even where a piece starts with 0x14 or 0x16', async () => {
  // The second record's body starts with the handshake type's byte, and so do some pieces.
  const body = Buffer.alloc(300, HANDSHAKE);
  body[0] = CHANGE_CIPHER_SPEC;
  const stream = Buffer.concat([record(APPLICATION_DATA, Buffer.alloc(40, 7)), record(APPLICATION_DATA, body)]);
  for (const cut of [1, 3, 5, 44, 45, 46, 47, 100, 344]) {
    const got = await sent([stream.subarray(0, cut), stream.subarray(cut, cut + 2), stream.subarray(cut + 2)], false);
    assert.deepEqual(got, stream, `cut at ${cut}`);
  }
});

test('a handshake flight goes in one PRELOGIN message; after the handshake its last records still do, and data after them goes raw', async () => {
  const hello = record(HANDSHAKE, Buffer.alloc(90, 1));
  const certificate = record(HANDSHAKE, Buffer.alloc(5000, 2));
  const flight = await sent([Buffer.concat([hello, certificate])], true);
  const wrapped = unwrap(flight);
  assert.deepEqual(wrapped.messages, [Buffer.concat([hello, certificate])]);
  assert.equal(wrapped.rest.length, 0);

  const changeCipher = record(CHANGE_CIPHER_SPEC, Buffer.from([1]));
  const finished = record(HANDSHAKE, Buffer.alloc(40, 3));
  const data = record(APPLICATION_DATA, Buffer.alloc(60, HANDSHAKE));
  const bytes = Buffer.concat([changeCipher, finished, data]);
  // Cut inside the Finished record: it waits for its end, and goes with the ChangeCipherSpec.
  const after = unwrap(await sent([bytes.subarray(0, 20), bytes.subarray(20)], false));
  assert.deepEqual(after.messages, [Buffer.concat([changeCipher, finished])]);
  assert.deepEqual(after.rest, data);
});
