// A tree view drawn from ViewNodes that a pure model rebuilds on every change.
import { EventEmitter, ThemeColor, ThemeIcon, TreeItem, TreeItemCollapsibleState, type Event, type TreeDataProvider } from 'vscode';
import type { ViewNode } from './node';
import { reconcileRows } from './reconcile';

export class NodeTreeProvider implements TreeDataProvider<ViewNode> {
  private readonly changed = new EventEmitter<ViewNode[] | undefined>();
  readonly onDidChangeTreeData: Event<ViewNode[] | undefined> = this.changed.event;
  private roots: ViewNode[] = [];

  constructor(private readonly build: () => ViewNode[]) {}

  /** Rebuilds the rows; when only their text changed, just those rows are redrawn (see reconcile.ts). */
  refresh(): void {
    const next = this.build();
    const changed = reconcileRows(this.roots, next);
    if (!changed) {
      this.roots = next;
      this.changed.fire(undefined);
    } else if (changed.length > 0) {
      this.changed.fire(changed);
    }
  }

  /** The rows now, for tests and commands. */
  get nodes(): readonly ViewNode[] {
    return this.roots;
  }

  getChildren(element?: ViewNode): ViewNode[] {
    return element ? (element.children ?? []) : this.roots;
  }

  getTreeItem(node: ViewNode): TreeItem {
    const state = node.children && node.children.length > 0 ? (node.expanded ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.Collapsed) : TreeItemCollapsibleState.None;
    const item = new TreeItem(node.label, state);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.icon) item.iconPath = new ThemeIcon(node.icon.id, node.icon.color ? new ThemeColor(node.icon.color) : undefined);
    if (node.contextValue !== undefined) item.contextValue = node.contextValue;
    if (node.command) item.command = node.command;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
