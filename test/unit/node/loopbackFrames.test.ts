// The loopback channel's framing: frames split anywhere by the stream come out whole and in order,
// and an oversized body is reported, not buffered, with the stream kept in step after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameKind, FrameReader } from '../../../server/src/node/instance/loopbackFrames';

test('frames split at every byte boundary come out whole, in order', () => {
  const stream = Buffer.concat([encodeFrame(FrameKind.query, Buffer.from('{"query":"SELECT 1"}')), encodeFrame(0x7a, Buffer.alloc(0)), encodeFrame(FrameKind.query, Buffer.from('é'))]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader(100);
    const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.kind, f.body?.toString('utf8')]),
      [[FrameKind.query, '{"query":"SELECT 1"}'], [0x7a, ''], [FrameKind.query, 'é']],
      `cut at ${cut}`,
    );
  }
});

test('a body over the limit is reported with its length and skipped as it arrives; the next frame is read', () => {
  const reader = new FrameReader(8);
  const big = encodeFrame(FrameKind.query, Buffer.alloc(50, 0x41));
  const after = encodeFrame(FrameKind.query, Buffer.from('ok'));
  const frames = [...reader.push(big.subarray(0, 7)), ...reader.push(big.subarray(7, 30)), ...reader.push(Buffer.concat([big.subarray(30), after]))];
  assert.deepEqual(frames, [{ kind: FrameKind.query, oversized: 50 }, { kind: FrameKind.query, body: Buffer.from('ok') }]);
});
