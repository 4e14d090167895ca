// What the server sends the client, as the view and status-bar tests build it: a session and the
// instance's state, each with defaults that the test overrides.
import type { InstanceState, SessionInfo } from '../../../server/src/protocol';

/** The time the fixtures' sessions were queued at. */
export const T0 = 1_700_000_000_000;

export const sessionInfo = (id: string, fields: Partial<SessionInfo> = {}): SessionInfo => ({
  id,
  caller: 'ann',
  database: 'master',
  language: 'python',
  pool: 'default',
  mode: 'accounts',
  state: 'running',
  queuedAt: T0,
  ...fields,
});

export const instanceState = (fields: Partial<InstanceState> = {}): InstanceState => ({
  status: 'connected',
  path: '/home/ann/.sqlml/instances/default',
  name: 'default',
  isDefault: true,
  login: 'ann',
  authentication: 'os',
  isolation: 'accounts',
  unisolated: false,
  serverIsRoot: false,
  ...fields,
});
