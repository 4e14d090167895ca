// DECLARE CURSOR, OPEN, FETCH, CLOSE and DEALLOCATE (the cursor itself: ../cursor.ts). A cursor is
// GLOBAL unless declared LOCAL (SQL Server's default for a database): a global one belongs to the
// connection, a local one to its batch or procedure, and a name finds the local one first.
import type { CursorName, CursorStatement, DeclareCursorStatement, Statement } from '../../ast';
import { formatSqlType, translateSelect } from '../../translate';
import { NEXT, type Flow, type StatementContext } from '../context';
import { Cursor, FETCH_BEYOND, FETCH_OK } from '../cursor';
import { ExecStop, fail } from '../errors';
import { checkReads } from '../permissions';
import type { SqlValue } from '../ports';
import { castValue } from '../values';

export const CURSOR_KINDS: ReadonlySet<string> = new Set(['declareCursor', 'openCursor', 'fetchCursor', 'closeCursor', 'deallocateCursor']);

export async function runCursor(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as DeclareCursorStatement | CursorStatement;
  switch (st.kind) {
    case 'declareCursor':
      declareCursor(st, ctx);
      break;
    case 'openCursor':
      await openCursor(found(ctx, st.cursor), st, ctx);
      break;
    case 'fetchCursor':
      await fetchCursor(st, ctx);
      break;
    case 'closeCursor':
      openOnly(found(ctx, st.cursor), st).close();
      ctx.session.rowCount = 0;
      break;
    case 'deallocateCursor': {
      const cursor = found(ctx, st.cursor);
      cursor.close();
      (ctx.frame.cursors.get(key(st.cursor.name)) === cursor ? ctx.frame.cursors : ctx.session.cursors).delete(key(st.cursor.name));
      ctx.session.rowCount = 0;
      break;
    }
  }
  return NEXT;
}

const key = (name: string) => name.toLowerCase();

/** The query is translated here, with the variables' values of this moment; its rows are read at OPEN. */
function declareCursor(st: DeclareCursorStatement, ctx: StatementContext): void {
  const cursors = st.scope === 'local' ? ctx.frame.cursors : ctx.session.cursors;
  if (cursors.has(key(st.name.name))) fail(16915, 16, 1, `A cursor with the name '${st.name.name}' already exists.`, st.name);
  const used = ctx.ports();
  const plan = ctx.translated(translateSelect(st.query, used.ports));
  if (plan.kind !== 'rows') {
    const what = plan.kind === 'into' ? 'INTO clause' : 'variable assignment';
    fail(154, 15, 1, `${what} is not allowed in a cursor declaration.`, st.query, 'batch');
  }
  cursors.set(key(st.name.name), new Cursor(st, plan, used, ctx.session.parameterValues(plan.parameters, ctx.frame)));
  // DECLARE CURSOR sets @@ROWCOUNT to 1, as FETCH does.
  ctx.session.rowCount = 1;
}

async function openCursor(cursor: Cursor, at: CursorStatement, ctx: StatementContext): Promise<void> {
  if (cursor.isOpen) fail(16905, 16, 1, 'The cursor is already open.', at);
  try {
    checkReads(ctx, cursor.declaration.query);
  } catch (e) {
    // The query's offsets are in the declaring batch's text, which may be an earlier batch: the error is OPEN's.
    throw e instanceof ExecStop ? new ExecStop({ ...e.error, start: at.start, end: at.end }, e.scope) : e;
  }
  await ctx.fillViews(cursor.ports, at);
  const result = await ctx.session.query(cursor.plan.sql, cursor.values, at);
  cursor.open(result.rows);
  ctx.session.lastOpenedCursor = cursor;
}

async function fetchCursor(st: Extract<CursorStatement, { kind: 'fetchCursor' }>, ctx: StatementContext): Promise<void> {
  const cursor = openOnly(found(ctx, st.cursor), st);
  if (st.orientation !== 'next' && !cursor.declaration.scrollable) {
    fail(16911, 16, 1, `fetch: The fetch type ${st.orientation.toUpperCase()} cannot be used with forward only cursors.`, st);
  }
  const columns = cursor.plan.columns;
  if (st.into && st.into.length !== columns.length) {
    fail(16924, 16, 1, 'Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.', st);
  }
  const variables = (st.into ?? []).map((v) => ctx.frame.variable(v.name) ?? fail(137, 15, 2, `Must declare the scalar variable "${v.name}".`, v, 'batch'));
  const offset = st.offset ? (await ctx.evaluate(st.offset, { name: 'int' })).value : 0;
  const row = offset === null ? null : cursor.fetch(st.orientation, Number(offset));
  ctx.session.fetchStatus = row ? FETCH_OK : FETCH_BEYOND;
  if (!st.into) {
    ctx.resultSet(columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) })), row ? [row] : [], st);
    return;
  }
  if (row) {
    // Each value converted to its variable's type as an assignment converts it; all are converted before any is set.
    const values: SqlValue[] = [];
    for (const [k, variable] of variables.entries()) values.push(await castValue(ctx, row[k] ?? null, columns[k]!.type, variable.type, st.into[k]!));
    variables.forEach((variable, k) => (variable.value = values[k]!));
  }
  ctx.session.rowCount = row ? 1 : 0;
}

/** The cursor a statement names: GLOBAL name the connection's, else the batch's or procedure's own first. */
function found(ctx: StatementContext, name: CursorName): Cursor {
  const cursor = (name.global ? undefined : ctx.frame.cursors.get(key(name.name))) ?? ctx.session.cursors.get(key(name.name));
  return cursor ?? fail(16916, 16, 1, `A cursor with the name '${name.name}' does not exist.`, name);
}

function openOnly(cursor: Cursor, at: CursorStatement): Cursor {
  return cursor.isOpen ? cursor : fail(16917, 16, 1, 'Cursor is not open.', at);
}
