// The Sessions and Pools views of a SQL Server, from its DMVs and catalog views (column names as
// the product documents them): running scripts from sys.dm_external_script_requests joined with
// sys.dm_exec_requests and sys.dm_exec_sessions; pools from
// sys.resource_governor_external_resource_pools with sys.dm_resource_governor_external_resource_pools.
import type { ExternalPoolRow, ScriptRequestRow } from '../connection/instanceConnection';

export const SCRIPT_REQUESTS_SQL = `SELECT er.external_script_request_id, r.session_id, r.status, DB_NAME(s.database_id) AS database_name,
  s.login_name, r.wait_type, r.total_elapsed_time, r.cpu_time,
  er.language, er.degree_of_parallelism, er.external_user_name
FROM sys.dm_exec_requests AS r
INNER JOIN sys.dm_external_script_requests AS er ON r.external_script_request_id = er.external_script_request_id
INNER JOIN sys.dm_exec_sessions AS s ON s.session_id = r.session_id
ORDER BY r.session_id;`;

export const POOLS_SQL = `SELECT p.external_pool_id, p.name, p.max_cpu_percent, p.max_memory_percent, p.max_processes,
  d.active_processes_count, d.peak_memory_kb, d.total_cpu_user_ms, d.total_cpu_kernel_ms, d.read_io_count, d.write_io_count
FROM sys.resource_governor_external_resource_pools AS p
LEFT JOIN sys.dm_resource_governor_external_resource_pools AS d ON d.external_pool_id = p.external_pool_id
ORDER BY p.external_pool_id;`;

type Row = Record<string, unknown>;

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));

export function scriptRequestOf(row: Row): ScriptRequestRow {
  return {
    externalScriptRequestId: (text(row.external_script_request_id) ?? '').toLowerCase(),
    sessionId: num(row.session_id) ?? 0,
    status: text(row.status) ?? '',
    databaseName: text(row.database_name),
    loginName: text(row.login_name) ?? '',
    language: text(row.language) ?? '',
    degreeOfParallelism: num(row.degree_of_parallelism),
    externalUserName: text(row.external_user_name),
    waitType: text(row.wait_type),
    totalElapsedTimeMs: num(row.total_elapsed_time),
    cpuTimeMs: num(row.cpu_time),
  };
}

export function externalPoolOf(row: Row): ExternalPoolRow {
  return {
    externalPoolId: num(row.external_pool_id) ?? 0,
    name: text(row.name) ?? '',
    maxCpuPercent: num(row.max_cpu_percent) ?? 100,
    maxMemoryPercent: num(row.max_memory_percent) ?? 100,
    maxProcesses: num(row.max_processes) ?? 0,
    activeProcessesCount: num(row.active_processes_count),
    peakMemoryKb: num(row.peak_memory_kb),
    totalCpuUserMs: num(row.total_cpu_user_ms),
    totalCpuKernelMs: num(row.total_cpu_kernel_ms),
    readIoCount: num(row.read_io_count),
    writeIoCount: num(row.write_io_count),
  };
}
