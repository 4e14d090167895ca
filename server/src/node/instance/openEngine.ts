// The engine a daemon serves for an instance folder: the executor on DuckDB and the durable
// catalog, with the launcher (configured when the instance was created) behind its scripts.
import { lockoutPolicyOf, resultRowLimitOf, type InstanceConfig } from './instanceConfig';
import type { InstanceLayout } from './layout';
import { ScriptHost } from './scriptHost';
import { createSqlEngine, type SqlEngine } from './sqlEngine';

export async function openInstanceEngine(layout: InstanceLayout, config: InstanceConfig, log: (line: string) => void): Promise<{ engine: SqlEngine; scripts: ScriptHost }> {
  const lockout = lockoutPolicyOf(config, layout.configFile);
  const scripts = new ScriptHost({ config: config.launcher, root: layout.root, log, serverName: layout.name });
  const maxRows = resultRowLimitOf(config, layout.configFile);
  const engine = await createSqlEngine({ folder: layout.root, owner: config.owner.name, scripts, serverName: layout.name, lockout, ...(maxRows ? { maxRows } : {}) });
  return { engine, scripts };
}
