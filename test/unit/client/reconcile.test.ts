// Tree rows kept across refreshes: when only text changes (a running session's duration), the
// objects VS Code holds are updated in place and named, so a click in flight still finds its row;
// any change of shape replaces the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViewNode } from '../../../client/src/views/node';
import { reconcileRows } from '../../../client/src/views/reconcile';

const session = (id: string, description: string, extra: Partial<ViewNode> = {}): ViewNode => ({ id: `session:${id}`, label: id, description, contextValue: 'session:running', data: { sessionId: id }, ...extra });
const group = (children: ViewNode[]): ViewNode => ({ id: 'group:running', label: 'Running', description: String(children.length), expanded: true, children });

test('only the rows whose text changed are updated, in place, and returned', () => {
  const current = [group([session('a', 'running · 1.0 s'), session('b', 'running · 5.0 s')])];
  const rowA = current[0]!.children![0]!;
  const rowB = current[0]!.children![1]!;
  const changed = reconcileRows(current, [group([session('a', 'running · 2.0 s'), session('b', 'running · 5.0 s')])]);
  assert.deepEqual(changed, [rowA]);
  assert.equal(changed![0], rowA, 'the very object VS Code was given');
  assert.equal(rowA.description, 'running · 2.0 s');
  assert.equal(rowB.description, 'running · 5.0 s');
  assert.equal(current[0]!.children![0], rowA);
});

test('nothing changed: no rows to redraw', () => {
  const current = [group([session('a', 'running · 1.0 s')])];
  assert.deepEqual(reconcileRows(current, [group([session('a', 'running · 1.0 s')])]), []);
});

test('a field that goes away goes away from the kept row too', () => {
  const current = [session('a', 'running', { tooltip: 'old tip' })];
  const changed = reconcileRows(current, [session('a', 'succeeded', { contextValue: 'session:done' })]);
  assert.equal(changed?.length, 1);
  assert.equal(current[0]!.tooltip, undefined);
  assert.equal(current[0]!.contextValue, 'session:done');
  assert.equal(current[0]!.description, 'succeeded');
});

test('a row added, removed, moved or expanded differently means a new tree', () => {
  const base = () => [group([session('a', 'x'), session('b', 'y')])];
  assert.equal(reconcileRows(base(), [group([session('a', 'x')])]), undefined, 'removed');
  assert.equal(reconcileRows(base(), [group([session('a', 'x'), session('b', 'y'), session('c', 'z')])]), undefined, 'added');
  assert.equal(reconcileRows(base(), [group([session('b', 'y'), session('a', 'x')])]), undefined, 'moved');
  assert.equal(reconcileRows(base(), [{ ...group([session('a', 'x'), session('b', 'y')]), expanded: false }]), undefined, 'collapsed');
  assert.equal(reconcileRows([], [session('a', 'x')]), undefined, 'first rows');
});
