// The system procedures the embedded instance implements besides sp_execute_external_script:
// sp_configure, sp_addrolemember / sp_droprolemember, sp_executesql,
// sp_describe_first_result_set (which the editor's hover uses), and the catalog procedures
// ODBC drivers call (catalogProcedures.ts).
import type { ExecuteStatement, Statement } from '../../ast';
import { checkConfigurationChange, roleMemberProcedure } from '../../../security';
import { parseBatch } from '../../parser';
import { formatSqlType, resolveDataType, translateSelect } from '../../translate';
import type { SqlType } from '../../translate/types';
import { parseParamsDeclaration } from '../../../scriptCall/paramsDeclaration';
import { configureOption, findOption, optionValue, visibleOptions } from '../configuration';
import { StatementContext } from '../context';
import type { SqlValue } from '../ports';
import { fail, notInUserTransaction, refuse, translationStop } from '../errors';
import { Frame } from '../frame';
import { sqlTypeFromText } from '../sqlTypes';
import { matchArguments, writeBack, type Formal } from './arguments';
import { spColumns, spTables } from './catalogProcedures';
import { runText } from './execute';
import { argumentsOf, NULL, text, type SystemProcedure } from './systemProcedureArguments';

const spConfigure: SystemProcedure = async (st, ctx) => {
  const args = argumentsOf('sp_configure', ['@configname', '@configvalue'], st);
  const name = await text(ctx, args.get('@configname'));
  const options = name === null ? visibleOptions(ctx.session.document) : [];
  if (name !== null) {
    const found = findOption(ctx.session.document, name);
    if (!found.ok) return fail(found.number, 16, 1, found.text, st);
    const valueArg = args.get('@configvalue');
    if (valueArg) {
      if (ctx.session.transactionCount > 0) return notInUserTransaction('CONFIG', st);
      const verdict = checkConfigurationChange(ctx.session.catalog, ctx.session.security);
      if (!verdict.ok) return refuse(verdict.error, st);
      const value = (await ctx.evaluate(valueArg, { name: 'int' })).value;
      await ctx.lockCatalog();
      const changed = configureOption(ctx.session.document, found.option, Number(value));
      if (!changed.ok) return fail(changed.number, 16, 1, changed.text, valueArg);
      await ctx.session.saveDocument(changed.document);
      ctx.info(changed.message, st, 15457);
      return;
    }
    options.push(found.option);
  }
  const columns = [
    { name: 'name', type: 'nvarchar(35)' },
    { name: 'minimum', type: 'int' },
    { name: 'maximum', type: 'int' },
    { name: 'config_value', type: 'int' },
    { name: 'run_value', type: 'int' },
  ];
  const rows = options.map((o) => {
    const v = optionValue(ctx.session.document, o);
    return [o.name, o.minimum, o.maximum, v.value, v.valueInUse];
  });
  ctx.resultSet(columns, rows, st);
};

function roleMember(action: 'add' | 'drop'): SystemProcedure {
  return async (st, ctx) => {
    const procedure = action === 'add' ? 'sp_addrolemember' : 'sp_droprolemember';
    const args = argumentsOf(procedure, ['@rolename', '@membername'], st);
    const role = await text(ctx, args.get('@rolename'));
    const member = await text(ctx, args.get('@membername'));
    if (role === null || member === null) return fail(201, 16, 4, `Procedure or function '${procedure}' expects parameter '${role === null ? '@rolename' : '@membername'}', which was not supplied.`, st);
    const session = ctx.session;
    await ctx.lockCatalog();
    const changed = roleMemberProcedure(session.catalog, session.security, session.database, { role, member, action });
    if (!changed.ok) return refuse(changed.error, st);
    await session.saveDocument({ ...session.document, security: changed.value });
  };
}

/** @params declarations as formals, with their SQL types. */
function declaredFormals(declaration: string | null, at: ExecuteStatement): Formal[] {
  if (!declaration) return [];
  const parsed = parseParamsDeclaration(declaration);
  const error = parsed.errors[0];
  if (error) return fail(102, 15, 1, error.message, at);
  return parsed.declarations.map((d) => {
    const type = sqlTypeFromText(d.type);
    if (!type) return fail(2715, 16, 3, `Column, parameter, or variable #1: Cannot find data type ${d.type}.`, at);
    return { name: d.name, type, default: null, output: d.output };
  });
}

/** sp_executesql @stmt, @params, values...: dynamic SQL whose variables are the declared parameters. */
const spExecutesql: SystemProcedure = async (st, ctx) => {
  const [stmtArg, paramsArg, ...rest] = st.args;
  const given = (arg: ExecuteStatement['args'][number] | undefined) => (arg && arg.value.kind !== 'default' ? text(ctx, arg.value) : Promise.resolve(null));
  const statement = await given(stmtArg);
  if (statement === null) return fail(201, 16, 4, "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.", st);
  const formals = declaredFormals(await given(paramsArg), st).map((f) => ({ ...f, default: NULL }));
  const matched = matchArguments('sp_executesql', formals, rest, st);
  const bound: { formal: Formal; value: SqlValue; outputTo: string | null }[] = [];
  for (const formal of formals) {
    const arg = matched.get(formal);
    const value = arg && arg.value.kind !== 'default' ? (await ctx.evaluate(arg.value, formal.type)).value : null;
    bound.push({ formal, value, outputTo: arg?.output && arg.value.kind === 'variable' ? arg.value.name : null });
  }
  const frame = await runText(ctx, statement, st, ctx.sink, (inner) => {
    for (const { formal, value } of bound) inner.variables.set(formal.name.toLowerCase(), { name: formal.name, type: formal.type, value });
  });
  for (const { formal, outputTo } of bound) {
    if (outputTo) await writeBack(ctx, outputTo, frame.variable(formal.name)!.value, formal.type, st);
  }
};

/** The first statement of a batch that returns rows: a SELECT, or an EXEC WITH RESULT SETS. */
function firstResultStatement(statements: readonly Statement[]): Statement | undefined {
  for (const s of statements) {
    if (s.kind === 'select' || (s.kind === 'execute' && s.resultSets?.kind === 'sets')) return s;
    if (s.kind === 'block') {
      const inner = firstResultStatement(s.statements);
      if (inner) return inner;
    }
  }
  return undefined;
}

const spDescribeFirstResultSet: SystemProcedure = async (st, ctx) => {
  const args = argumentsOf('sp_describe_first_result_set', ['@tsql', '@params', '@browse_information_mode'], st);
  const tsql = await text(ctx, args.get('@tsql'));
  if (tsql === null) return fail(201, 16, 4, "Procedure or function 'sp_describe_first_result_set' expects parameter '@tsql', which was not supplied.", st);
  const parsed = parseBatch(tsql);
  if (parsed.errors[0]) {
    const e = parsed.errors[0];
    return fail(e.number, e.level, e.state, e.message, st);
  }
  const frame = Frame.dynamic(tsql, ctx.frame, st.start);
  for (const formal of declaredFormals(await text(ctx, args.get('@params')), st)) {
    frame.variables.set(formal.name.toLowerCase(), { name: formal.name, type: formal.type, value: null });
  }
  const first = firstResultStatement(parsed.statements);
  let described: { name: string; type: SqlType; nullable: boolean }[] = [];
  if (first?.kind === 'select') {
    const inner = new StatementContext(ctx.session, frame, ctx.sink);
    const plan = inner.translated(translateSelect(first, inner.ports().ports));
    if (plan.kind === 'rows') described = plan.columns.map((c) => ({ name: c.name, type: c.type, nullable: true }));
  } else if (first?.kind === 'execute' && first.resultSets?.kind === 'sets') {
    described = first.resultSets.sets[0]!.columns.map((c) => {
      const type = resolveDataType(c.type, 'declaration');
      if (!type.ok) throw translationStop(type.error);
      return { name: c.name.name, type: type.value, nullable: c.nullable !== false };
    });
  }
  const columns = [
    { name: 'is_hidden', type: 'bit' },
    { name: 'column_ordinal', type: 'int' },
    { name: 'name', type: 'nvarchar(128)' },
    { name: 'is_nullable', type: 'bit' },
    { name: 'system_type_name', type: 'nvarchar(256)' },
  ];
  ctx.resultSet(columns, described.map((c, k) => [false, k + 1, c.name === '' ? null : c.name, c.nullable, formatSqlType(c.type)]), st);
};

export const SYSTEM_PROCEDURES: Readonly<Record<string, SystemProcedure>> = {
  sp_configure: spConfigure,
  sp_addrolemember: roleMember('add'),
  sp_droprolemember: roleMember('drop'),
  sp_executesql: spExecutesql,
  sp_describe_first_result_set: spDescribeFirstResultSet,
  sp_tables: spTables,
  sp_columns: spColumns,
};
