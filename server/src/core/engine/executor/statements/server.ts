// Instance configuration: RECONFIGURE (ALTER SETTINGS), external resource pools (CONTROL SERVER;
// a pool's definition takes effect at ALTER RESOURCE GOVERNOR RECONFIGURE, resourceGovernor.ts,
// which hands every pool to the launcher), and CREATE EXTERNAL LANGUAGE.
import type { OptionSetting, Statement } from '../../ast';
import { checkConfigurationChange, registerExternalLanguage } from '../../../security';
import { BUILTIN_EXTERNAL_LANGUAGES } from '../../../security/builtins';
import { reconfigure } from '../configuration';
import { NEXT, type Flow, type StatementContext } from '../context';
import { defaultPoolDefinition, type ResourcePoolDefinition } from '../document';
import { externalPoolId, governorOf, nextUserId } from '../resourceGovernor';
import { fail, notInUserTransaction, notSupportedHere, refuse } from '../errors';

export const SERVER_KINDS: ReadonlySet<string> = new Set(['reconfigure', 'externalResourcePool', 'createExternalLanguage', 'dropExternalLanguage']);

type ServerStatement = Extract<Statement, { kind: 'reconfigure' | 'externalResourcePool' | 'createExternalLanguage' | 'dropExternalLanguage' }>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function runServer(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as ServerStatement;
  const session = ctx.session;
  switch (st.kind) {
    case 'reconfigure': {
      if (session.transactionCount > 0) return notInUserTransaction('RECONFIGURE', st);
      await ctx.lockCatalog();
      const verdict = checkConfigurationChange(session.catalog, session.security);
      if (!verdict.ok) return refuse(verdict.error, st);
      await session.saveDocument(reconfigure(session.document));
      return NEXT;
    }
    case 'externalResourcePool': {
      // A pool's definition is transactional, as SQL Server's resource governor DDL is; it takes
      // effect only at ALTER RESOURCE GOVERNOR RECONFIGURE, which no transaction may contain.
      await ctx.lockCatalog();
      ctx.check('CONTROL SERVER', { class: 'SERVER' }, st, 'master');
      const pools = session.document.pools;
      const existing = pools.find((p) => same(p.name, st.name.name));
      if (st.action === 'create' && existing) return fail(50000, 16, 1, `There is already an external resource pool named '${st.name.name}'.`, st.name);
      if (st.action !== 'create' && !existing) return fail(50000, 16, 1, `The external resource pool '${st.name.name}' does not exist.`, st.name);
      if (st.action === 'drop') {
        if (same(st.name.name, 'default')) return fail(50000, 16, 1, "The built-in external resource pool 'default' cannot be dropped.", st.name);
        const group = governorOf(session.document).groups.find((g) => same(g.externalPool, st.name.name));
        if (group) return fail(50000, 16, 1, `The external resource pool '${st.name.name}' cannot be dropped: the workload group '${group.name}' uses it.`, st.name);
        await session.saveDocument({ ...session.document, pools: pools.filter((p) => p !== existing) });
        return NEXT;
      }
      const base = existing ?? { ...defaultPoolDefinition(), id: nextUserId(pools.map((p) => externalPoolId(pools, p))), maxMemoryPercent: 100, name: st.name.name };
      const pool = withOptions(base, st.options);
      const others = pools.filter((p) => p !== existing);
      await session.saveDocument({ ...session.document, pools: [...others, pool] });
      return NEXT;
    }
    case 'createExternalLanguage': {
      await ctx.lockCatalog();
      ctx.check('CONTROL', { class: 'DATABASE' }, st);
      if (BUILTIN_EXTERNAL_LANGUAGES.some((l) => same(l, st.name.name))) {
        return fail(50000, 16, 1, `'${st.name.name}' is a reserved name: R and Python are built-in external languages.`, st.name);
      }
      const registered = registerExternalLanguage(session.catalog, session.database, st.name.name, st.owner?.name);
      if (!registered.ok) return refuse(registered.error, st.name);
      await session.saveDocument({ ...session.document, security: registered.value });
      return NEXT;
    }
    case 'dropExternalLanguage':
      return notSupportedHere('DROP EXTERNAL LANGUAGE', st);
  }
}

const LIMITS: Readonly<Record<string, { key: keyof Omit<ResourcePoolDefinition, 'name'>; min: number; max: number }>> = {
  MAX_CPU_PERCENT: { key: 'maxCpuPercent', min: 1, max: 100 },
  MAX_MEMORY_PERCENT: { key: 'maxMemoryPercent', min: 1, max: 100 },
  MAX_PROCESSES: { key: 'maxProcesses', min: 0, max: 2147483647 },
};

function withOptions(pool: ResourcePoolDefinition, options: readonly OptionSetting[]): ResourcePoolDefinition {
  const result = { ...pool };
  for (const option of options) {
    const limit = LIMITS[option.name];
    if (!limit) return notSupportedHere(`The external resource pool option ${option.name}`, option);
    const value = option.value.kind === 'number' ? option.value.value : NaN;
    if (!Number.isInteger(value) || value < limit.min || value > limit.max) {
      return fail(50000, 16, 1, `${option.name} must be a whole number from ${limit.min} to ${limit.max}.`, option.value);
    }
    result[limit.key] = value;
  }
  return result;
}
