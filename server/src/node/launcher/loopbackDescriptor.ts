// A session's loopback channel: no socket file, no token. The launcher spawns the satellite's
// command chain with one extra stdio entry, which Node makes a connected Unix socket pair; the
// satellite's end is its descriptor 3 (sh, setpriv, prlimit and bubblewrap all pass inherited
// descriptors on), the launcher's end is handed to whoever serves the channel. Only a process that
// holds the descriptor can talk on it, so the kernel vouches that the peer is this session's
// satellite: nothing a local user can read from ps, /proc or the file system opens the channel.
// The launcher carries bytes only; what they mean (frames, queries) is the server's business.
import type { Duplex } from 'node:stream';

/** The descriptor number of the channel inside the satellite (SQLML_LOOPBACK_FD names it). */
export const LOOPBACK_FD = 3;

export interface LoopbackSession {
  id: string;
  /** The worker identity mapping gave the session: the one the channel presents. */
  worker: string;
}

/** Serves one session's channel; the launcher destroys the channel when the session ends. */
export type ServeLoopback = (channel: Duplex, session: LoopbackSession) => void;
