// When a pool refills after a claim and after a session ends (refillTiming.ts): at once, or after
// the usual quarter second, for sessions that move little; later, in proportion, for those that
// move many rows, so that a replacement's start does not compete with them; never past two seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refillAfterClaimMs, refillAfterSessionMs } from '../../../server/src/core/launcher/refillTiming';

test('a claim of little input refills after a quarter second; a large input waits about as long as it takes to read, at most two seconds', () => {
  assert.equal(refillAfterClaimMs(0), 250);
  assert.equal(refillAfterClaimMs(4096), 250);
  // A million rows of four floats and a label: about 36 MB.
  assert.equal(refillAfterClaimMs(36_000_000), 250 + 720);
  assert.equal(refillAfterClaimMs(10 ** 9), 2000);
});

test('a session that returned few values refills at once; one that returned a million rows of five waits about a second, at most two', () => {
  assert.equal(refillAfterSessionMs(0), 0);
  assert.equal(refillAfterSessionMs(4_999), 0);
  assert.equal(refillAfterSessionMs(5_000_000), 1000);
  assert.equal(refillAfterSessionMs(10 ** 9), 2000);
});
