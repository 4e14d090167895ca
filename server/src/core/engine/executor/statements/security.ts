// Principals and permissions: CREATE LOGIN (a SQL login with a password, or FROM OS for an OS user
// or group), ALTER LOGIN (ENABLE / DISABLE, PASSWORD [OLD_PASSWORD] [UNLOCK], CHECK_POLICY),
// CREATE USER / ROLE, DROP LOGIN / USER / ROLE, ALTER [SERVER] ROLE ... MEMBER,
// GRANT / DENY / REVOKE, EXECUTE AS and REVERT. The security core decides and returns the new
// catalog; the executor makes it durable before the statement reports success.
import type { Expression, OptionSetting, PermissionStatement as PermissionAst, Statement } from '../../ast';
import {
  alterLogin,
  alterRoleMember,
  alterServerRoleMember,
  applyPermissionStatement,
  createLogin,
  createRole,
  createUser,
  dropLogin,
  dropRole,
  dropUser,
  executeAsLogin,
  executeAsUser,
  revert,
  sqlLoginPasswordHash,
  type AlterLoginChange,
  type LoginSource,
  type Outcome,
  type SecurableName,
  type SecurityCatalog,
} from '../../../security';
import { findDatabase, findDatabasePrincipal, findLogin, findObject } from '../../../security/lookup';
import { NEXT, type Flow, type StatementContext } from '../context';
import { fail, notSupportedHere, refuse } from '../errors';
import { defaultSchemaOf } from '../sessionFunctions';

export const SECURITY_KINDS: ReadonlySet<string> = new Set(['createLogin', 'alterLogin', 'createUser', 'createRole', 'dropPrincipal', 'alterRole', 'permission', 'executeAs', 'revert']);

type SecurityStatement = Extract<
  Statement,
  { kind: 'createLogin' | 'alterLogin' | 'createUser' | 'createRole' | 'dropPrincipal' | 'alterRole' | 'permission' | 'executeAs' | 'revert' }
>;

/** Makes a security change durable, or fails the statement with the core's refusal. */
async function commit(ctx: StatementContext, outcome: Outcome<SecurityCatalog>, at: { start: number; end: number }): Promise<void> {
  if (!outcome.ok) return refuse(outcome.error, at);
  await ctx.session.saveDocument({ ...ctx.session.document, security: outcome.value });
}

export async function runSecurity(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as SecurityStatement;
  const session = ctx.session;
  // Each change is made on the catalog as it is under the catalog lock, so that a change another
  // session commits is never lost; inside a transaction it is staged until COMMIT.
  if (st.kind !== 'executeAs' && st.kind !== 'revert') await ctx.lockCatalog();
  switch (st.kind) {
    case 'createLogin': {
      const defaultDatabase = st.options.find((o) => o.name === 'DEFAULT_DATABASE')?.value;
      const database = defaultDatabase && (defaultDatabase.kind === 'word' || defaultDatabase.kind === 'string') ? defaultDatabase.value : undefined;
      const checkPolicy = onOff(st.options.find((o) => o.name === 'CHECK_POLICY'));
      const source = await loginSource(ctx, st);
      const spec = {
        name: st.name.name,
        source,
        ...(database ? { defaultDatabase: database } : {}),
        ...(checkPolicy !== undefined ? { checkPolicy } : {}),
        ...(source.kind === 'password' ? { passwordSetAt: session.instance.ports.clock.now() } : {}),
      };
      await commit(ctx, createLogin(session.catalog, session.security, spec), st.name);
      break;
    }
    case 'alterLogin':
      await commit(ctx, alterLogin(session.catalog, session.security, st.name.name, await alterLoginChange(ctx, st)), st.name);
      break;
    case 'createUser': {
      const mapping = st.withoutLogin ? { kind: 'without-login' as const } : { kind: 'login' as const, login: st.login?.name ?? st.name.name };
      const spec = { name: st.name.name, mapping, ...(st.defaultSchema ? { defaultSchema: st.defaultSchema.name } : {}) };
      await commit(ctx, createUser(session.catalog, session.security, session.database, spec), st.name);
      break;
    }
    case 'createRole':
      if (st.owner) return notSupportedHere('CREATE ROLE ... AUTHORIZATION', st.owner);
      await commit(ctx, createRole(session.catalog, session.security, session.database, st.name.name), st.name);
      break;
    case 'dropPrincipal':
      await dropPrincipal(ctx, st);
      break;
    case 'alterRole': {
      const change = { role: st.role.name, member: st.member.name, action: st.action };
      await commit(ctx, st.server ? alterServerRoleMember(session.catalog, session.security, change) : alterRoleMember(session.catalog, session.security, session.database, change), st);
      break;
    }
    case 'permission':
      await commit(ctx, applyPermissionStatement(session.catalog, session.security, session.database, permissionStatement(ctx, st)), st);
      break;
    case 'executeAs': {
      if (st.principal === 'CALLER') return NEXT;
      if (st.noRevert || st.cookie) return notSupportedHere('EXECUTE AS ... WITH NO REVERT or COOKIE', st);
      const name = await nameOf(ctx, st.name!);
      const pushed = st.principal === 'LOGIN' ? executeAsLogin(session.catalog, session.security, session.database, name) : executeAsUser(session.catalog, session.security, session.database, name);
      if (!pushed.ok) return refuse(pushed.error, st);
      session.security = pushed.value;
      break;
    }
    case 'revert': {
      const reverted = revert(session.security, session.database);
      if (!reverted.ok) return refuse(reverted.error, st);
      session.security = reverted.value;
      break;
    }
  }
  return NEXT;
}

/** ON / OFF of a setting such as CHECK_POLICY; undefined when the setting is not there. */
function onOff(option: OptionSetting | undefined): boolean | undefined {
  if (!option) return undefined;
  const word = option.value.kind === 'word' ? option.value.value.toUpperCase() : '';
  if (word !== 'ON' && word !== 'OFF') return fail(102, 15, 1, `Incorrect syntax near '${option.name}'.`, option);
  return word === 'ON';
}

/** Settings ALTER LOGIN takes besides PASSWORD: CHECK_POLICY, and CHECK_EXPIRATION = OFF (passwords never expire here). */
async function alterLoginChange(ctx: StatementContext, st: Extract<Statement, { kind: 'alterLogin' }>): Promise<AlterLoginChange> {
  const ports = ctx.session.instance.ports;
  let checkPolicy: boolean | undefined;
  for (const option of st.options) {
    if (option.name === 'CHECK_POLICY') checkPolicy = onOff(option);
    else if (option.name !== 'CHECK_EXPIRATION' || onOff(option)) notSupportedHere(`ALTER LOGIN ... ${option.name} = ...`, option);
  }
  const change: AlterLoginChange = { ...(st.enable !== null ? { enabled: st.enable } : {}), ...(checkPolicy !== undefined ? { checkPolicy } : {}) };
  const password = st.password;
  if (!password) return change;
  if (password.mustChange) return notSupportedHere('MUST_CHANGE', password.value);
  // The old password is verified against the hash as it is now; a wrong one is refused like a
  // change without it (Msg 15151), telling nothing more.
  const stored = password.oldPassword ? sqlLoginPasswordHash(ctx.session.catalog, st.name.name) : null;
  const oldPasswordVerified = stored !== null && password.oldPassword !== null && (await ports.passwords.verify(password.oldPassword.value, stored));
  return {
    ...change,
    passwordHash: await ports.passwords.hash(password.value.value),
    passwordSetAt: ports.clock.now(),
    ...(oldPasswordVerified ? { oldPasswordVerified } : {}),
    ...(password.unlock ? { unlock: true } : {}),
  };
}

async function nameOf(ctx: StatementContext, expr: Expression): Promise<string> {
  const { value } = await ctx.evaluate(expr, { name: 'nvarchar', length: 128 });
  return value === null ? '' : String(value);
}

/** WITH PASSWORD: a salted hash; FROM OS: an OS user or group, which must exist (Msg 15401). */
async function loginSource(ctx: StatementContext, st: Extract<Statement, { kind: 'createLogin' }>): Promise<LoginSource> {
  const ports = ctx.session.instance.ports;
  if (st.source.kind === 'password') {
    if (st.source.mustChange) return notSupportedHere('MUST_CHANGE', st.source.password);
    return { kind: 'password', passwordHash: await ports.passwords.hash(st.source.password.value) };
  }
  const name = st.name.name;
  const isWorkerGroup = ports.scripts.workerGroups().some((g) => g.toLowerCase() === name.toLowerCase());
  const kind = isWorkerGroup ? 'group' : ports.os.kind(name);
  if (!kind) return fail(15401, 16, 1, `Windows NT user or group '${name}' not found. Check the name again.`, st.name);
  return { kind: kind === 'user' ? 'os-user' : 'os-group' };
}

async function dropPrincipal(ctx: StatementContext, st: Extract<Statement, { kind: 'dropPrincipal' }>): Promise<void> {
  const session = ctx.session;
  const catalog = session.catalog;
  const name = st.name.name;
  const db = findDatabase(catalog, session.database)!;
  switch (st.what) {
    case 'LOGIN':
      if (st.ifExists && !findLogin(catalog, name)) return;
      return commit(ctx, dropLogin(catalog, session.security, name), st.name);
    case 'USER':
      if (st.ifExists && !findDatabasePrincipal(db, name)) return;
      return commit(ctx, dropUser(catalog, session.security, session.database, name), st.name);
    case 'ROLE':
      if (st.ifExists && findDatabasePrincipal(db, name)?.type !== 'R') return;
      return commit(ctx, dropRole(catalog, session.security, session.database, name), st.name);
    case 'SCHEMA':
      return notSupportedHere('DROP SCHEMA', st);
  }
}

/** The AST's GRANT / DENY / REVOKE in the security core's terms; one-part object names resolve like any name. */
function permissionStatement(ctx: StatementContext, st: PermissionAst) {
  const columns = st.permissions.flatMap((p) => p.columns.map((c) => c.name));
  return {
    action: st.action,
    permissions: st.permissions.map((p) => p.name),
    ...(st.on ? { securable: securableOf(ctx, st.on) } : {}),
    ...(columns.length > 0 ? { columns } : {}),
    principals: st.principals.map((p) => p.name),
    withGrantOption: st.withGrantOption,
    grantOptionFor: st.grantOptionFor,
    cascade: st.cascade,
  };
}

function securableOf(ctx: StatementContext, on: NonNullable<PermissionAst['on']>): SecurableName {
  const name = on.name.name.name;
  switch (on.class) {
    case 'DATABASE':
      return { class: 'DATABASE' };
    case 'OBJECT': {
      if (on.name.schema) return { class: 'OBJECT', schema: on.name.schema.name, name };
      const db = findDatabase(ctx.session.catalog, ctx.session.database)!;
      const schemas = [defaultSchemaOf(ctx.session, db.name), 'dbo'];
      return { class: 'OBJECT', schema: schemas.find((s) => findObject(db, s, name)) ?? 'dbo', name };
    }
    default:
      return { class: on.class as Exclude<SecurableName['class'], 'SERVER' | 'DATABASE' | 'OBJECT'>, name };
  }
}
