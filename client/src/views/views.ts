// The Pools and Sessions views in the SQL ML activity-bar container. They draw what the server
// pushed (InstanceStore), never polling it (for a connection profile's SQL Server the language
// server reads its DMVs and pushes them); the only timer ticks the durations of running sessions
// while the view is visible. With no instance reachable they are empty, so the welcome content
// (package.json viewsWelcome, chosen by the sqlml.instanceStatus context key) offers the command
// that fixes it; the views' description names the state (a tree message would hide the welcome).
import { commands, window, type Disposable, type TreeView } from 'vscode';
import type { InstanceState } from '../../../server/src/protocol';
import type { InstanceStore } from '../instanceStore';
import type { ViewNode } from './node';
import { poolNodes } from './poolsModel';
import { serverPoolNodes, serverSessionNodes } from './serverModel';
import { isActive, sessionNodes } from './sessionsModel';
import { NodeTreeProvider } from './tree';

export class SqlmlViews implements Disposable {
  readonly pools: NodeTreeProvider;
  readonly sessions: NodeTreeProvider;
  private readonly poolsView: TreeView<ViewNode>;
  private readonly sessionsView: TreeView<ViewNode>;
  private readonly subscriptions: Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly store: InstanceStore) {
    // A connection profile's SQL Server: its pools and running scripts as its DMVs show them.
    const server = () => store.pools?.server;
    this.pools = new NodeTreeProvider(() => {
      if (!this.connected()) return [];
      const view = server();
      return view ? serverPoolNodes(view) : poolNodes(store.pools ?? { state: store.state!, view: null }, store.sessions, Date.now());
    });
    this.sessions = new NodeTreeProvider(() => {
      if (!this.connected()) return [];
      const view = server();
      return view ? serverSessionNodes(view) : sessionNodes(store.sessions, Date.now());
    });
    this.poolsView = window.createTreeView('sqlml.pools', { treeDataProvider: this.pools, showCollapseAll: true });
    this.sessionsView = window.createTreeView('sqlml.sessions', { treeDataProvider: this.sessions });
    this.subscriptions.push(
      this.poolsView,
      this.sessionsView,
      this.pools,
      this.sessions,
      store.onDidChange((what) => {
        if (what === 'state') this.stateChanged();
        if (what === 'pools' || what === 'sessions') this.pools.refresh();
        if (what === 'sessions' || what === 'state' || (what === 'pools' && store.pools?.server)) this.sessions.refresh();
        this.tick();
      }),
      this.sessionsView.onDidChangeVisibility(() => this.tick()),
      this.poolsView.onDidChangeVisibility(() => this.tick()),
    );
    this.stateChanged();
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const d of this.subscriptions) d.dispose();
  }

  private connected(): boolean {
    return this.store.state?.status === 'connected';
  }

  private stateChanged(): void {
    const state = this.store.state;
    void commands.executeCommand('setContext', 'sqlml.instanceStatus', state?.status ?? 'unknown');
    const description = state && state.status !== 'connected' ? describeState(state) : undefined;
    this.poolsView.description = description;
    this.sessionsView.description = description;
    this.pools.refresh();
    this.sessions.refresh();
  }

  /** Running sessions' durations go up by the second while someone can see them. */
  private tick(): void {
    const needed = (this.sessionsView.visible || this.poolsView.visible) && this.store.sessions.some(isActive);
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => {
        this.sessions.refresh();
        this.pools.refresh();
      }, 1000);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}

function describeState(state: InstanceState): string {
  return { connected: '', stopped: 'not running', missing: 'no instance', needsPassword: 'password needed', unavailable: 'unavailable' }[state.status];
}
