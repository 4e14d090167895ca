// The permission matrix: each case sets up a fresh instance through the real API, does one thing as
// one principal, and asserts the exact outcome: 'ok', or SQL Server's message number, level,
// state and text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptLoopbackConnection,
  alterServerRoleMember,
  applyPermissionStatement,
  alterRoleMember,
  check,
  checkConfigurationChange,
  checkCreate,
  checkExternalScriptExecution,
  createDatabase,
  createLogin,
  createUser,
  dropUser,
  executeAsLogin,
  executeAsUser,
  ownershipChainLink,
  registerObject,
  registerSchema,
  revert,
  type CheckOptions,
  type Outcome,
  type SessionContext,
  type Verdict,
} from '../../../server/src/core/security';
import { deny, grant, on, outcome, revoke, World } from './world';

const OK = 'ok';
const m229 = (permission: string, object: string, schema: string) =>
  `Msg 229, Level 14, State 5: The ${permission} permission was denied on the object '${object}', database 'ml', schema '${schema}'.`;
const SELECT_IRIS_DENIED = m229('SELECT', 'iris', 'dbo');
const M297 = 'Msg 297, Level 16, State 101: The user does not have permission to perform this action.';
const M39023 =
  "Msg 39023, Level 16, State 1: 'sp_execute_external_script' is disabled on this instance of SQL Server. Use sp_configure 'external scripts enabled' to enable it.";
const M15247 = 'Msg 15247, Level 16, State 1: User does not have permission to perform this action.';
const ENABLED = { externalScriptsEnabled: 1 };
const DISABLED = { externalScriptsEnabled: 0 };

interface Case {
  readonly name: string;
  readonly given?: (w: World) => void;
  readonly when: (w: World) => Verdict | Outcome<unknown>;
  readonly then: string;
}

function selectAs(w: World, session: SessionContext, schema = 'dbo', name = 'iris', options: CheckOptions = {}): Verdict {
  return check(w.catalog, session, 'ml', 'SELECT', { class: 'OBJECT', schema, name }, options);
}

const sel = (login: string, schema = 'dbo', name = 'iris', options: CheckOptions = {}) => (w: World) => selectAs(w, w.as(login), schema, name, options);

function then<T>(result: Outcome<T>, next: (value: T) => Verdict | Outcome<unknown>): Verdict | Outcome<unknown> {
  return result.ok ? next(result.value) : result;
}

const inTrain = (w: World): CheckOptions => ({ ownershipChain: ownershipChainLink(w.catalog, 'ml', { schema: 'dbo', name: 'train' })! });

const script = (login: string, language = 'Python', configuration = ENABLED) => (w: World) =>
  checkExternalScriptExecution(w.catalog, configuration, w.as(login), 'ml', language);

const cases: Case[] = [
  // GRANT / DENY / REVOKE at object, schema and database scope
  { name: 'without any grant, SELECT on a table fails with Msg 229', when: sel('alice'), then: SELECT_IRIS_DENIED },
  { name: 'GRANT SELECT on the object allows it', given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice')), when: sel('alice'), then: OK },
  { name: 'GRANT SELECT on the schema covers its tables', given: (w) => w.permit(grant('SELECT', on.schema('dbo'), 'alice')), when: sel('alice'), then: OK },
  { name: 'GRANT SELECT on the database covers every schema', given: (w) => w.permit(grant('SELECT', undefined, 'alice')), when: sel('alice', 'sales', 'orders'), then: OK },
  { name: 'a grant on another schema does not reach dbo', given: (w) => w.permit(grant('SELECT', on.schema('sales'), 'alice')), when: sel('alice'), then: SELECT_IRIS_DENIED },
  {
    name: 'DENY on the object wins over GRANT on the database',
    given: (w) => {
      w.permit(grant('SELECT', undefined, 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'DENY on the schema wins over GRANT on the object',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', on.schema('dbo'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'DENY on the database wins over GRANT on the object',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', undefined, 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'REVOKE removes a GRANT',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(revoke('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'REVOKE removes a DENY',
    given: (w) => {
      w.permit(grant('SELECT', on.schema('dbo'), 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(revoke('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: sel('alice'),
    then: OK,
  },
  { name: 'GRANT INSERT does not give SELECT', given: (w) => w.permit(grant('INSERT', on.object('dbo', 'iris'), 'alice')), when: sel('alice'), then: SELECT_IRIS_DENIED },
  {
    name: 'GRANT INSERT, UPDATE allows UPDATE',
    given: (w) => w.permit(grant('INSERT, UPDATE', on.object('dbo', 'iris'), 'alice')),
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'UPDATE', on.object('dbo', 'iris')),
    then: OK,
  },
  { name: 'CONTROL on the object implies SELECT', given: (w) => w.permit(grant('CONTROL', on.object('dbo', 'iris'), 'alice')), when: sel('alice'), then: OK },
  {
    name: 'CONTROL on the schema implies DELETE on its tables',
    given: (w) => w.permit(grant('CONTROL', on.schema('sales'), 'alice')),
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'DELETE', on.object('sales', 'orders')),
    then: OK,
  },
  {
    name: 'DENY SELECT wins over CONTROL on the same object',
    given: (w) => {
      w.permit(grant('CONTROL', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'DENY CONTROL on the schema denies a SELECT granted on its table',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('CONTROL', on.schema('dbo'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'EXECUTE on a procedure without a grant fails with Msg 229',
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'EXECUTE', on.object('dbo', 'train')),
    then: m229('EXECUTE', 'train', 'dbo'),
  },
  {
    name: 'GRANT EXECUTE on the schema allows its procedures',
    given: (w) => w.permit(grant('EXECUTE', on.schema('dbo'), 'alice')),
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'EXECUTE', on.object('dbo', 'train')),
    then: OK,
  },

  // roles, nested roles, public
  {
    name: 'a grant to a role reaches its members',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'readers'));
      w.addMember('readers', 'alice');
    },
    when: sel('alice'),
    then: OK,
  },
  {
    name: 'a grant to a role reaches the members of roles nested in it',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'readers'));
      w.addMember('scientists', 'alice');
    },
    when: sel('alice'),
    then: OK,
  },
  {
    name: 'a DENY to an enclosing role wins over a direct GRANT',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'readers'));
      w.addMember('scientists', 'alice');
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  { name: 'a grant to public reaches every user', given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'public')), when: sel('bob'), then: OK },
  {
    name: 'a DENY to public reaches every user',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'public'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'dropping a member from the role takes the permission away',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'readers'));
      w.addMember('readers', 'alice');
      w.apply(alterRoleMember(w.catalog, w.admin(), 'ml', { role: 'readers', member: 'alice', action: 'drop' }));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: "an OS user without a login of its own gets its group login's permissions",
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'analysts')),
    when: (w) => selectAs(w, w.os('gina', ['analysts'])),
    then: OK,
  },

  // fixed database roles
  { name: 'db_datareader reads every table', given: (w) => w.addMember('db_datareader', 'alice'), when: sel('alice', 'sales', 'orders'), then: OK },
  {
    name: 'db_datareader does not write',
    given: (w) => w.addMember('db_datareader', 'alice'),
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'INSERT', on.object('sales', 'orders')),
    then: m229('INSERT', 'orders', 'sales'),
  },
  {
    name: 'db_datawriter updates every table',
    given: (w) => w.addMember('db_datawriter', 'alice'),
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'UPDATE', on.object('sales', 'orders')),
    then: OK,
  },
  {
    name: 'db_denydatareader wins over GRANT SELECT',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.addMember('db_denydatareader', 'alice');
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'db_denydatawriter wins over db_datawriter',
    given: (w) => {
      w.addMember('db_datawriter', 'alice');
      w.addMember('db_denydatawriter', 'alice');
    },
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'INSERT', on.object('dbo', 'iris')),
    then: m229('INSERT', 'iris', 'dbo'),
  },
  { name: 'db_ddladmin may create tables in dbo', given: (w) => w.addMember('db_ddladmin', 'alice'), when: (w) => checkCreate(w.catalog, w.as('alice'), 'ml', 'TABLE', 'dbo'), then: OK },
  {
    name: 'CREATE TABLE without permission fails with Msg 262',
    when: (w) => checkCreate(w.catalog, w.as('alice'), 'ml', 'TABLE', 'dbo'),
    then: "Msg 262, Level 14, State 1: CREATE TABLE permission denied in database 'ml'.",
  },
  {
    name: 'CREATE TABLE without ALTER on the schema fails with Msg 2760',
    given: (w) => w.permit(grant('CREATE TABLE', undefined, 'alice')),
    when: (w) => checkCreate(w.catalog, w.as('alice'), 'ml', 'TABLE', 'dbo'),
    then: 'Msg 2760, Level 16, State 1: The specified schema name "dbo" either does not exist or you do not have permission to use it.',
  },
  {
    name: 'CREATE TABLE with ALTER on the schema is allowed',
    given: (w) => {
      w.permit(grant('CREATE TABLE', undefined, 'alice'));
      w.permit(grant('ALTER', on.schema('sales'), 'alice'));
    },
    when: (w) => checkCreate(w.catalog, w.as('alice'), 'ml', 'TABLE', 'sales'),
    then: OK,
  },
  {
    name: 'the owner of a schema may create in it once granted CREATE PROCEDURE',
    given: (w) => w.permit(grant('CREATE PROCEDURE', undefined, 'bob')),
    when: (w) => checkCreate(w.catalog, w.as('bob'), 'ml', 'PROCEDURE', 'lab'),
    then: OK,
  },
  {
    name: "the owner of a schema runs its procedures without grants, DENY to public notwithstanding",
    given: (w) => w.permit(deny('EXECUTE', on.schema('lab'), 'public')),
    when: (w) => check(w.catalog, w.as('bob'), 'ml', 'EXECUTE', on.object('lab', 'experiment')),
    then: OK,
  },

  // db_owner, dbo, sysadmin
  { name: 'db_owner members pass without grants', given: (w) => w.addMember('db_owner', 'alice'), when: sel('alice'), then: OK },
  {
    name: 'DENY applies to db_owner members',
    given: (w) => {
      w.addMember('db_owner', 'alice');
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: sel('alice'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'the database owner is dbo there and DENY does not apply to dbo',
    given: (w) => {
      w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'dbcreator', member: 'olga', action: 'add' }));
      w.apply(createDatabase(w.catalog, w.as('olga'), 'olgadb'));
      // A table dbo does not own, so that only dbo's own bypass can let olga read it.
      w.apply(createUser(w.catalog, w.as('olga'), 'olgadb', { name: 'alice', mapping: { kind: 'login', login: 'alice' } }));
      w.apply(registerSchema(w.catalog, 'olgadb', 'work', 'alice'));
      w.apply(registerObject(w.catalog, 'olgadb', { schema: 'work', name: 't', type: 'U' }));
      w.apply(applyPermissionStatement(w.catalog, w.as('olga'), 'olgadb', deny('SELECT', on.object('work', 't'), 'public')));
    },
    when: (w) => check(w.catalog, w.as('olga'), 'olgadb', 'SELECT', on.object('work', 't')),
    then: OK,
  },
  { name: 'sysadmin passes, DENY to public notwithstanding', given: (w) => w.permit(deny('SELECT', on.object('dbo', 'iris'), 'public')), when: (w) => selectAs(w, w.admin()), then: OK },
  {
    name: 'a sysadmin member is dbo in every database: its own user and DENY do not apply',
    given: (w) => {
      w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'sysadmin', member: 'erin', action: 'add' }));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'erin'));
    },
    when: sel('erin'),
    then: OK,
  },
  {
    name: 'CONTROL SERVER implies SELECT in every database but, unlike sysadmin, DENY applies',
    given: (w) => {
      w.permit(grant('CONTROL SERVER', undefined, 'erin'), 'master');
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'erin'));
    },
    when: sel('erin'),
    then: SELECT_IRIS_DENIED,
  },

  // column permissions
  {
    name: 'a column grant allows that column',
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['SepalLength'] })),
    when: sel('alice', 'dbo', 'iris', { columns: ['SepalLength'] }),
    then: OK,
  },
  {
    name: 'a column grant does not allow the other columns (Msg 230)',
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['SepalLength'] })),
    when: sel('alice', 'dbo', 'iris', { columns: ['SepalLength', 'Species'] }),
    then: "Msg 230, Level 14, State 1: The SELECT permission was denied on the column 'Species' of the object 'iris', database 'ml', schema 'dbo'.",
  },
  {
    name: 'a column DENY wins over an object GRANT',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['Species'] }));
    },
    when: sel('alice', 'dbo', 'iris', { columns: ['Species'] }),
    then: "Msg 230, Level 14, State 1: The SELECT permission was denied on the column 'Species' of the object 'iris', database 'ml', schema 'dbo'.",
  },
  {
    name: 'a column GRANT overrides a table-level DENY of the same permission',
    given: (w) => {
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice'));
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { columns: ['SepalLength'] }));
    },
    when: sel('alice', 'dbo', 'iris', { columns: ['SepalLength'] }),
    then: OK,
  },

  // ownership chaining
  {
    name: 'ownership chain: inside a dbo procedure a dbo table is read without SELECT',
    given: (w) => w.permit(grant('EXECUTE', on.object('dbo', 'train'), 'alice')),
    when: (w) => selectAs(w, w.as('alice'), 'dbo', 'iris', inTrain(w)),
    then: OK,
  },
  {
    name: 'an unbroken ownership chain skips even a DENY on the table',
    given: (w) => w.permit(deny('SELECT', on.object('dbo', 'iris'), 'alice')),
    when: (w) => selectAs(w, w.as('alice'), 'dbo', 'iris', inTrain(w)),
    then: OK,
  },
  { name: 'dynamic SQL inside the procedure breaks the chain', given: (w) => w.permit(grant('EXECUTE', on.object('dbo', 'train'), 'alice')), when: sel('alice'), then: SELECT_IRIS_DENIED },
  {
    name: 'a procedure of another owner breaks the chain',
    when: (w) => selectAs(w, w.as('alice'), 'dbo', 'iris', { ownershipChain: ownershipChainLink(w.catalog, 'ml', { schema: 'lab', name: 'experiment' })! }),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'the ownership chain does not skip ALTER',
    when: (w) => check(w.catalog, w.as('alice'), 'ml', 'ALTER', on.object('dbo', 'iris'), inTrain(w)),
    then: m229('ALTER', 'iris', 'dbo'),
  },

  // EXECUTE AS and REVERT
  { name: 'EXECUTE AS LOGIN takes the permissions of that login', when: (w) => then(executeAsLogin(w.catalog, w.admin(), 'ml', 'alice'), (s) => selectAs(w, s)), then: SELECT_IRIS_DENIED },
  {
    name: 'REVERT gives the original context back',
    when: (w) => then(executeAsLogin(w.catalog, w.admin(), 'ml', 'alice'), (s) => then(revert(s, 'ml'), (back) => selectAs(w, back))),
    then: OK,
  },
  {
    name: 'EXECUTE AS LOGIN without IMPERSONATE fails with Msg 15406',
    when: (w) => executeAsLogin(w.catalog, w.as('alice'), 'ml', 'bob'),
    then: 'Msg 15406, Level 16, State 1: Cannot execute as the server principal because the principal "bob" does not exist, this type of principal cannot be impersonated, or you do not have permission.',
  },
  {
    name: 'IMPERSONATE ON LOGIN lets a login act as another, with its permissions',
    given: (w) => {
      w.permit(grant('IMPERSONATE', on.login('bob'), 'alice'), 'master');
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'bob'));
    },
    when: (w) => then(executeAsLogin(w.catalog, w.as('alice'), 'ml', 'bob'), (s) => selectAs(w, s)),
    then: OK,
  },
  {
    name: 'a db_owner member may EXECUTE AS USER any user of the database',
    given: (w) => {
      w.addMember('db_owner', 'dave');
      w.permit(deny('SELECT', on.object('dbo', 'iris'), 'bob'));
    },
    when: (w) => then(executeAsUser(w.catalog, w.as('dave'), 'ml', 'bob'), (s) => selectAs(w, s)),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'EXECUTE AS USER without IMPERSONATE fails with Msg 15517',
    when: (w) => executeAsUser(w.catalog, w.as('alice'), 'ml', 'bob'),
    then: 'Msg 15517, Level 16, State 1: Cannot execute as the database principal because the principal "bob" does not exist, this type of principal cannot be impersonated, or you do not have permission.',
  },
  {
    name: 'IMPERSONATE ON USER lets a user act as another',
    given: (w) => {
      w.permit(grant('IMPERSONATE', on.user('bob'), 'alice'));
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'bob'));
    },
    when: (w) => then(executeAsUser(w.catalog, w.as('alice'), 'ml', 'bob'), (s) => selectAs(w, s)),
    then: OK,
  },
  {
    name: 'a role cannot be impersonated, even by sysadmin',
    when: (w) => executeAsUser(w.catalog, w.admin(), 'ml', 'readers'),
    then: 'Msg 15517, Level 16, State 1: Cannot execute as the database principal because the principal "readers" does not exist, this type of principal cannot be impersonated, or you do not have permission.',
  },
  {
    name: 'under EXECUTE AS USER server permissions do not apply',
    when: (w) => then(executeAsUser(w.catalog, w.admin(), 'ml', 'dbo'), (s) => checkConfigurationChange(w.catalog, s)),
    then: M15247,
  },
  {
    name: 'EXECUTE AS USER is scoped to its database: another database is reached only as guest',
    given: (w) => {
      w.apply(createDatabase(w.catalog, w.admin(), 'ml2'));
      w.apply(createUser(w.catalog, w.admin(), 'ml2', { name: 'alice', mapping: { kind: 'login', login: 'alice' } }));
      w.apply(registerObject(w.catalog, 'ml2', { schema: 'dbo', name: 't', type: 'U' }));
    },
    when: (w) => then(executeAsUser(w.catalog, w.admin(), 'ml', 'alice'), (s) => check(w.catalog, s, 'ml2', 'SELECT', on.object('dbo', 't'))),
    then: 'Msg 916, Level 14, State 1: The server principal "alice" is not able to access the database "ml2" under the current security context.',
  },
  {
    name: 'REVERT must run in the database where EXECUTE AS did (Msg 15199)',
    when: (w) => then(executeAsUser(w.catalog, w.admin(), 'ml', 'alice'), (s) => revert(s, 'master')),
    then: "Msg 15199, Level 16, State 1: The current security context cannot be reverted. Please switch to the original database where 'Execute As' was called and try it again.",
  },

  // sp_execute_external_script
  { name: "'external scripts enabled' off: Msg 39023 before any permission check", when: script('alice', 'Python', DISABLED), then: M39023 },
  { name: "'external scripts enabled' off: Msg 39023 even for sysadmin", when: (w) => checkExternalScriptExecution(w.catalog, DISABLED, w.admin(), 'ml', 'R'), then: M39023 },
  { name: 'without EXECUTE ANY EXTERNAL SCRIPT: Msg 297', when: script('alice'), then: M297 },
  { name: 'EXECUTE ANY EXTERNAL SCRIPT allows Python', given: (w) => w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice')), when: script('alice'), then: OK },
  { name: 'EXECUTE ANY EXTERNAL SCRIPT allows R', given: (w) => w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice')), when: script('alice', 'R'), then: OK },
  {
    name: 'EXECUTE EXTERNAL SCRIPT ON EXTERNAL LANGUAGE::Python allows Python',
    given: (w) => w.permit(grant('EXECUTE EXTERNAL SCRIPT', on.language('Python'), 'alice')),
    when: script('alice'),
    then: OK,
  },
  {
    name: 'the per-language permission for Python does not allow R',
    given: (w) => w.permit(grant('EXECUTE EXTERNAL SCRIPT', on.language('Python'), 'alice')),
    when: script('alice', 'R'),
    then: M297,
  },
  {
    name: 'a per-language DENY wins over EXECUTE ANY EXTERNAL SCRIPT',
    given: (w) => {
      w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice'));
      w.permit(deny('EXECUTE EXTERNAL SCRIPT', on.language('R'), 'alice'));
    },
    when: script('alice', 'R'),
    then: M297,
  },
  {
    name: 'DENY EXECUTE ANY EXTERNAL SCRIPT wins over a per-language GRANT',
    given: (w) => {
      w.permit(grant('EXECUTE EXTERNAL SCRIPT', on.language('Python'), 'alice'));
      w.permit(deny('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'alice'));
    },
    when: script('alice'),
    then: M297,
  },
  { name: 'db_owner members run scripts without a grant', given: (w) => w.addMember('db_owner', 'alice'), when: script('alice'), then: OK },
  {
    name: 'EXECUTE ANY EXTERNAL SCRIPT granted to a role reaches its nested members',
    given: (w) => {
      w.permit(grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'readers'));
      w.addMember('scientists', 'alice');
    },
    when: script('alice'),
    then: OK,
  },
  { name: 'CONTROL SERVER implies EXECUTE ANY EXTERNAL SCRIPT', given: (w) => w.permit(grant('CONTROL SERVER', undefined, 'erin'), 'master'), when: script('erin'), then: OK },
  {
    name: 'a login without a user in the database: Msg 916 before Msg 297',
    when: script('olga'),
    then: 'Msg 916, Level 14, State 1: The server principal "olga" is not able to access the database "ml" under the current security context.',
  },

  // loopback with implied authentication
  {
    name: 'loopback without a login for the worker group fails with Msg 18456',
    when: (w) => acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: w.as('alice') }),
    then: "Msg 18456, Level 14, State 1: Login failed for user 'sqlml01'.",
  },
  {
    name: "loopback with a worker-group login runs with the caller's permissions",
    given: (w) => {
      w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' } }));
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice'));
    },
    when: (w) => then(acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: w.as('alice') }), (s) => selectAs(w, s)),
    then: OK,
  },
  {
    name: "loopback gets no more than the caller's permissions",
    given: (w) => w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' } })),
    when: (w) => then(acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: w.as('alice') }), (s) => selectAs(w, s)),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'loopback with the worker-group login disabled fails with Msg 18456',
    given: (w) => w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' }, disabled: true })),
    when: (w) => acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml02', caller: w.as('alice') }),
    then: "Msg 18456, Level 14, State 1: Login failed for user 'sqlml02'.",
  },
  {
    name: 'loopback with CONNECT SQL denied to the worker group fails with Msg 18456',
    given: (w) => {
      w.apply(createLogin(w.catalog, w.admin(), { name: 'sqlmlworkers', source: { kind: 'os-group' } }));
      w.permit(deny('CONNECT SQL', undefined, 'sqlmlworkers'), 'master');
    },
    when: (w) => acceptLoopbackConnection(w.catalog, { workerGroup: 'sqlmlworkers', workerName: 'sqlml01', caller: w.as('alice') }),
    then: "Msg 18456, Level 14, State 1: Login failed for user 'sqlml01'.",
  },

  // who may change security
  { name: 'CREATE LOGIN without ALTER ANY LOGIN fails with Msg 15247', when: (w) => createLogin(w.catalog, w.as('alice'), { name: 'zed', source: { kind: 'os-user' } }), then: M15247 },
  {
    name: 'securityadmin members create logins',
    given: (w) => w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'securityadmin', member: 'sec', action: 'add' })),
    when: (w) => createLogin(w.catalog, w.as('sec'), { name: 'zed', source: { kind: 'os-user' } }),
    then: OK,
  },
  { name: 'CREATE USER without ALTER ANY USER fails with Msg 15247', when: (w) => createUser(w.catalog, w.as('alice'), 'ml', { name: 'olga', mapping: { kind: 'login', login: 'olga' } }), then: M15247 },
  {
    name: 'db_accessadmin members create users',
    given: (w) => w.addMember('db_accessadmin', 'alice'),
    when: (w) => createUser(w.catalog, w.as('alice'), 'ml', { name: 'olga', mapping: { kind: 'login', login: 'olga' } }),
    then: OK,
  },
  {
    name: 'GRANT on an object the grantor cannot see fails with Msg 15151',
    when: (w) => applyPermissionStatement(w.catalog, w.as('alice'), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'bob')),
    then: "Msg 15151, Level 16, State 1: Cannot find the object 'iris', because it does not exist or you do not have permission.",
  },
  {
    name: 'GRANT of a permission held without GRANT OPTION fails with Msg 4613',
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice')),
    when: (w) => applyPermissionStatement(w.catalog, w.as('alice'), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'bob')),
    then: 'Msg 4613, Level 16, State 1: Grantor does not have GRANT permission.',
  },
  {
    name: 'WITH GRANT OPTION lets the grantee grant it on',
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { withGrantOption: true })),
    when: (w) =>
      then(applyPermissionStatement(w.catalog, w.as('alice'), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'bob')), (catalog) => {
        w.catalog = catalog;
        return selectAs(w, w.as('bob'));
      }),
    then: OK,
  },
  {
    name: 'db_securityadmin members grant permissions in their database',
    given: (w) => w.addMember('db_securityadmin', 'sec'),
    when: (w) => applyPermissionStatement(w.catalog, w.as('sec'), 'ml', grant('EXECUTE ANY EXTERNAL SCRIPT', undefined, 'bob')),
    then: OK,
  },
  {
    name: 'the owner of a schema grants on it',
    when: (w) => applyPermissionStatement(w.catalog, w.as('bob'), 'ml', grant('EXECUTE', on.schema('lab'), 'alice')),
    then: OK,
  },
  {
    name: 'adding a member to a fixed role needs db_owner: db_securityadmin gets Msg 15151',
    given: (w) => w.addMember('db_securityadmin', 'sec'),
    when: (w) => alterRoleMember(w.catalog, w.as('sec'), 'ml', { role: 'db_datareader', member: 'alice', action: 'add' }),
    then: "Msg 15151, Level 16, State 1: Cannot alter the role 'db_datareader', because it does not exist or you do not have permission.",
  },
  {
    name: 'db_securityadmin members change user-defined roles',
    given: (w) => w.addMember('db_securityadmin', 'sec'),
    when: (w) => alterRoleMember(w.catalog, w.as('sec'), 'ml', { role: 'readers', member: 'alice', action: 'add' }),
    then: OK,
  },
  {
    name: 'a user cannot add itself to a role',
    when: (w) => alterRoleMember(w.catalog, w.as('alice'), 'ml', { role: 'readers', member: 'alice', action: 'add' }),
    then: "Msg 15151, Level 16, State 1: Cannot alter the role 'readers', because it does not exist or you do not have permission.",
  },
  { name: 'sp_configure changes without ALTER SETTINGS fail with Msg 15247', when: (w) => checkConfigurationChange(w.catalog, w.as('alice')), then: M15247 },
  {
    name: 'serveradmin members may change settings',
    given: (w) => w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'serveradmin', member: 'alice', action: 'add' })),
    when: (w) => checkConfigurationChange(w.catalog, w.as('alice')),
    then: OK,
  },
  {
    name: 'GRANT ALTER SETTINGS lets a login change settings',
    given: (w) => w.permit(grant('ALTER SETTINGS', undefined, 'alice'), 'master'),
    when: (w) => checkConfigurationChange(w.catalog, w.as('alice')),
    then: OK,
  },
  {
    name: 'securityadmin cannot add members to sysadmin',
    given: (w) => w.apply(alterServerRoleMember(w.catalog, w.admin(), { role: 'securityadmin', member: 'sec', action: 'add' })),
    when: (w) => alterServerRoleMember(w.catalog, w.as('sec'), { role: 'sysadmin', member: 'sec', action: 'add' }),
    then: "Msg 15151, Level 16, State 1: Cannot alter the server role 'sysadmin', because it does not exist or you do not have permission.",
  },
  {
    name: 'CREATE DATABASE without CREATE ANY DATABASE fails with Msg 262',
    when: (w) => createDatabase(w.catalog, w.as('alice'), 'mine'),
    then: "Msg 262, Level 14, State 1: CREATE DATABASE permission denied in database 'master'.",
  },
  {
    name: 'DROP USER of a user that does not exist fails with Msg 15151',
    when: (w) => dropUser(w.catalog, w.admin(), 'ml', 'nobody'),
    then: "Msg 15151, Level 16, State 1: Cannot drop the user 'nobody', because it does not exist or you do not have permission.",
  },
  {
    name: 'REVOKE of a permission granted WITH GRANT OPTION needs CASCADE (Msg 4611)',
    given: (w) => w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { withGrantOption: true })),
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', revoke('SELECT', on.object('dbo', 'iris'), 'alice')),
    then: 'Msg 4611, Level 16, State 1: To revoke or deny grantable privileges, specify the CASCADE option.',
  },
  {
    name: 'REVOKE ... CASCADE also takes back what the grantee granted',
    given: (w) => {
      w.permit(grant('SELECT', on.object('dbo', 'iris'), 'alice', { withGrantOption: true }));
      w.apply(applyPermissionStatement(w.catalog, w.as('alice'), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'bob')));
      w.permit(revoke('SELECT', on.object('dbo', 'iris'), 'alice', { cascade: true }));
    },
    when: sel('bob'),
    then: SELECT_IRIS_DENIED,
  },
  {
    name: 'GRANT to dbo fails with Msg 4624',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'dbo')),
    then: 'Msg 4624, Level 16, State 1: Cannot grant, deny, or revoke permissions to sa, dbo, entity owner, information_schema, sys, or yourself.',
  },
  {
    name: 'GRANT to a fixed role fails with Msg 4617',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('SELECT', on.object('dbo', 'iris'), 'db_datareader')),
    then: 'Msg 4617, Level 16, State 1: Cannot grant, deny or revoke permissions to or from special roles.',
  },
  {
    name: 'GRANT CONNECT to a role fails with Msg 4627',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('CONNECT', undefined, 'readers')),
    then: 'Msg 4627, Level 16, State 1: Cannot grant, deny, or revoke the connect database permission to roles and application roles.',
  },
  {
    name: 'server permissions are granted in master only (Msg 4621)',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('ALTER SETTINGS', undefined, 'alice')),
    then: 'Msg 4621, Level 16, State 1: Permissions at the server scope can only be granted when the current database is master',
  },
  {
    name: 'CREATE DATABASE is granted in master only (Msg 4619)',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('CREATE DATABASE', undefined, 'alice')),
    then: 'Msg 4619, Level 16, State 1: CREATE DATABASE permission can only be granted in the master database.',
  },
  {
    name: 'a permission that does not apply to the class fails with Msg 4606',
    when: (w) => applyPermissionStatement(w.catalog, w.admin(), 'ml', grant('IMPERSONATE', on.object('dbo', 'iris'), 'alice')),
    then: 'Msg 4606, Level 16, State 1: Granted or revoked privilege IMPERSONATE is not compatible with object.',
  },
];

test('the matrix has at least 60 cases, each named once', () => {
  assert.ok(cases.length >= 60, `only ${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  test(c.name, () => {
    const world = new World();
    c.given?.(world);
    assert.equal(outcome(c.when(world)), c.then);
  });
}
