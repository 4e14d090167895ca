// Sessions: one per statement, named by a GUID (SQL Server's external_script_request_id),
// moving queued → starting → running → succeeded | failed | cancelled | timed out. Views and
// clients follow them through change events; finished sessions stay in a bounded history.
import type { Clock } from './ports';

export type SessionState = 'queued' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed out';

export type IsolationMode = 'accounts' | 'namespaces' | 'none';

const NEXT: Record<SessionState, readonly SessionState[]> = {
  queued: ['starting', 'failed', 'cancelled', 'timed out'],
  starting: ['running', 'failed', 'cancelled', 'timed out'],
  running: ['succeeded', 'failed', 'cancelled', 'timed out'],
  succeeded: [],
  failed: [],
  cancelled: [],
  'timed out': [],
};

export function isFinished(state: SessionState): boolean {
  return NEXT[state].length === 0;
}

export interface SessionRecord {
  id: string;
  caller: string;
  database: string;
  language: 'python' | 'r';
  pool: string;
  mode: IsolationMode;
  /** The worker serving the session; undefined while it waits for one. */
  worker?: string;
  state: SessionState;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The satellite's exit code, or null when a signal ended it. */
  exitCode?: number | null;
  /** One line on how it ended: "exit code 0", "killed: memory limit", "statement timeout of 2 s". */
  detail?: string;
  /** The session folder while it exists (or is kept for debugging). */
  folder?: string;
}

export type SessionEvent =
  | { type: 'added'; session: SessionRecord }
  | { type: 'changed'; session: SessionRecord }
  | { type: 'evicted'; id: string };

export type SessionListener = (event: SessionEvent) => void;

export type SessionInit = Pick<SessionRecord, 'id' | 'caller' | 'database' | 'language' | 'pool' | 'mode'>;

export type SessionPatch = Partial<Pick<SessionRecord, 'worker' | 'exitCode' | 'detail' | 'folder'>>;

export const DEFAULT_HISTORY_SIZE = 200;

export class SessionTable {
  private readonly records = new Map<string, SessionRecord>();
  /** Ids of finished sessions, oldest first, for eviction. */
  private readonly finished: string[] = [];
  private readonly listeners = new Set<SessionListener>();

  constructor(
    private readonly clock: Clock,
    private readonly historySize: number = DEFAULT_HISTORY_SIZE,
  ) {}

  create(init: SessionInit): SessionRecord {
    const record: SessionRecord = { ...init, state: 'queued', queuedAt: this.clock.now() };
    this.records.set(record.id, record);
    this.emit({ type: 'added', session: { ...record } });
    return { ...record };
  }

  /** Applies a patch without a state change (the worker was assigned, the folder made). */
  update(id: string, patch: SessionPatch): void {
    const record = this.records.get(id);
    if (!record) return;
    Object.assign(record, patch);
    this.emit({ type: 'changed', session: { ...record } });
  }

  /** Moves a session on; a move the state machine does not allow is refused and reported false. */
  transition(id: string, state: SessionState, patch: SessionPatch = {}): boolean {
    const record = this.records.get(id);
    if (!record || !NEXT[record.state].includes(state)) return false;
    Object.assign(record, patch);
    record.state = state;
    const now = this.clock.now();
    if (state === 'starting') record.startedAt = now;
    if (isFinished(state)) {
      record.endedAt = now;
      this.finished.push(id);
    }
    this.emit({ type: 'changed', session: { ...record } });
    this.evict();
    return true;
  }

  get(id: string): SessionRecord | undefined {
    const record = this.records.get(id);
    return record && { ...record };
  }

  /** Running and recent sessions, newest first. */
  list(): SessionRecord[] {
    return [...this.records.values()].reverse().map((r) => ({ ...r }));
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private evict(): void {
    while (this.finished.length > this.historySize) {
      const id = this.finished.shift()!;
      this.records.delete(id);
      this.emit({ type: 'evicted', id });
    }
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A view's bug must not stop a session from moving on.
      }
    }
  }
}
