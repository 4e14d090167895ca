// Resource Governor's definitions, as SQL Server keeps them: the engine's resource pools, the
// workload groups (each using one of them and one external resource pool), and the classifier
// function that puts each new session into a workload group. Definitions are stored by the DDL;
// ALTER RESOURCE GOVERNOR RECONFIGURE puts them into effect (the `effective` copy), which is what
// classifies sessions and routes their scripts, and what the sys.dm_resource_governor_* views show.
// Built-in objects have SQL Server's ids (internal 1, default 2); user objects get 256 and up.
import type { InstanceDocument, ResourcePoolDefinition } from './document';

export interface EnginePoolDefinition {
  id: number;
  name: string;
  minCpuPercent: number;
  maxCpuPercent: number;
  capCpuPercent: number;
  minMemoryPercent: number;
  maxMemoryPercent: number;
}

export interface WorkloadGroupDefinition {
  id: number;
  name: string;
  importance: 'LOW' | 'MEDIUM' | 'HIGH';
  requestMaxMemoryGrantPercent: number;
  requestMaxCpuTimeSec: number;
  requestMemoryGrantTimeoutSec: number;
  maxDop: number;
  groupMaxRequests: number;
  /** The engine pool's name (USING pool). */
  pool: string;
  /** The external resource pool's name (USING ..., EXTERNAL pool): where the group's scripts run. */
  externalPool: string;
}

export interface ClassifierName {
  schema: string;
  name: string;
}

export interface GovernorConfiguration {
  classifier: ClassifierName | null;
  enabled: boolean;
}

export interface GovernorDefinition {
  pools: EnginePoolDefinition[];
  groups: WorkloadGroupDefinition[];
  /** As ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = ...) and DISABLE left it. */
  configuration: GovernorConfiguration;
  /** What the last RECONFIGURE put into effect; null before the first one (governor disabled). */
  effective: { configuration: GovernorConfiguration; groups: WorkloadGroupDefinition[]; pools: EnginePoolDefinition[] } | null;
}

export const FIRST_USER_ID = 256;

function builtinPool(id: number, name: string): EnginePoolDefinition {
  return { id, name, minCpuPercent: 0, maxCpuPercent: 100, capCpuPercent: 100, minMemoryPercent: 0, maxMemoryPercent: 100 };
}

/** A workload group with SQL Server's defaults (CREATE WORKLOAD GROUP without options). */
export function defaultWorkloadGroup(id: number, name: string, pool: string): WorkloadGroupDefinition {
  return {
    id,
    name,
    importance: 'MEDIUM',
    requestMaxMemoryGrantPercent: 25,
    requestMaxCpuTimeSec: 0,
    requestMemoryGrantTimeoutSec: 0,
    maxDop: 0,
    groupMaxRequests: 0,
    pool,
    externalPool: 'default',
  };
}

export function initialGovernor(): GovernorDefinition {
  return {
    pools: [builtinPool(1, 'internal'), builtinPool(2, 'default')],
    groups: [defaultWorkloadGroup(1, 'internal', 'internal'), defaultWorkloadGroup(2, 'default', 'default')],
    configuration: { classifier: null, enabled: false },
    effective: null,
  };
}

/** The document's governor (documents written before it existed have the built-in one). */
export function governorOf(document: InstanceDocument): GovernorDefinition {
  return document.governor ?? initialGovernor();
}

export const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The next id for a user object: 256 and up, never one in use. */
export function nextUserId(ids: readonly number[]): number {
  return Math.max(FIRST_USER_ID - 1, ...ids) + 1;
}

/** An external pool's id: the built-in 'default' is 2; pools from before ids were kept take 256 on by position. */
export function externalPoolId(pools: readonly ResourcePoolDefinition[], pool: ResourcePoolDefinition): number {
  if (pool.id !== undefined) return pool.id;
  if (sameName(pool.name, 'default')) return 2;
  return FIRST_USER_ID + pools.filter((p) => !sameName(p.name, 'default')).indexOf(pool);
}

/**
 * The workload group in effect by name, for a session the classifier put into it: the name it
 * returned when that group exists, else 'default' (NULL, 'default', a missing group or a failing
 * classifier all mean the default group, as SQL Server documents).
 */
export function effectiveGroup(document: InstanceDocument, name: string | null): WorkloadGroupDefinition {
  const governor = governorOf(document);
  const groups = governor.effective?.groups ?? governor.groups;
  const found = name === null ? undefined : groups.find((g) => sameName(g.name, name) && !sameName(g.name, 'internal'));
  return found ?? groups.find((g) => sameName(g.name, 'default')) ?? defaultWorkloadGroup(2, 'default', 'default');
}
