// CREATE [OR ALTER] PROCEDURE and DROP PROCEDURE. A procedure is kept as the text of the batch
// that created it (SQL Server's sys.sql_modules.definition) and parsed again when it runs, so
// its messages carry its own line numbers. Creating needs CREATE PROCEDURE and ALTER on the
// schema; altering needs ALTER on it; dropping CONTROL on it or ALTER on its schema.
import type { ObjectName, Statement } from '../../ast';
import { checkCreate, registerObject, unregisterObject } from '../../../security';
import { resolveDataType } from '../../translate';
import { writtenName } from '../../translate/from';
import { NEXT, type Flow, type StatementContext } from '../context';
import type { ProcedureDefinition } from '../document';
import { fail, notSupportedHere, refuse } from '../errors';
import { defaultSchemaOf } from '../sessionFunctions';
import { creationTarget } from './tables';

export const PROCEDURE_KINDS: ReadonlySet<string> = new Set(['createProcedure', 'dropProcedure']);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The stored procedure a name denotes for the session: [db.][schema.]name, default schema then dbo. */
export function findProcedure(ctx: StatementContext, name: ObjectName): ProcedureDefinition | undefined {
  const database = name.database?.name ?? ctx.session.database;
  const schemas = name.schema ? [name.schema.name] : [defaultSchemaOf(ctx.session, database), 'dbo'];
  const all = ctx.session.document.procedures;
  for (const schema of schemas) {
    const found = all.find((p) => same(p.database, database) && same(p.schema, schema) && same(p.name, name.name.name));
    if (found) return found;
  }
  return undefined;
}

export async function runProcedureDdl(s: Statement, ctx: StatementContext): Promise<Flow> {
  if (s.kind === 'createProcedure') await createProcedure(s, ctx);
  else if (s.kind === 'dropProcedure') for (const name of s.names) await dropProcedure(ctx, name, s.ifExists);
  return NEXT;
}

async function createProcedure(s: Extract<Statement, { kind: 'createProcedure' }>, ctx: StatementContext): Promise<void> {
  const session = ctx.session;
  const instance = session.instance;
  if (s.name.name.name.startsWith('#')) return notSupportedHere('Temporary procedures', s.name);
  // A procedure always runs as its caller here; running it as someone else would be wrong, so it is refused.
  const executeAs = s.options.find((o) => o.startsWith('EXECUTE AS') && o !== 'EXECUTE AS CALLER');
  if (executeAs) return notSupportedHere(`WITH ${executeAs}`, s.name);
  for (const parameter of s.parameters) ctx.translated(resolveDataType(parameter.type, 'declaration'));
  await ctx.lockCatalog();
  const target = creationTarget(ctx, s.name);
  const existing = session.document.procedures.find((p) => same(p.database, target.database) && same(p.schema, target.schema) && same(p.name, target.name));
  const now = instance.ports.clock.now();
  const text = ctx.frame.batchText();
  let catalog = session.catalog;
  if (existing && s.mode === 'create') return void fail(2714, 16, 3, `There is already an object named '${target.name}' in the database.`, s.name);
  if (!existing && s.mode === 'alter') return void fail(208, 16, 6, `Invalid object name '${writtenName(s.name)}'.`, s.name);
  if (existing) {
    ctx.check('ALTER', { class: 'OBJECT', schema: target.schema, name: target.name }, s.name, target.database);
  } else {
    const verdict = checkCreate(catalog, session.security, target.database, 'PROCEDURE', target.schema);
    if (!verdict.ok) return void refuse(verdict.error, s.name);
    if (session.tables.get(target.database, target.schema, target.name)) return void fail(2714, 16, 3, `There is already an object named '${target.name}' in the database.`, s.name);
    const registered = registerObject(catalog, target.database, { schema: target.schema, name: target.name, type: 'P' });
    if (!registered.ok) return void refuse(registered.error, s.name);
    catalog = registered.value;
  }
  const definition: ProcedureDefinition = { ...target, text, createdAt: existing?.createdAt ?? now, modifiedAt: now };
  const others = session.document.procedures.filter((p) => p !== existing);
  await session.saveDocument({ ...session.document, security: catalog, procedures: [...others, definition] });
}

async function dropProcedure(ctx: StatementContext, name: ObjectName, ifExists: boolean): Promise<void> {
  const session = ctx.session;
  await ctx.lockCatalog();
  const procedure = findProcedure(ctx, name);
  const cannot = () => fail(3701, 11, 5, `Cannot drop the procedure '${writtenName(name)}', because it does not exist or you do not have permission.`, name);
  if (!procedure) return ifExists ? undefined : cannot();
  const allowed =
    ctx.allowed('CONTROL', { class: 'OBJECT', schema: procedure.schema, name: procedure.name }, procedure.database) ||
    ctx.allowed('ALTER', { class: 'SCHEMA', name: procedure.schema }, procedure.database);
  if (!allowed) return cannot();
  const security = unregisterObject(session.catalog, procedure.database, procedure.schema, procedure.name);
  await session.saveDocument({ ...session.document, security, procedures: session.document.procedures.filter((p) => p !== procedure) });
}
