// Who is at the other end of a session, as the client said at login (TDS LOGIN7's host name,
// application name, client interface and process id; the socket protocol's Hello names its client):
// APP_NAME(), PROGRAM_NAME() and HOST_NAME() answer from it, sys.dm_exec_sessions shows it, and
// a Resource Governor classifier can route sessions by it, as the external-pool articles do.
export interface ClientInfo {
  /** APP_NAME(), PROGRAM_NAME(), sys.dm_exec_sessions.program_name. */
  programName: string;
  /** HOST_NAME(), sys.dm_exec_sessions.host_name. */
  hostName: string;
  /** sys.dm_exec_sessions.client_interface_name ('ODBC', 'Tedious', …). */
  interfaceName: string;
  /** sys.dm_exec_sessions.host_process_id; null when the client did not say. */
  processId: number | null;
}

/** A session the instance opens itself (a classifier's call, a script's loopback query): the server's own machine, no program. */
export function internalClient(hostName: string): ClientInfo {
  return { programName: '', hostName, interfaceName: '', processId: null };
}
