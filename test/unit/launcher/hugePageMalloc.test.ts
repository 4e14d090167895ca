// The glibc tunables of the processes sqlml starts (the daemon, the language server): huge pages
// for malloc's large blocks, added to whatever tunables the user set, and never overriding a
// hugetlb setting of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHugePageMalloc } from '../../../server/src/core/launcher/hugePageMalloc';

test('huge pages are asked for when nothing is set, and added to the tunables the user set', () => {
  assert.equal(withHugePageMalloc(undefined), 'glibc.malloc.hugetlb=1');
  assert.equal(withHugePageMalloc(''), 'glibc.malloc.hugetlb=1');
  assert.equal(withHugePageMalloc('glibc.malloc.arena_max=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
});

test("the user's own hugetlb setting stands, wherever it is in the list", () => {
  assert.equal(withHugePageMalloc('glibc.malloc.hugetlb=0'), 'glibc.malloc.hugetlb=0');
  assert.equal(withHugePageMalloc('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2');
  assert.equal(withHugePageMalloc('glibc.malloc.not_hugetlb=1'), 'glibc.malloc.not_hugetlb=1:glibc.malloc.hugetlb=1');
});
