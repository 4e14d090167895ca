// A tree view row as plain data, built by the pure view models and turned into a TreeItem by tree.ts.

export interface ViewNode {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id ("server-process", "sync~spin"), with an optional theme colour id. */
  icon?: { id: string; color?: string };
  /** What the menus' `when` clauses match on (viewItem). */
  contextValue?: string;
  /** Collapsed or expanded when it has children. */
  expanded?: boolean;
  children?: ViewNode[];
  /** What commands run on the row need: the session it shows. */
  data?: { sessionId?: string };
  /** Runs when the row is clicked. */
  command?: { command: string; title: string; arguments?: unknown[] };
}
