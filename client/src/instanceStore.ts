// What the editor last heard from the server about the instance: its state, the pools and the
// sessions. The server owns all of it and pushes every change; this is only the copy the status bar
// and the views draw from, replaced or patched by each notification.
import { EventEmitter, type Disposable } from 'vscode';
import { InstanceStateRequest, PoolsRequest, SessionsRequest, type InstanceState, type PoolsResult, type SessionInfo } from '../../server/src/protocol';
import type { ServerLink } from './serverLink';
import { applySessionChange } from './views/sessionsModel';

export class InstanceStore implements Disposable {
  private stateValue: InstanceState | undefined;
  private poolsValue: PoolsResult | undefined;
  private sessionsValue: SessionInfo[] = [];
  private readonly changed = new EventEmitter<'state' | 'pools' | 'sessions'>();
  private readonly subscriptions: Disposable[];
  readonly onDidChange = this.changed.event;

  constructor(private readonly server: ServerLink) {
    this.subscriptions = [
      server.onState((state) => this.setState(state)),
      server.onPools((pools) => {
        this.setState(pools.state);
        this.poolsValue = pools;
        this.changed.fire('pools');
      }),
      server.onSessionChange((change) => {
        this.sessionsValue = applySessionChange(this.sessionsValue, change);
        this.changed.fire('sessions');
      }),
      server.onRunning((running) => {
        if (running) void this.refresh(false);
      }),
    ];
  }

  get state(): InstanceState | undefined {
    return this.stateValue;
  }

  get pools(): PoolsResult | undefined {
    return this.poolsValue;
  }

  get sessions(): readonly SessionInfo[] {
    return this.sessionsValue;
  }

  session(id: string): SessionInfo | undefined {
    return this.sessionsValue.find((s) => s.id === id);
  }

  /** Asks the server for everything again (connecting to the instance if it can, never starting it). */
  async refresh(connect = true): Promise<void> {
    this.setState(await this.server.request(InstanceStateRequest, { connect }));
    const [pools, sessions] = await Promise.all([this.server.request0(PoolsRequest), this.server.request0(SessionsRequest)]);
    this.setState(pools.state);
    this.poolsValue = pools;
    this.sessionsValue = sessions.sessions;
    this.changed.fire('pools');
    this.changed.fire('sessions');
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
  }

  private setState(state: InstanceState): void {
    if (JSON.stringify(state) === JSON.stringify(this.stateValue)) return;
    this.stateValue = state;
    if (state.status !== 'connected') {
      this.poolsValue = { state, view: null };
      this.changed.fire('pools');
    }
    this.changed.fire('state');
  }
}
