// Keeps the tree's row objects across refreshes. VS Code's extension host maps each row it was
// given to a handle; a full refresh forgets them all until the view asks again, and a click on an
// inline action in that gap reaches the command with no row. Durations tick every second, so a
// refresh that only changes text updates the rows VS Code already holds, in place, and names them.
// Pure: no VS Code.
import type { ViewNode } from './node';

/** Same ids in the same places, all the way down: only the rows' text or look can differ. */
function sameShape(a: readonly ViewNode[], b: readonly ViewNode[]): boolean {
  return a.length === b.length && a.every((node, k) => node.id === b[k]!.id && node.expanded === b[k]!.expanded && sameShape(node.children ?? [], b[k]!.children ?? []));
}

function sameRow(a: ViewNode, b: ViewNode): boolean {
  const { children: _a, ...rowA } = a;
  const { children: _b, ...rowB } = b;
  return JSON.stringify(rowA) === JSON.stringify(rowB);
}

/**
 * Brings `current` up to `next`. When the shape is unchanged, the rows that differ are updated in
 * place and returned (none: nothing to redraw); otherwise `undefined`: the tree must be replaced.
 */
export function reconcileRows(current: ViewNode[], next: readonly ViewNode[]): ViewNode[] | undefined {
  if (!sameShape(current, next)) return undefined;
  const changed: ViewNode[] = [];
  const visit = (olds: ViewNode[], news: readonly ViewNode[]) => {
    olds.forEach((old, k) => {
      const fresh = news[k]!;
      if (!sameRow(old, fresh)) {
        const children = old.children;
        for (const key of Object.keys(old) as (keyof ViewNode)[]) delete old[key];
        Object.assign(old, fresh, children ? { children } : {});
        changed.push(old);
      }
      if (old.children) visit(old.children, fresh.children ?? []);
    });
  };
  visit(current, next);
  return changed;
}
