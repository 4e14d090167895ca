// The instance's durable state besides the data: the security catalog, the sp_configure values,
// the external resource pools and the stored procedures. Plain JSON data, replaced (never
// mutated) by each committed change and written by the CatalogStore before the statement that
// made the change reports success. Tables live in the storage with their data.
import { DEFAULT_LIMITS } from '../../launcher/pools';
import { initialCatalog, type SecurityCatalog } from '../../security';
import type { ExternalLibraryDefinition } from './externalLibraries';
import type { GovernorDefinition } from './resourceGovernor';

export interface ConfigurationValue {
  /** sp_configure's config_value: what the next RECONFIGURE puts into effect. */
  value: number;
  /** run_value / value_in_use. */
  valueInUse: number;
}

export interface ResourcePoolDefinition {
  /** external_pool_id: 2 for 'default', 256 and up for user pools (absent in older documents). */
  id?: number;
  name: string;
  maxCpuPercent: number;
  maxMemoryPercent: number;
  maxProcesses: number;
}

export interface ProcedureDefinition {
  database: string;
  schema: string;
  name: string;
  /** The batch that created it (CREATE PROCEDURE is alone in its batch); re-parsed to run. */
  text: string;
  createdAt: number;
  modifiedAt: number;
}

/** A view or a user function, kept like a procedure: the batch that created it, parsed where it is used. */
export interface ModuleDefinition {
  database: string;
  schema: string;
  name: string;
  /** sys.objects.type: 'V' view, 'FN' scalar function, 'IF' inline table-valued function. */
  type: 'V' | 'FN' | 'IF';
  text: string;
  createdAt: number;
  modifiedAt: number;
}

export interface InstanceDocument {
  formatVersion: 1;
  security: SecurityCatalog;
  /** By option name, lower case. */
  configuration: Record<string, ConfigurationValue>;
  pools: ResourcePoolDefinition[];
  procedures: ProcedureDefinition[];
  /** Resource Governor: engine pools, workload groups, classifier (absent in older documents: the built-in ones). */
  governor?: GovernorDefinition;
  /** Views and user functions (absent in documents written before they existed). */
  modules?: ModuleDefinition[];
  /** CREATE EXTERNAL LIBRARY packages of every database (absent in documents written before they existed). */
  externalLibraries?: ExternalLibraryDefinition[];
  /**
   * How many changes were committed before this one (absent in documents written before it
   * existed: 0). A transaction's document is also written inside its storage transaction with
   * this number, so that opening the instance can tell whether that commit happened (instance.ts).
   */
  commitId?: number;
}

/** The built-in external pool with SQL Server's defaults (100% CPU, 20% memory, no process cap). */
export function defaultPoolDefinition(): ResourcePoolDefinition {
  return { name: 'default', ...DEFAULT_LIMITS };
}

export function initialDocument(owner: string): InstanceDocument {
  return { formatVersion: 1, security: initialCatalog(owner), configuration: {}, pools: [defaultPoolDefinition()], procedures: [] };
}
