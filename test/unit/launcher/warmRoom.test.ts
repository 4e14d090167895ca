// warmHeldBack: warm satellites keep within their budget and leave half a memory-limited pool to
// its sessions, counting everything the pool holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmHeldBack, WARM_SHARE_OF_POOL_MEMORY } from '../../../server/src/core/launcher/pools';

const MiB = 2 ** 20;
const room = { satelliteBytes: 50 * MiB, warmBytes: 0, budgetBytes: 1024 * MiB };

test('without a pool memory limit only the budget holds satellites back', () => {
  assert.equal(warmHeldBack(room), undefined);
  assert.equal(warmHeldBack({ ...room, warmBytes: 974 * MiB }), undefined, 'exactly the budget fits');
  assert.equal(warmHeldBack({ ...room, warmBytes: 975 * MiB }), 'the warm memory budget (1024 MiB) is spent');
});

test('under a pool memory limit one more starts only while the pool stays within half of it', () => {
  const limited = { ...room, poolLimitBytes: 400 * MiB };
  assert.equal(WARM_SHARE_OF_POOL_MEMORY, 0.5);
  assert.equal(warmHeldBack({ ...limited, poolHeldBytes: 150 * MiB }), undefined, '150 + 50 is half the pool');
  assert.equal(
    warmHeldBack({ ...limited, poolHeldBytes: 151 * MiB }),
    'sessions come first: the pool holds 151 MiB and one more satellite would pass 200 MiB, half its memory limit of 400 MiB',
  );
  assert.equal(warmHeldBack({ ...limited, poolHeldBytes: 0, warmBytes: 1000 * MiB }), 'the warm memory budget (1024 MiB) is spent', 'the budget is checked first');
});

test('a limit without a measure of what the pool holds is not guessed at', () => {
  assert.equal(warmHeldBack({ ...room, poolLimitBytes: 10 * MiB }), undefined);
});
