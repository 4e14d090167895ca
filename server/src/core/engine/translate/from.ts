// FROM clauses: tables and views (through SchemaLookup), #temp tables, table variables, CTEs,
// derived tables, table-valued functions, joins and APPLY (DuckDB LATERAL). Every source is
// given its exposed name as DuckDB alias, so `t.c` translates to "t"."c".
import type { Expression, ObjectName, TableSample, TableSource } from '../ast';
import { convert } from './conversions';
import type { ColumnInfo } from './ports';
import { BIGINT, isString, nvarchar } from './types';
import type { Context } from './context';
import { stop, unsupported } from './errors';
import { ExpressionTranslator } from './expressions';
import { duckdbRelation, quoteIdentifier } from './names';
import type { TableName } from './ports';
import { namedColumns, translateQuery } from './query';
import { openJsonSource } from './forJson';
import { pivotQuery } from './pivot';
import { noteRecursiveReference, SelfReference } from './recursiveCte';
import { Scope, type Source } from './scope';
import { inlineFunctionSource, viewSource } from './userFunctions';

export interface TranslatedFrom {
  sql: string;
  sources: Source[];
}

export function translateFrom(items: TableSource[], ctx: Context, outer: Scope | null): TranslatedFrom {
  const parts = items.map((item) => translateSource(item, ctx, outer));
  const sources = parts.flatMap((p) => p.sources);
  const seen = new Map<string, Source>();
  for (const source of sources) {
    const key = source.exposed.toLowerCase();
    const other = seen.get(key);
    if (other) {
      stop(1013, 16, 1, `The objects "${other.exposed}" and "${source.exposed}" in the FROM clause have the same exposed names. Use correlation names to distinguish them.`, source.at);
    }
    seen.set(key, source);
  }
  return { sql: parts.map((p) => p.sql).join(', '), sources };
}

/** The name a table is written with, as SQL Server shows it in "Invalid object name". */
export function writtenName(name: ObjectName): string {
  const parts = [name.server, name.database, name.schema, name.name];
  return parts
    .slice(parts.findIndex((p) => p !== null))
    .map((p) => p?.name ?? '')
    .join('.');
}

function tableSampleRefused(sample: TableSample): never {
  return stop(494, 16, 1, 'The TABLESAMPLE clause can only be used with local tables.', sample);
}

/**
 * TABLESAMPLE as DuckDB samples: row by row (bernoulli) for a percentage, a reservoir for a row
 * count. SQL Server samples whole pages, which on the small tables people try it on returns all
 * rows or none; row sampling gives the share that was asked for, and REPEATABLE the same rows
 * for the same seed.
 */
function tableSample(sample: TableSample, table: string): string {
  const constant = (e: Expression, what: string): number => {
    if (e.kind !== 'number') return unsupported(`A ${what} that is not a number literal in TABLESAMPLE`, e);
    return Number(e.text);
  };
  const amount = constant(sample.amount, 'sample size');
  if (sample.unit === 'PERCENT' && !(amount >= 0 && amount <= 100)) {
    stop(476, 16, 1, `Invalid PERCENT tablesample size "${amount}" for table "${table}". The PERCENT tablesample size must be between 0 and 100.`, sample.amount);
  }
  const method = sample.unit === 'PERCENT' ? `bernoulli(${amount} PERCENT)` : `reservoir(${Math.floor(amount)} ROWS)`;
  return `TABLESAMPLE ${method}${sample.seed ? ` REPEATABLE (${Math.trunc(constant(sample.seed, 'seed'))})` : ''}`;
}

export function tableName(name: ObjectName): TableName {
  if (name.server) unsupported('Linked servers (four-part names)', name);
  if (name.name.name.startsWith('##')) unsupported('Global temporary tables', name.name);
  return { database: name.database?.name ?? null, schema: name.schema?.name ?? null, name: name.name.name };
}

function translateSource(item: TableSource, ctx: Context, outer: Scope | null): TranslatedFrom {
  switch (item.kind) {
    case 'table': {
      const name = tableName(item.name);
      if (!name.database && !name.schema) {
        const cte = ctx.findCte(name.name);
        if (cte?.defining) throw new SelfReference(cte);
        if (cte) {
          if (item.sample) tableSampleRefused(item.sample);
          const exposed = item.alias?.name ?? cte.name;
          noteRecursiveReference(ctx, cte, quoteIdentifier(exposed), item.name);
          return { sql: `${quoteIdentifier(cte.name)} AS ${quoteIdentifier(exposed)}`, sources: [{ exposed, at: item, table: null, columns: cte.columns }] };
        }
      }
      const info = ctx.ports.schema.resolveTable(name);
      if (!info) {
        const view = ctx.ports.schema.view?.(name);
        if (view && item.sample) tableSampleRefused(item.sample);
        if (view) return viewSource(view, item, ctx);
        return stop(208, 16, 1, `Invalid object name '${writtenName(item.name)}'.`, item.name);
      }
      const loc = info.location;
      const exposed = item.alias?.name ?? name.name;
      const table = item.alias
        ? null
        : loc.kind === 'temp'
          ? { database: 'tempdb', schema: 'dbo', name: name.name }
          : { database: loc.database, schema: loc.schema, name: loc.name };
      const sample = item.sample ? ` ${tableSample(item.sample, exposed)}` : '';
      return { sql: `${duckdbRelation(loc)} AS ${quoteIdentifier(exposed)}${sample}`, sources: [{ exposed, at: item, table, columns: info.columns }] };
    }
    case 'tableVariable': {
      const info = ctx.ports.schema.tableVariable(item.variable.name);
      if (!info) return stop(1087, 15, 2, `Must declare the table variable "${item.variable.name}".`, item.variable);
      const exposed = item.alias?.name ?? item.variable.name;
      return { sql: `${duckdbRelation(info.location)} AS ${quoteIdentifier(exposed)}`, sources: [{ exposed, at: item, table: null, columns: info.columns }] };
    }
    case 'derived': {
      const result = ctx.within('other', () => translateQuery(item.query, ctx, outer, 'derived'), true);
      const columns = namedColumns(result, item.columns.length ? item.columns.map((c) => c.name) : null, item.alias.name, item);
      const list = columns.map((c) => quoteIdentifier(c.name)).join(', ');
      const source: Source = { exposed: item.alias.name, at: item, table: null, columns: columns.map((c) => ({ ...c, nullable: true, identity: false })) };
      return { sql: `(${result.sql}) AS ${quoteIdentifier(item.alias.name)}(${list})`, sources: [source] };
    }
    case 'function': {
      const name = tableName(item.name);
      const user = ctx.ports.schema.userFunction?.(name);
      if (user) return inlineFunctionSource(user, item, ctx, outer);
      if (!name.database && (!name.schema || name.schema.toLowerCase() === 'sys') && name.name.toLowerCase() === 'string_split') {
        return stringSplit(item, ctx, outer);
      }
      const fn = ctx.ports.schema.tableFunction(name);
      if (!fn) return stop(208, 16, 1, `Invalid object name '${writtenName(item.name)}'.`, item.name);
      const args = new ExpressionTranslator(ctx, outer ?? new Scope([], null));
      const values = ctx.within('other', () => item.args.map((a) => args.value(a).sql));
      const exposed = item.alias?.name ?? name.name;
      const sql = `${fn.duckdbName.map(quoteIdentifier).join('.')}(${values.join(', ')}) AS ${quoteIdentifier(exposed)}`;
      return { sql, sources: [{ exposed, at: item, table: null, columns: fn.columns }] };
    }
    case 'openJson':
      return openJsonSource(item, ctx, outer);
    case 'pivot':
    case 'unpivot':
      return translateSource(pivotQuery(item, ctx, outer, translateSource), ctx, outer);
    case 'join': {
      const left = translateSource(item.left, ctx, outer);
      const apply = item.type === 'CROSS APPLY' || item.type === 'OUTER APPLY';
      // APPLY's right side sees the left side's columns, like a correlated subquery.
      const right = translateSource(item.right, ctx, apply ? new Scope(left.sources, outer) : outer);
      const sources = [...left.sources, ...right.sources];
      const rightSql = item.right.kind === 'join' ? `(${right.sql})` : right.sql;
      const lateral = apply && (item.right.kind === 'derived' || item.right.kind === 'function' || item.right.kind === 'openJson') ? 'LATERAL ' : '';
      let sql: string;
      switch (item.type) {
        case 'CROSS':
        case 'CROSS APPLY':
          sql = `${left.sql} CROSS JOIN ${lateral}${rightSql}`;
          break;
        case 'OUTER APPLY':
          sql = `${left.sql} LEFT JOIN ${lateral}${rightSql} ON true`;
          break;
        default: {
          const scope = new Scope(sources, outer);
          const on = ctx.within('on', () => new ExpressionTranslator(ctx, scope).condition(item.on!));
          const join = item.type === 'FULL' ? 'FULL OUTER' : item.type;
          sql = `${left.sql} ${join} JOIN ${rightSql} ON ${on.sql}`;
        }
      }
      return { sql, sources };
    }
  }
}

/**
 * STRING_SPLIT(text, separator [, enable_ordinal]): a row per piece, in column `value` (the
 * text's type), with `ordinal` (bigint, from 1) when enable_ordinal is 1. NULL text gives no rows.
 */
function stringSplit(item: Extract<TableSource, { kind: 'function' }>, ctx: Context, outer: Scope | null): TranslatedFrom {
  if (item.args.length < 2 || item.args.length > 3) stop(313, 16, 3, 'An insufficient number of arguments were supplied for the procedure or function STRING_SPLIT.', item);
  const t = new ExpressionTranslator(ctx, outer ?? new Scope([], null));
  const [text, separator] = ctx.within('other', () => item.args.slice(0, 2).map((a) => t.value(a)));
  const separatorArg = item.args[1]!;
  if (separatorArg.kind === 'string' && separatorArg.value.length !== 1) {
    stop(214, 16, 11, "Procedure expects parameter 'separator' of type 'nchar(1)/nvarchar(1)'.", separatorArg);
  }
  const ordinalArg = item.args[2];
  if (ordinalArg && ordinalArg.kind !== 'number' && ordinalArg.kind !== 'null') unsupported('STRING_SPLIT with an enable_ordinal that is not a constant', ordinalArg);
  const withOrdinal = ordinalArg?.kind === 'number' && Number(ordinalArg.text) === 1;
  const source = isString(text!.type) ? text! : convert(text!, nvarchar(4000), 'implicit', item.args[0]!);
  const pieces = `string_split(${source.sql}, ${convert(separator!, nvarchar(1), 'implicit', separatorArg).sql})`;
  const exposed = item.alias?.name ?? 'STRING_SPLIT';
  const columns: ColumnInfo[] = [{ name: 'value', type: source.type, nullable: true, identity: false }];
  let select = `SELECT unnest(${pieces}) AS "value"`;
  if (withOrdinal) {
    columns.push({ name: 'ordinal', type: BIGINT, nullable: false, identity: false });
    select = `SELECT unnest("l") AS "value", CAST(unnest(generate_series(1, len("l"))) AS BIGINT) AS "ordinal" FROM (SELECT ${pieces} AS "l")`;
  }
  return { sql: `(${select}) AS ${quoteIdentifier(exposed)}`, sources: [{ exposed, at: item, table: null, columns }] };
}
