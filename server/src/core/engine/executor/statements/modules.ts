// CREATE [OR ALTER] / ALTER / DROP VIEW and FUNCTION. A view or function is kept like a procedure:
// the text of the batch that created it (sys.sql_modules.definition), parsed again where it is
// used and expanded there by the translator. CREATE checks the definition compiles in the
// module's database and schema, as SQL Server does; it needs CREATE VIEW / CREATE FUNCTION and
// ALTER on the schema, altering needs ALTER on the object, dropping CONTROL on it or ALTER on its schema.
import type { CreateFunctionStatement, CreateViewStatement, ObjectName, Statement } from '../../ast';
import { checkCreate, registerObject, unregisterObject } from '../../../security';
import { resolveDataType, translateFunctionDefinition, translateViewDefinition, type ResultColumn, type Translation } from '../../translate';
import { withDatabase, type SecurityCatalog } from '../../../security/model';
import { findDatabase, findObject } from '../../../security/lookup';
import { writtenName } from '../../translate/from';
import { NEXT, type Flow, type StatementContext } from '../context';
import type { ModuleDefinition } from '../document';
import { fail, refuse } from '../errors';
import { findModule, moduleScope, sessionScope, userFunctionInfo, viewInfo } from '../moduleLookup';
import { scopedPorts } from '../schemaLookup';
import { creationTarget } from './tables';

export const MODULE_KINDS: ReadonlySet<string> = new Set(['createView', 'createFunction', 'dropModule']);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function runModuleDdl(s: Statement, ctx: StatementContext): Promise<Flow> {
  if (s.kind === 'createView' || s.kind === 'createFunction') await createModule(s, ctx);
  else if (s.kind === 'dropModule') for (const name of s.names) await dropModule(ctx, name, s.what, s.ifExists);
  return NEXT;
}

function moduleType(s: CreateViewStatement | CreateFunctionStatement): ModuleDefinition['type'] {
  if (s.kind === 'createView') return 'V';
  return s.body.kind === 'scalar' ? 'FN' : 'IF';
}

async function createModule(s: CreateViewStatement | CreateFunctionStatement, ctx: StatementContext): Promise<void> {
  const session = ctx.session;
  const what = s.kind === 'createView' ? 'VIEW' : 'FUNCTION';
  if (s.name.name.name.startsWith('#')) {
    return fail(1074, 15, 1, `Creation of temporary ${what === 'VIEW' ? 'views' : 'functions'} is not allowed.`, s.name, 'batch');
  }
  await ctx.lockCatalog();
  const target = creationTarget(ctx, s.name);
  const type = moduleType(s);
  const existing = (session.document.modules ?? []).find((m) => same(m.database, target.database) && same(m.schema, target.schema) && same(m.name, target.name));
  const exists = () => fail(2714, 16, 3, `There is already an object named '${target.name}' in the database.`, s.name);
  if (existing && s.mode === 'create') return exists();
  if (!existing && s.mode === 'alter') return fail(208, 16, 6, `Invalid object name '${writtenName(s.name)}'.`, s.name);
  // ALTER keeps the kind: a view stays a view, a function a function (Msg 2010 otherwise).
  if (existing && (existing.type === 'V') !== (type === 'V')) {
    return fail(2010, 16, 1, `Cannot perform alter on '${target.name}' because it is an incompatible object type.`, s.name);
  }
  const text = ctx.frame.batchText();
  const now = session.instance.ports.clock.now();
  const definition: ModuleDefinition = { ...target, type, text, createdAt: existing?.createdAt ?? now, modifiedAt: now };
  const columns = checkDefinition(ctx, s, definition);

  let catalog = session.catalog;
  if (existing) {
    ctx.check('ALTER', { class: 'OBJECT', schema: target.schema, name: target.name }, s.name, target.database);
    // The object keeps its id and its permissions; only its columns may change.
    catalog = reRegister(catalog, existing, definition, columns);
  } else {
    const verdict = checkCreate(catalog, session.security, target.database, what, target.schema);
    if (!verdict.ok) return refuse(verdict.error, s.name);
    if (session.tables.get(target.database, target.schema, target.name)) return exists();
    const registered = registerObject(catalog, target.database, { schema: target.schema, name: target.name, type, columns });
    if (!registered.ok) return refuse(registered.error, s.name);
    catalog = registered.value;
  }
  const others = (session.document.modules ?? []).filter((m) => m !== existing);
  await session.saveDocument({ ...session.document, security: catalog, modules: [...others, definition] });
}

/** The definition must compile where it lives; its columns (a view's, an inline function's) are returned. */
function checkDefinition(ctx: StatementContext, s: CreateViewStatement | CreateFunctionStatement, definition: ModuleDefinition): string[] {
  const used = scopedPorts(ctx.session, moduleScope(definition));
  // The definition is the batch's text alone: its offsets start at the batch, the frame's at the script.
  const offset = ctx.frame.batchStart();
  const placed = (t: Translation<ResultColumn[]>): ResultColumn[] =>
    ctx.translated(t.ok ? t : { ok: false, error: { ...t.error, start: t.error.start + offset, end: t.error.end + offset } });
  const at = { start: s.start - offset, end: s.end - offset };
  if (s.kind === 'createView') {
    const view = viewInfo(definition, used.ports);
    return view ? placed(translateViewDefinition(view, at)).map((c) => c.name) : [];
  }
  const fn = userFunctionInfo(definition, used.ports);
  if (!fn) {
    // A parameter or RETURNS type the instance has no translation for: its own positioned error.
    for (const p of s.parameters) ctx.translated(resolveDataType(p.type, 'declaration'));
    if (s.body.kind === 'scalar') ctx.translated(resolveDataType(s.body.returns, 'declaration'));
    return [];
  }
  return placed(translateFunctionDefinition(fn, at)).map((c) => c.name);
}

function reRegister(catalog: SecurityCatalog, existing: ModuleDefinition, definition: ModuleDefinition, columns: string[]): SecurityCatalog {
  const db = findDatabase(catalog, existing.database);
  const object = db && findObject(db, existing.schema, existing.name);
  if (!db || !object) return catalog;
  return withDatabase(catalog, { ...db, objects: db.objects.map((o) => (o === object ? { ...o, type: definition.type, columns } : o)) });
}

async function dropModule(ctx: StatementContext, name: ObjectName, what: 'VIEW' | 'FUNCTION', ifExists: boolean): Promise<void> {
  const session = ctx.session;
  await ctx.lockCatalog();
  const written = { database: name.database?.name ?? null, schema: name.schema?.name ?? null, name: name.name.name };
  const module = findModule(session, written, sessionScope(session), what === 'VIEW' ? ['V'] : ['FN', 'IF']);
  const kind = what === 'VIEW' ? 'view' : 'function';
  const cannot = () => fail(3701, 11, 5, `Cannot drop the ${kind} '${writtenName(name)}', because it does not exist or you do not have permission.`, name);
  if (!module) return ifExists ? undefined : cannot();
  const allowed =
    ctx.allowed('CONTROL', { class: 'OBJECT', schema: module.schema, name: module.name }, module.database) ||
    ctx.allowed('ALTER', { class: 'SCHEMA', name: module.schema }, module.database);
  if (!allowed) return cannot();
  const security = unregisterObject(session.catalog, module.database, module.schema, module.name);
  await session.saveDocument({ ...session.document, security, modules: (session.document.modules ?? []).filter((m) => m !== module) });
}
