// Resource Governor's statements: CREATE / ALTER / DROP RESOURCE POOL and WORKLOAD GROUP (USING
// pool, EXTERNAL external_pool), ALTER RESOURCE GOVERNOR WITH (CLASSIFIER_FUNCTION = ...),
// RECONFIGURE and DISABLE. All need CONTROL SERVER. Definitions are stored as they are made (in a
// transaction, staged like every catalog change); RECONFIGURE, which no transaction may contain,
// puts them into effect: the classifier then places each new session in a workload group, and the
// group's external pool is where its scripts run (the launcher gets every external pool's limits).
import type { AlterResourceGovernorStatement, OptionSetting, ResourcePoolStatement, Statement, WorkloadGroupStatement } from '../../ast';
import { NEXT, type Flow, type StatementContext } from '../context';
import type { InstanceDocument } from '../document';
import { fail, notInUserTransaction, notSupportedHere } from '../errors';
import { defaultWorkloadGroup, governorOf, nextUserId, sameName, type EnginePoolDefinition, type GovernorDefinition, type WorkloadGroupDefinition } from '../resourceGovernor';

export const GOVERNOR_KINDS: ReadonlySet<string> = new Set(['resourcePool', 'workloadGroup', 'alterResourceGovernor']);

const BUILTIN = ['internal', 'default'];

export async function runGovernor(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as ResourcePoolStatement | WorkloadGroupStatement | AlterResourceGovernorStatement;
  if (st.kind === 'alterResourceGovernor') return alterGovernor(st, ctx);
  await ctx.lockCatalog();
  ctx.check('CONTROL SERVER', { class: 'SERVER' }, st, 'master');
  const document = ctx.session.document;
  const governor = governorOf(document);
  const next = st.kind === 'resourcePool' ? poolChange(st, governor) : groupChange(st, governor, document);
  await ctx.session.saveDocument({ ...document, governor: next });
  return NEXT;
}

function poolChange(st: ResourcePoolStatement, governor: GovernorDefinition): GovernorDefinition {
  const name = st.name.name;
  const existing = governor.pools.find((p) => sameName(p.name, name));
  if (st.action === 'create' && existing) fail(50000, 16, 1, `There is already a resource pool named '${name}'.`, st.name);
  if (st.action !== 'create' && !existing) fail(50000, 16, 1, `The resource pool '${name}' does not exist.`, st.name);
  if (st.action === 'drop') {
    if (BUILTIN.some((b) => sameName(b, name))) fail(50000, 16, 1, `The built-in resource pool '${name}' cannot be dropped.`, st.name);
    const user = governor.groups.find((g) => sameName(g.pool, name));
    if (user) fail(50000, 16, 1, `The resource pool '${name}' cannot be dropped: the workload group '${user.name}' uses it.`, st.name);
    return { ...governor, pools: governor.pools.filter((p) => p !== existing) };
  }
  if (st.action === 'alter' && sameName(name, 'internal')) fail(50000, 16, 1, "The built-in resource pool 'internal' cannot be altered.", st.name);
  const base: EnginePoolDefinition = existing ?? {
    id: nextUserId(governor.pools.map((p) => p.id)),
    name,
    minCpuPercent: 0,
    maxCpuPercent: 100,
    capCpuPercent: 100,
    minMemoryPercent: 0,
    maxMemoryPercent: 100,
  };
  const pool = withSettings(base, st.options, POOL_SETTINGS);
  if (pool.minCpuPercent > pool.maxCpuPercent || pool.minMemoryPercent > pool.maxMemoryPercent) {
    fail(50000, 16, 1, `The resource pool '${name}' has a minimum above its maximum.`, st);
  }
  return { ...governor, pools: [...governor.pools.filter((p) => p !== existing), pool] };
}

function groupChange(st: WorkloadGroupStatement, governor: GovernorDefinition, document: InstanceDocument): GovernorDefinition {
  const name = st.name.name;
  const existing = governor.groups.find((g) => sameName(g.name, name));
  if (st.action === 'create' && existing) fail(50000, 16, 1, `There is already a workload group named '${name}'.`, st.name);
  if (st.action !== 'create' && !existing) fail(50000, 16, 1, `The workload group '${name}' does not exist.`, st.name);
  if (st.action === 'drop') {
    if (BUILTIN.some((b) => sameName(b, name))) fail(50000, 16, 1, `The built-in workload group '${name}' cannot be dropped.`, st.name);
    return { ...governor, groups: governor.groups.filter((g) => g !== existing) };
  }
  if (sameName(name, 'internal')) fail(50000, 16, 1, "The built-in workload group 'internal' cannot be altered.", st.name);
  if (existing && sameName(name, 'default') && (st.pool || st.externalPool)) {
    fail(50000, 16, 1, "The workload group 'default' always uses the pools named 'default'.", st.pool ?? st.externalPool!);
  }
  if (st.pool && !governor.pools.some((p) => sameName(p.name, st.pool!.name))) fail(50000, 16, 1, `The resource pool '${st.pool.name}' does not exist.`, st.pool);
  if (st.pool && sameName(st.pool.name, 'internal')) fail(50000, 16, 1, "A workload group cannot use the resource pool 'internal'.", st.pool);
  const external = st.externalPool ? document.pools.find((p) => sameName(p.name, st.externalPool!.name)) : undefined;
  if (st.externalPool && !external) fail(50000, 16, 1, `The external resource pool '${st.externalPool.name}' does not exist.`, st.externalPool);
  const base: WorkloadGroupDefinition = existing ?? defaultWorkloadGroup(nextUserId(governor.groups.map((g) => g.id)), name, 'default');
  const group = withSettings(base, st.options, GROUP_SETTINGS);
  if (st.pool) group.pool = governor.pools.find((p) => sameName(p.name, st.pool!.name))!.name;
  if (external) group.externalPool = external.name;
  return { ...governor, groups: [...governor.groups.filter((g) => g !== existing), group] };
}

async function alterGovernor(st: AlterResourceGovernorStatement, ctx: StatementContext): Promise<Flow> {
  const session = ctx.session;
  if (session.transactionCount > 0) return notInUserTransaction('ALTER RESOURCE GOVERNOR', st);
  ctx.check('CONTROL SERVER', { class: 'SERVER' }, st, 'master');
  if (st.action === 'resetStatistics') return NEXT;
  await ctx.lockCatalog();
  const document = session.document;
  const governor = governorOf(document);
  switch (st.action) {
    case 'classifier': {
      let classifier = null;
      if (st.classifier) {
        const schema = st.classifier.schema?.name ?? 'dbo';
        const name = st.classifier.name.name;
        if (st.classifier.database && !sameName(st.classifier.database.name, 'master')) {
          fail(50000, 16, 1, 'The classifier function must be in master.', st.classifier);
        }
        // The function mechanism keeps user functions in the document (CREATE FUNCTION).
        const fn = (document.modules ?? []).find((m) => sameName(m.database, 'master') && sameName(m.schema, schema) && sameName(m.name, name));
        if (!fn || fn.type !== 'FN') fail(50000, 16, 1, `The classifier function '${schema}.${name}' is not a scalar user function in master.`, st.classifier);
        classifier = { schema: fn.schema, name: fn.name };
      }
      await session.saveDocument({ ...document, governor: { ...governor, configuration: { ...governor.configuration, classifier } } });
      return NEXT;
    }
    case 'disable': {
      // Takes effect at once: new sessions go to the default group, scripts to the default pool.
      const configuration = { ...governor.configuration, enabled: false };
      const effective = governor.effective && { ...governor.effective, configuration: { ...governor.effective.configuration, enabled: false } };
      await session.saveDocument({ ...document, governor: { ...governor, configuration, effective } });
      return NEXT;
    }
    case 'reconfigure': {
      const applied = await session.instance.ports.scripts.applyPools(document.pools);
      if (!applied.ok) return fail(50000, 16, 1, `The external resource pools could not be put into effect: ${applied.message}`, st);
      const configuration = { ...governor.configuration, enabled: true };
      await session.saveDocument({ ...document, governor: { ...governor, configuration, effective: { configuration, groups: governor.groups, pools: governor.pools } } });
      return NEXT;
    }
  }
}

type Setting<T> = { key: keyof T; min: number; max: number } | { key: keyof T; words: readonly string[] };

const POOL_SETTINGS: Readonly<Record<string, Setting<EnginePoolDefinition>>> = {
  MIN_CPU_PERCENT: { key: 'minCpuPercent', min: 0, max: 100 },
  MAX_CPU_PERCENT: { key: 'maxCpuPercent', min: 1, max: 100 },
  CAP_CPU_PERCENT: { key: 'capCpuPercent', min: 1, max: 100 },
  MIN_MEMORY_PERCENT: { key: 'minMemoryPercent', min: 0, max: 100 },
  MAX_MEMORY_PERCENT: { key: 'maxMemoryPercent', min: 1, max: 100 },
};

const GROUP_SETTINGS: Readonly<Record<string, Setting<WorkloadGroupDefinition>>> = {
  IMPORTANCE: { key: 'importance', words: ['LOW', 'MEDIUM', 'HIGH'] },
  REQUEST_MAX_MEMORY_GRANT_PERCENT: { key: 'requestMaxMemoryGrantPercent', min: 1, max: 100 },
  REQUEST_MAX_CPU_TIME_SEC: { key: 'requestMaxCpuTimeSec', min: 0, max: 2147483647 },
  REQUEST_MEMORY_GRANT_TIMEOUT_SEC: { key: 'requestMemoryGrantTimeoutSec', min: 0, max: 2147483647 },
  MAX_DOP: { key: 'maxDop', min: 0, max: 64 },
  GROUP_MAX_REQUESTS: { key: 'groupMaxRequests', min: 0, max: 2147483647 },
};

function withSettings<T extends object>(base: T, options: readonly OptionSetting[], settings: Readonly<Record<string, Setting<T>>>): T {
  const result = { ...base } as Record<keyof T, unknown>;
  for (const option of options) {
    const setting = settings[option.name];
    if (!setting) return notSupportedHere(`The option ${option.name}`, option);
    if ('words' in setting) {
      const word = option.value.kind === 'word' ? option.value.value.toUpperCase() : '';
      if (!setting.words.includes(word)) fail(50000, 16, 1, `${option.name} must be one of ${setting.words.join(', ')}.`, option.value);
      result[setting.key] = word;
      continue;
    }
    const value = option.value.kind === 'number' ? option.value.value : NaN;
    if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
      fail(50000, 16, 1, `${option.name} must be a whole number from ${setting.min} to ${setting.max}.`, option.value);
    }
    result[setting.key] = value;
  }
  return result as T;
}
