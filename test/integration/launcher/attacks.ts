// The attacks the test suite tries against the launcher's security model, one row per number.
// The README's security table (npm run docs:security) is made from this list and from the last
// test results, and test/unit/readme-security.test.ts keeps the two honest.
//
// Naming convention, for anyone adding an attack test:
//   - a test that tries attack N starts its name with `#N` (several: `#9 #10 #22 ...`), e.g.
//     test('#42 a worker cannot read the loopback secret of another session', ...);
//   - a new attack takes the next free number and gets a row here (id, what, by);
//   - the test must pass, or skip with a reason where root or a kernel feature is missing
//     (test/support/requireOrSkip.ts): the reporter (test/support/attackReporter.ts) records
//     each numbered test's outcome into test-results/attacks.json, and the README says what it
//     recorded, nothing more.
// A test name citing a number that has no row here fails the README test, and so does a row that
// no test name cites.

/** Who makes the attack. */
export type AttackMode =
  /** a script run by the launcher, from inside its sandbox */
  | 'script'
  /** a caller of the launcher (what it sends: names, parameters, many requests) */
  | 'caller'
  /** another account on the same machine, outside any sandbox */
  | 'local user'
  /** a failure or a change on the host: a crash, a planted folder */
  | 'host'
  /** a workspace opened in the editor */
  | 'workspace';

export interface Attack {
  id: number;
  /** What is tried and what must hold, in a few plain words. */
  what: string;
  mode: AttackMode;
}

export const ATTACKS: readonly Attack[] = [
  { id: 1, what: 'run as root or with capabilities, groups or new privileges', mode: 'script' },
  { id: 2, what: "share the launcher's namespaces", mode: 'script' },
  { id: 3, what: "use another caller's worker account", mode: 'caller' },
  { id: 4, what: 'exhaust the worker pool to run as root or a shared account', mode: 'caller' },
  { id: 5, what: "read the launcher's environment variables", mode: 'script' },
  { id: 6, what: "use the launcher's open files and sockets", mode: 'script' },
  { id: 7, what: 'read /etc/shadow', mode: 'script' },
  { id: 8, what: "read the launcher's configuration", mode: 'script' },
  { id: 9, what: "read another worker's session folder", mode: 'script' },
  { id: 10, what: 'read another session of the same worker', mode: 'script' },
  { id: 11, what: 'list the other sessions or the host', mode: 'script' },
  { id: 12, what: 'write outside the session folder, or leave files on the host', mode: 'script' },
  { id: 13, what: "plant a hard or symbolic link to make the launcher read a file", mode: 'script' },
  { id: 14, what: 'hand back a FIFO, a huge file or a folder; input names with ../ or NUL', mode: 'script' },
  { id: 15, what: 'swap folders for links while the session is cleaned up', mode: 'script' },
  { id: 16, what: 'open up the session folder with chmod', mode: 'script' },
  { id: 17, what: 'make the launcher trust a linked, world-writable or worker-owned sessions root', mode: 'host' },
  { id: 18, what: 'leave folders, mounts or cgroups behind after an error', mode: 'script' },
  { id: 19, what: 'fill the disk', mode: 'script' },
  { id: 20, what: "see the host's processes or the launcher's command line", mode: 'script' },
  { id: 21, what: 'kill the launcher', mode: 'script' },
  { id: 22, what: 'ptrace or signal another session', mode: 'script' },
  { id: 23, what: 'leave a daemon running after the session', mode: 'script' },
  { id: 24, what: 'outlive a crashed launcher', mode: 'host' },
  { id: 25, what: 'run past the statement timeout', mode: 'script' },
  { id: 26, what: 'gain privileges with a nested user namespace or su', mode: 'script' },
  { id: 27, what: 'leave System V IPC objects on the host', mode: 'script' },
  { id: 28, what: 'connect to an abstract Unix socket of the host', mode: 'script' },
  { id: 29, what: 'connect to a loopback TCP service of the host', mode: 'script' },
  { id: 30, what: 'reach a public address', mode: 'script' },
  { id: 31, what: 'resolve names or send UDP', mode: 'script' },
  { id: 32, what: '(control) the data channel still carries 10 MB back intact', mode: 'script' },
  { id: 33, what: 'fork bomb', mode: 'script' },
  { id: 34, what: 'memory bomb', mode: 'script' },
  { id: 35, what: "exceed the pool's memory with two sessions together", mode: 'script' },
  { id: 36, what: 'use /dev/shm to escape the memory limit', mode: 'script' },
  { id: 37, what: "use more CPU than the pool's cap", mode: 'script' },
  { id: 38, what: 'flood the output to exhaust the launcher', mode: 'script' },
  { id: 39, what: 'inject shell commands or control characters in names and parameters', mode: 'caller' },
  { id: 40, what: "find what the previous user of a worker account left", mode: 'script' },
  { id: 41, what: "take over a running session's loopback channel from ps, /proc or a socket file", mode: 'local user' },
  { id: 42, what: "reach another session's loopback channel from inside a sandbox", mode: 'script' },
  { id: 43, what: 'wedge or bloat the instance daemon with huge, malformed or nested messages before logging in', mode: 'local user' },
  { id: 44, what: 'hold the daemon with slow senders and too many connections', mode: 'local user' },
  { id: 45, what: 'write past the session quota into the session folder, /tmp or /dev/shm', mode: 'script' },
  { id: 46, what: "guess a SQL login's password, or learn whether a login exists", mode: 'caller' },
  { id: 47, what: "see other principals, their permissions, tables or who runs scripts without the right", mode: 'caller' },
  { id: 48, what: 'keep a login, user or grant made in a rolled-back or killed transaction', mode: 'caller' },
  { id: 49, what: "start two launchers on one pool, so that one sweeps away the other's sessions", mode: 'host' },
  { id: 50, what: 'make an untrusted workspace start an instance, run code or provision accounts', mode: 'workspace' },
];
