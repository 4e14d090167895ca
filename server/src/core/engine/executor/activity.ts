// What the monitoring DMVs report about the instance's own activity: the request each session is
// running (sys.dm_exec_requests), the External Scripts performance counters
// (sys.dm_os_performance_counters) and the host's facts (sys.dm_os_sys_info, sys.dm_server_registry).
// Kept in memory: SQL Server's counters, too, start again with the instance.

/** The request a session is running now. */
export interface RunningRequest {
  startedAt: number;
  /** sys.dm_exec_requests.command: SELECT, INSERT, EXECUTE, ... */
  command: string;
  /** The launcher's session id while an external script of the request runs. */
  externalScriptId: string | null;
}

/** The External Scripts object's counters, as SQL Server names them. */
export interface ScriptCounters {
  'Total Executions': number;
  'Parallel Executions': number;
  'Streaming Executions': number;
  'SQL CC Executions': number;
  'Implied Auth. Logins': number;
  'Total Execution Time (ms)': number;
  'Execution Errors': number;
}

export function newScriptCounters(): ScriptCounters {
  return {
    'Total Executions': 0,
    'Parallel Executions': 0,
    'Streaming Executions': 0,
    'SQL CC Executions': 0,
    'Implied Auth. Logins': 0,
    'Total Execution Time (ms)': 0,
    'Execution Errors': 0,
  };
}

/** The machine the instance runs on, as the node side measures it. */
export interface HostFacts {
  cpuCount: number;
  physicalMemoryKb: number;
  /** The TDS endpoint's port, when it listens (the registry's SuperSocketNetLib\Tcp). */
  tcpPort: number | null;
  /** The instance process's resident memory now (sys.dm_os_sys_info.committed_kb). */
  residentMemoryKb(): number;
}

/** sys.dm_exec_requests.command for a statement kind. */
export function requestCommand(kind: string): string {
  const known: Record<string, string> = { select: 'SELECT', insert: 'INSERT', update: 'UPDATE', delete: 'DELETE', execute: 'EXECUTE', executeString: 'EXECUTE', waitfor: 'WAITFOR' };
  return known[kind] ?? kind.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
