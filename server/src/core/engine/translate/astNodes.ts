// Syntax nodes the translator makes itself (a PIVOT's columns, the rowid a write through a CTE
// carries) and a search through the nodes of what it translates.
import type { Identifier, Span } from '../ast';

/** A name as if written in brackets: kept as it is, case and all. */
export function identifier(name: string, at: Span): Identifier {
  return { name, quoted: true, start: at.start, end: at.end };
}

/** The first node under `root` (itself included, depth first) that `match` accepts. */
export function findNode(root: unknown, match: (node: { kind?: unknown }) => boolean): object | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  if (match(root as { kind?: unknown })) return root;
  for (const child of Object.values(root)) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return undefined;
}
