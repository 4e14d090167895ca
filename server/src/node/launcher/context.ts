// What a running launcher knows about itself and its pools, shared by sessions and the probe.
import type { ConcreteLimits, LimitEnforcement } from '../../core/launcher/limits';
import type { PoolSettings } from '../../core/launcher/pools';
import type { ScriptLanguage } from '../../core/launcher/request';
import type { IsolationMode } from '../../core/launcher/sessions';
import type { WorkerAccount } from './accounts';
import type { CgroupDriver } from './cgroups/driver';
import type { HostLayout } from './sandbox';
import type { LauncherSettings } from './settings';

export interface PoolRuntime {
  settings: PoolSettings;
  /** Every session's storage has a size: a tmpfs of size 0 would be unbounded. */
  limits: ConcreteLimits & { storageBytes: number };
  /** How each limit is enforced, for the status and the Pools view. */
  enforcement: LimitEnforcement[];
  /** Undefined where no cgroup could be written; rlimitPrefix stands in. */
  cgroups: CgroupDriver | undefined;
  rlimitPrefix: string[];
  /** accounts: each worker's uid and gid, by name. */
  accounts: Map<string, WorkerAccount>;
}

export interface LauncherContext {
  settings: LauncherSettings;
  mode: IsolationMode;
  /** The launcher's folder in each cgroup hierarchy. */
  cgroupName: string;
  /** The launcher's own uid and gid (the satellites' in namespaces and none modes). */
  uid: number;
  gid: number;
  host: HostLayout;
  pools: Map<string, PoolRuntime>;
  runners: Record<ScriptLanguage, string>;
  /** The session TDS relay (tds_relay.py) both runners start inside the sandbox. */
  relay: string;
}
