// SELECT (result sets, SELECT @v = ..., SELECT ... INTO), INSERT (VALUES, SELECT, EXEC), UPDATE,
// DELETE, MERGE and TRUNCATE TABLE: translated, permission-checked, then run on the storage.
import type { InsertStatement, MergeStatement, SelectStatement, Statement } from '../../ast';
import {
  createTableFromColumns,
  formatSqlType,
  translateDeleteStatement,
  translateInsertStaged,
  translateInsertStatement,
  translateMergeStatement,
  translateOutputInto,
  translateSelect,
  translateUpdateStatement,
  duckdbRelation,
  type InsertPlan,
  type OutputPlan,
} from '../../translate';
import { NEXT, type Flow, type StatementContext } from '../context';
import { fail, type WriteTarget } from '../errors';
import type { SqlValue } from '../ports';
import { checkReads, checkTable, writeTarget, writtenTable } from '../permissions';
import { rowCountOf } from '../results';
import { sqlTypeFromText } from '../sqlTypes';
import { noteIdentity } from '../identity';
import { executeCaptured } from './execute';
import { createTableAt } from './tables';
import { runTruncate } from './truncate';

export const DML_KINDS: ReadonlySet<string> = new Set(['select', 'insert', 'update', 'delete', 'merge', 'truncate']);

export async function runDml(s: Statement, ctx: StatementContext): Promise<Flow> {
  switch (s.kind) {
    case 'select':
      await runSelect(s, ctx);
      break;
    case 'insert':
      await runInsert(s, ctx);
      break;
    case 'update': {
      const used = ctx.ports();
      const plan = ctx.translated(translateUpdateStatement(s, used.ports));
      const table = plan.base ?? writtenTable(ctx, s.target, s.from);
      checkTable(ctx, 'UPDATE', table, s.target);
      if (s.where) checkTable(ctx, 'SELECT', table, s.target);
      checkReads(ctx, s);
      await ctx.fillViews(used, s);
      ctx.rowsAffected(await change(ctx, s, plan, ctx.session.parameterValues(plan.parameters, ctx.frame), writeTarget(table, 'UPDATE')), s);
      break;
    }
    case 'delete': {
      const used = ctx.ports();
      const plan = ctx.translated(translateDeleteStatement(s, used.ports));
      const table = plan.base ?? writtenTable(ctx, s.target, s.from);
      checkTable(ctx, 'DELETE', table, s.target);
      if (s.where) checkTable(ctx, 'SELECT', table, s.target);
      checkReads(ctx, s);
      await ctx.fillViews(used, s);
      ctx.rowsAffected(await change(ctx, s, plan, ctx.session.parameterValues(plan.parameters, ctx.frame), writeTarget(table, 'DELETE')), s);
      break;
    }
    case 'merge':
      await runMerge(s, ctx);
      break;
    case 'truncate':
      await runTruncate(s, ctx);
      break;
  }
  return NEXT;
}

/**
 * MERGE needs each action's permission on the target (INSERT, UPDATE, DELETE), SELECT on it (the
 * ON condition reads its rows) and on what the source reads. A target row that matches several
 * source rows stops it before anything changes, as in SQL Server.
 */
async function runMerge(s: MergeStatement, ctx: StatementContext): Promise<void> {
  const used = ctx.ports();
  const plan = ctx.translated(translateMergeStatement(s, used.ports));
  const table = writtenTable(ctx, s.target, []);
  const verbs = [...new Set(s.clauses.map((c) => c.action.kind.toUpperCase() as 'INSERT' | 'UPDATE' | 'DELETE'))];
  for (const verb of verbs) checkTable(ctx, verb, table, s.target);
  checkTable(ctx, 'SELECT', table, s.target);
  checkReads(ctx, [s.source, s.on, s.clauses]);
  await ctx.fillViews(used, s);
  const values = ctx.session.parameterValues(plan.parameters, ctx.frame);
  if (plan.duplicateMatches && (await ctx.session.query(plan.duplicateMatches, values, s)).rows.length > 0) {
    const text =
      'The MERGE statement attempted to UPDATE or DELETE the same row more than once. This happens when a target row matches more than one source row. A MERGE statement cannot UPDATE/DELETE the same row of the target table multiple times. Refine the ON clause to ensure a target row matches at most one source row, or use the GROUP BY clause to group the source rows.';
    fail(8672, 16, 1, text, s);
  }
  const changed = await ctx.session.execute(plan.sql, values, s, writeTarget(table, verbs.includes('INSERT') ? 'INSERT' : verbs[0]!));
  if (verbs.includes('INSERT')) await noteIdentity(ctx, table, changed);
  ctx.rowsAffected(changed, s);
}

async function runSelect(s: SelectStatement, ctx: StatementContext): Promise<void> {
  const used = ctx.ports();
  const plan = ctx.translated(translateSelect(s, used.ports));
  checkReads(ctx, s);
  await ctx.fillViews(used, s);
  const values = ctx.session.parameterValues(plan.parameters, ctx.frame);
  switch (plan.kind) {
    case 'rows': {
      const columns = plan.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) }));
      await ctx.queryResultSet(columns, plan.sql, values, s);
      return;
    }
    case 'assign': {
      const result = await ctx.session.query(plan.sql, values, s);
      const last = result.rows[result.rows.length - 1];
      if (last) plan.assignments.forEach((a, k) => (ctx.frame.variable(a.variable)!.value = last[k] ?? null));
      // No rows reach the client, so no "(n rows affected)"; @@ROWCOUNT still counts them.
      ctx.session.rowCount = result.rows.length;
      return;
    }
    case 'into': {
      const table = await createTableAt(ctx, plan.target, (location) => ({ statements: createTableFromColumns(location, plan.columns), columns: plan.columns }), s);
      const count = await ctx.session.execute(`INSERT INTO ${duckdbRelation(table.location)} ${plan.sql}`, values, s, writeTarget(table, 'INSERT'));
      ctx.rowsAffected(count, s);
    }
  }
}

async function runInsert(s: InsertStatement, ctx: StatementContext): Promise<void> {
  const used = ctx.ports();
  const plan = ctx.translated(translateInsertStatement(s, used.ports));
  const table = writtenTable(ctx, s.target, []);
  checkTable(ctx, 'INSERT', table, s.target);
  if (s.source.kind !== 'execute') checkReads(ctx, s.source);
  await ctx.fillViews(used, s);
  const target = writeTarget(table, 'INSERT');
  const inserted = plan.kind === 'sql' ? await change(ctx, s, plan, ctx.session.parameterValues(plan.parameters, ctx.frame), target) : await insertExecuted(ctx, s, plan, target);
  await noteIdentity(ctx, table, inserted);
  ctx.rowsAffected(inserted, s);
}

/**
 * Runs an INSERT, UPDATE or DELETE and returns how many rows it changed. With OUTPUT, the rows
 * it returned go to the client as a result set, or into OUTPUT ... INTO's table in the same
 * storage transaction (checked for INSERT before anything changes), so the two happen together.
 */
async function change(ctx: StatementContext, s: Statement, plan: { sql: string; output: OutputPlan | null }, values: SqlValue[], target: WriteTarget | undefined): Promise<number> {
  const output = plan.output;
  if (!output) return ctx.session.execute(plan.sql, values, s, target);
  const columns = output.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) }));
  const into = output.into;
  if (!into) {
    const returned = await ctx.session.executeReturning(plan.sql, values, s, target);
    ctx.resultSet(columns, returned.rows, s, false);
    return returned.rows.length;
  }
  const types = output.columns.map((c) => c.type);
  const staging = ctx.session.stagingTable();
  const insert = ctx.translated(translateOutputInto(into, types, staging.relation, ctx.ports().ports));
  const intoTable = writtenTable(ctx, into.target, []);
  checkTable(ctx, 'INSERT', intoTable, into.target);
  const intoTarget = writeTarget(intoTable, 'INSERT');
  return ctx.session.allOrNothing(async () => {
    const rows = (await ctx.session.executeReturning(plan.sql, values, s, target)).rows;
    if (rows.length > 0) await ctx.session.withStagedRows(staging, rows, types.length, into, () => ctx.session.execute(insert, [], into, intoTarget), intoTarget);
    return rows.length;
  }, s);
}

/** INSERT ... EXEC: every result set the procedure sends goes into the table, each checked against its columns. */
async function insertExecuted(ctx: StatementContext, s: InsertStatement, plan: Extract<InsertPlan, { kind: 'execute' }>, target: ReturnType<typeof writeTarget>): Promise<number> {
  const execute = plan.execute;
  if (execute.kind === 'execute' && execute.resultSets) {
    // The grammar of INSERT ... EXEC has no place for WITH RESULT SETS.
    return fail(156, 15, 1, "Incorrect syntax near the keyword 'WITH'.", execute.resultSets, 'batch');
  }
  const resultSets = await executeCaptured(execute, ctx);
  let count = 0;
  for (const resultSet of resultSets) {
    const types = resultSet.columns.map((c) => sqlTypeFromText(c.type) ?? { name: 'nvarchar', length: 'max' as const });
    const staging = ctx.session.stagingTable();
    // Translated before anything is staged: a column-count mismatch fails even without rows.
    const sql = ctx.translated(translateInsertStaged(plan, types, staging.relation, s));
    if (rowCountOf(resultSet) === 0) continue;
    count += await ctx.session.withStagedRows(staging, resultSet, types.length, s, () => ctx.session.execute(sql, [], s, target), target);
  }
  return count;
}
