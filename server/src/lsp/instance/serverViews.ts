// The Pools and Sessions views of a SQL Server reached through a connection profile. A SQL Server
// pushes nothing to its clients, so its DMVs are read again every SERVER_POLL_MS over one
// connection of their own, for as long as the views' link is linked to the profile.
import { EMBEDDED_ONLY } from '../../node/connection/instanceConnection';
import type { TdsProfile } from '../../node/remote/profile';
import { TdsConnection } from '../../node/remote/tdsConnection';
import type { ServerView } from '../../protocol';

export const SERVER_POLL_MS = 5_000;

const CLIENT_NAME = 'sqlml language server (views)';

export interface ServerViewsHandlers {
  /** A fresh reading of the DMVs. */
  onView(view: ServerView): void;
  /** The connection is gone (the server stopped, the network dropped): no more readings. */
  onLost(message: string): void;
}

export class ServerViews {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private lastView: ServerView | null = null;

  private constructor(
    /** The views' own connection (Use Database lists the databases through it too). */
    readonly connection: TdsConnection,
    private readonly handlers: ServerViewsHandlers,
  ) {}

  /** Connects as the profile's login and reads the DMVs once before answering. */
  static async open(profile: TdsProfile, password: string, handlers: ServerViewsHandlers): Promise<ServerViews> {
    const views = new ServerViews(await TdsConnection.open(profile, { password, appName: CLIENT_NAME }), handlers);
    await views.read();
    return views;
  }

  get login(): string {
    return this.connection.login;
  }

  get last(): ServerView | null {
    return this.lastView;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    void this.connection.close();
  }

  private async read(): Promise<void> {
    let view: ServerView;
    try {
      const [pools, sessions] = await Promise.all([this.connection.pools(), this.connection.sessions()]);
      const notShown = [...new Set([...(pools.source === 'dmv' ? pools.notShown : []), ...(sessions.source === 'dmv' ? sessions.notShown : [])])].map((f) => EMBEDDED_ONLY[f]);
      view = { pools: pools.source === 'dmv' ? pools.pools : [], requests: sessions.source === 'dmv' ? sessions.requests : [], notShown, readAt: Date.now(), pollMs: SERVER_POLL_MS };
    } catch (err) {
      if (this.closed) return;
      const message = err instanceof Error ? err.message : String(err);
      // The server refused the query (VIEW SERVER STATE not granted, say): the views say so and keep asking.
      if (err instanceof Error && err.name === 'RequestError') {
        view = { pools: [], requests: [], notShown: [], readAt: Date.now(), pollMs: SERVER_POLL_MS, problem: `the server's DMVs could not be read: ${message}` };
      } else {
        this.handlers.onLost(message);
        return;
      }
    }
    if (this.closed) return;
    this.lastView = view;
    this.handlers.onView(view);
    this.timer = setTimeout(() => void this.read(), SERVER_POLL_MS);
  }
}
