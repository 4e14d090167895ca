// The DMVs and Resource Governor catalog views that SQL Server's monitoring articles query, with
// SQL Server's column names and types and the instance's real values: its open sessions and the
// requests they run, the External Scripts performance counters, the host, the workload groups and
// pools with the external pool each group's scripts run in.
// sys.dm_exec_sessions / sys.dm_exec_requests show every session to a caller with VIEW SERVER
// STATE and only its own to anyone else, as SQL Server documents; the other DMVs need VIEW SERVER
// STATE (Msg 300); the Resource Governor catalog views, too (their documented permission).
import type { SqlType } from '../translate/types';
import { externalPoolId, governorOf, sameName } from './resourceGovernor';
import type { ExecutorSession } from './session';
import type { SystemView } from './systemViews';

const int: SqlType = { name: 'int' };
const smallint: SqlType = { name: 'smallint' };
const bigint: SqlType = { name: 'bigint' };
const bit: SqlType = { name: 'bit' };
const real: SqlType = { name: 'real' };
const datetime: SqlType = { name: 'datetime' };
const sysname: SqlType = { name: 'nvarchar', length: 128 };
const guid: SqlType = { name: 'uniqueidentifier' };
const nvarchar = (length: number): SqlType => ({ name: 'nvarchar', length });
const nchar = (length: number): SqlType => ({ name: 'nchar', length });
const sid: SqlType = { name: 'varbinary', length: 85 };

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** The sessions the caller may see: all of them with VIEW SERVER STATE, else its own. */
function visibleSessions(s: ExecutorSession): ExecutorSession[] {
  const all = [...s.instance.sessions.values()].sort((a, b) => a.id - b.id);
  return s.viewsServerState ? all : all.filter((x) => x.id === s.id);
}

function sidOf(s: ExecutorSession, name: string): Uint8Array | null {
  const login = s.catalog.server.principals.find((p) => sameName(p.name, name));
  const hex = login?.sid?.replace(/^0x/i, '');
  return hex ? new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16))) : null;
}

function pools(s: ExecutorSession) {
  return s.document.pools.map((p) => ({ ...p, id: externalPoolId(s.document.pools, p) }));
}

const EXTERNAL_SCRIPTS_OBJECT = 'SQLServer:External Scripts';
/** PERF_COUNTER_LARGE_RAWCOUNT: a cumulative count, read as it is. */
const RAW_COUNT = 65792;

export const MONITORING_VIEWS: Readonly<Record<string, SystemView>> = {
  dm_exec_sessions: {
    scope: 'server',
    columns: [
      ['session_id', smallint], ['login_time', datetime], ['host_name', nvarchar(128)], ['program_name', nvarchar(128)], ['host_process_id', int],
      ['client_interface_name', nvarchar(32)], ['security_id', sid], ['login_name', nvarchar(128)], ['status', nvarchar(30)], ['cpu_time', int],
      ['memory_usage', int], ['total_scheduled_time', int], ['total_elapsed_time', int], ['last_request_start_time', datetime], ['last_request_end_time', datetime],
      ['reads', bigint], ['writes', bigint], ['logical_reads', bigint], ['is_user_process', bit], ['transaction_isolation_level', smallint],
      ['lock_timeout', int], ['deadlock_priority', int], ['row_count', bigint], ['prev_error', int], ['original_security_id', sid],
      ['original_login_name', nvarchar(128)], ['group_id', int], ['database_id', smallint], ['authenticating_database_id', int], ['open_transaction_count', int],
    ],
    rows: (s) =>
      visibleSessions(s).map((x) => {
        const now = s.instance.ports.clock.now();
        const login = x.loginName;
        return [
          x.id, date(x.loginTime), x.client.hostName || null, x.client.programName || null, x.client.processId,
          x.client.interfaceName || null, sidOf(x, login), login, x.request ? 'running' : 'sleeping', 0,
          0, 0, Math.round(now - x.loginTime), date(x.lastRequestStart), date(x.lastRequestEnd),
          0n, 0n, 0n, true, 2,
          -1, 0, BigInt(x.rowCount), x.lastError, sidOf(x, x.security.originalLogin),
          x.security.originalLogin, x.workloadGroup.id, s.instance.databaseId(x.database), 1, x.transactionCount,
        ];
      }),
  },
  dm_exec_requests: {
    scope: 'server',
    columns: [
      ['session_id', smallint], ['request_id', int], ['start_time', datetime], ['status', nvarchar(30)], ['command', nvarchar(32)],
      ['database_id', smallint], ['user_id', int], ['connection_id', guid], ['blocking_session_id', smallint], ['wait_type', nvarchar(60)],
      ['wait_time', int], ['last_wait_type', nvarchar(60)], ['wait_resource', nvarchar(256)], ['open_transaction_count', int], ['percent_complete', real],
      ['cpu_time', int], ['total_elapsed_time', int], ['reads', bigint], ['writes', bigint], ['logical_reads', bigint],
      ['row_count', bigint], ['prev_error', int], ['nest_level', int], ['granted_query_memory', int], ['group_id', int],
      ['dop', int], ['external_script_request_id', guid],
    ],
    rows: (s) =>
      visibleSessions(s)
        .filter((x) => x.request !== null)
        .map((x) => {
          const r = x.request!;
          const elapsed = Math.round(s.instance.ports.clock.now() - r.startedAt);
          // The session asking is running; one waiting for its script (or a lock) is suspended.
          const status = x.id === s.id ? 'running' : 'suspended';
          return [
            x.id, 0, date(r.startedAt), status, r.command,
            s.instance.databaseId(x.database), null, null, 0, null,
            0, null, '', x.transactionCount, 0,
            0, elapsed, 0n, 0n, 0n,
            BigInt(x.rowCount), x.lastError, 1, 0, x.workloadGroup.id,
            1, r.externalScriptId,
          ];
        }),
  },
  dm_external_script_execution_stats: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    // Only RevoScaleR, revoscalepy and microsoftml functions are counted there, and the instance
    // has none of them: the view is empty, truthfully.
    columns: [['language', nvarchar(128)], ['counter_name', nvarchar(128)], ['counter_value', int]],
    rows: () => [],
  },
  dm_os_performance_counters: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [['object_name', nchar(128)], ['counter_name', nchar(128)], ['instance_name', nchar(128)], ['cntr_value', bigint], ['cntr_type', int]],
    rows: (s) => Object.entries(s.instance.scriptCounters).map(([name, value]) => [EXTERNAL_SCRIPTS_OBJECT, name, '', BigInt(value), RAW_COUNT]),
  },
  dm_os_sys_info: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [
      ['cpu_count', int], ['hyperthread_ratio', int], ['physical_memory_kb', bigint], ['committed_kb', bigint], ['committed_target_kb', bigint],
      ['max_workers_count', int], ['scheduler_count', int], ['sqlserver_start_time_ms_ticks', bigint], ['sqlserver_start_time', datetime],
      ['affinity_type', int], ['affinity_type_desc', nvarchar(60)], ['socket_count', int], ['cores_per_socket', int], ['numa_node_count', int],
    ],
    rows: (s) => {
      const host = s.instance.options.host;
      const cpus = host?.cpuCount ?? 1;
      const physicalKb = host ? BigInt(host.physicalMemoryKb) : null;
      // Committed: what the instance's process holds now; its target: the machine's memory, which DuckDB sizes itself against.
      return [[cpus, 1, physicalKb, host ? BigInt(host.residentMemoryKb()) : null, physicalKb, 512, cpus, 0n, date(s.instance.startedAt), 2, 'AUTO', 1, cpus, 1]];
    },
  },
  dm_server_registry: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    // The keys the monitoring articles read: whether TCP (the TDS endpoint) is enabled, and its port.
    columns: [['registry_key', nvarchar(256)], ['value_name', nvarchar(256)], ['value_data', nvarchar(256)]],
    rows: (s) => {
      const port = s.instance.options.host?.tcpPort ?? null;
      const root = 'HKLM\\Software\\Microsoft\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQLServer\\SuperSocketNetLib\\Tcp';
      return [
        [root, 'Enabled', port === null ? '0' : '1'],
        [`${root}\\IPAll`, 'TcpPort', port === null ? '' : String(port)],
      ];
    },
  },
  resource_governor_configuration: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [['classifier_function_id', int], ['is_enabled', bit], ['max_outstanding_io_per_volume', int]],
    rows: (s) => {
      const configuration = governorOf(s.document).configuration;
      return [[configuration.classifier ? classifierId(s, configuration.classifier) : 0, configuration.enabled, 0]];
    },
  },
  resource_governor_resource_pools: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [
      ['pool_id', int], ['name', sysname], ['min_cpu_percent', int], ['max_cpu_percent', int], ['min_memory_percent', int],
      ['max_memory_percent', int], ['cap_cpu_percent', int], ['min_iops_per_volume', int], ['max_iops_per_volume', int],
    ],
    rows: (s) =>
      [...governorOf(s.document).pools]
        .sort((a, b) => a.id - b.id)
        .map((p) => [p.id, p.name, p.minCpuPercent, p.maxCpuPercent, p.minMemoryPercent, p.maxMemoryPercent, p.capCpuPercent, 0, 0]),
  },
  resource_governor_workload_groups: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [
      ['group_id', int], ['name', sysname], ['importance', sysname], ['request_max_memory_grant_percent', int], ['request_max_cpu_time_sec', int],
      ['request_memory_grant_timeout_sec', int], ['max_dop', int], ['group_max_requests', int], ['pool_id', int], ['external_pool_id', int],
    ],
    rows: (s) => {
      const governor = governorOf(s.document);
      const external = pools(s);
      return [...governor.groups]
        .sort((a, b) => a.id - b.id)
        .map((g) => [
          g.id, g.name, g.importance, g.requestMaxMemoryGrantPercent, g.requestMaxCpuTimeSec,
          g.requestMemoryGrantTimeoutSec, g.maxDop, g.groupMaxRequests,
          governor.pools.find((p) => sameName(p.name, g.pool))?.id ?? 2,
          external.find((p) => sameName(p.name, g.externalPool))?.id ?? 2,
        ]);
    },
  },
  resource_governor_external_resource_pool_affinity: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    // Pools with AFFINITY AUTO do not appear, and the instance has no other affinity.
    columns: [['external_pool_id', int], ['processor_group', smallint], ['cpu_mask', bigint]],
    rows: () => [],
  },
  dm_resource_governor_resource_pools: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [
      ['pool_id', int], ['name', sysname], ['statistics_start_time', datetime], ['total_cpu_usage_ms', bigint], ['used_memory_kb', bigint],
      ['max_memory_kb', bigint], ['target_memory_kb', bigint], ['min_cpu_percent', int], ['max_cpu_percent', int], ['min_memory_percent', int],
      ['max_memory_percent', int], ['cap_cpu_percent', int], ['read_io_completed_total', int], ['write_io_completed_total', int],
    ],
    rows: (s) => {
      const governor = governorOf(s.document);
      const inEffect = governor.effective?.pools ?? governor.pools;
      const memoryKb = s.instance.options.host?.physicalMemoryKb ?? null;
      return [...inEffect]
        .sort((a, b) => a.id - b.id)
        .map((p) => {
          const max = memoryKb === null ? null : BigInt(Math.floor((memoryKb * p.maxMemoryPercent) / 100));
          // DuckDB does not account CPU, memory or I/O per Resource Governor pool: those counters stay at zero.
          return [p.id, p.name, date(s.instance.startedAt), 0n, 0n, max, max, p.minCpuPercent, p.maxCpuPercent, p.minMemoryPercent, p.maxMemoryPercent, p.capCpuPercent, 0, 0];
        });
    },
  },
  dm_resource_governor_workload_groups: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [['group_id', int], ['name', sysname], ['pool_id', int], ['external_pool_id', int], ['active_request_count', int], ['total_request_count', bigint]],
    rows: (s) => {
      const governor = governorOf(s.document);
      const groups = governor.effective?.groups ?? governor.groups;
      const sessions = [...s.instance.sessions.values()];
      const external = pools(s);
      return [...groups]
        .sort((a, b) => a.id - b.id)
        .map((g) => [
          g.id, g.name,
          governor.pools.find((p) => sameName(p.name, g.pool))?.id ?? 2,
          external.find((p) => sameName(p.name, g.externalPool))?.id ?? 2,
          sessions.filter((x) => x.request !== null && x.workloadGroup.id === g.id).length,
          0n,
        ]);
    },
  },
};

/** The classifier's object_id, when the function is registered as an object of master. */
function classifierId(s: ExecutorSession, classifier: { schema: string; name: string }): number {
  const master = s.catalog.databases.find((d) => sameName(d.name, 'master'));
  const schema = master?.schemas.find((x) => sameName(x.name, classifier.schema));
  const object = master?.objects.find((o) => o.schemaId === schema?.schemaId && sameName(o.name, classifier.name));
  return object?.objectId ?? 0;
}

