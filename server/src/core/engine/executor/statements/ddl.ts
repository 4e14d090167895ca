// USE, CREATE / DROP DATABASE, CREATE SCHEMA, CREATE / ALTER / DROP TABLE. The security core decides who
// may; the storage gets the database file or the schema; the catalog change is durable before
// the statement reports success.
import type { Statement } from '../../ast';
import { createDatabase, dropDatabase, registerSchema, userName } from '../../../security';
import { openScope } from '../../../security/evaluate';
import { findDatabase } from '../../../security/lookup';
import { quoteIdentifier, translateCreateTable } from '../../translate';
import { NEXT, type Flow, type StatementContext } from '../context';
import { fail, notInMultiStatementTransaction, refuse } from '../errors';
import { runAlterTable } from './alterTable';
import { createTableAt, dropTable } from './tables';

export const DDL_KINDS: ReadonlySet<string> = new Set(['use', 'createDatabase', 'dropDatabase', 'createSchema', 'createTable', 'alterTable', 'dropTable']);

type DdlStatement = Extract<Statement, { kind: 'use' | 'createDatabase' | 'dropDatabase' | 'createSchema' | 'createTable' | 'alterTable' | 'dropTable' }>;

export async function runDdl(s: Statement, ctx: StatementContext): Promise<Flow> {
  const st = s as DdlStatement;
  const session = ctx.session;
  const instance = session.instance;
  switch (st.kind) {
    case 'use': {
      if (ctx.frame.procedure) return fail(154, 15, 1, 'a USE database statement is not allowed in a procedure, function or trigger.', st, 'batch');
      const opened = openScope(session.catalog, session.security, st.database.name);
      if (!opened.ok) return refuse(opened.error, st.database);
      session.useDatabase(opened.value.db!.name);
      ctx.sink.databaseChanged?.(opened.value.db!.name);
      return NEXT;
    }
    case 'createDatabase': {
      // A database's file is created and attached at once, which no transaction could undo.
      if (session.transactionCount > 0) return notInMultiStatementTransaction('CREATE DATABASE', st);
      await ctx.lockCatalog();
      const checked = createDatabase(session.catalog, session.security, st.name.name);
      if (!checked.ok) return refuse(checked.error, st.name);
      await instance.ports.storage.createDatabase(st.name.name);
      await session.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(st.name.name)}."dbo"`, [], st);
      const created = createDatabase(session.catalog, session.security, st.name.name);
      if (!created.ok) return refuse(created.error, st.name);
      await session.saveDocument({ ...session.document, security: created.value });
      return NEXT;
    }
    case 'dropDatabase':
      if (session.transactionCount > 0) return notInMultiStatementTransaction('DROP DATABASE', st);
      await ctx.lockCatalog();
      for (const name of st.names) {
        const db = findDatabase(session.catalog, name.name);
        if (!db && st.ifExists) continue;
        const dropped = dropDatabase(session.catalog, session.security, name.name);
        if (!dropped.ok) return refuse(dropped.error, name);
        if ([...instance.databasesInUse.values()].some((d) => d.toLowerCase() === db!.name.toLowerCase())) {
          return fail(3702, 16, 4, `Cannot drop database "${db!.name}" because it is currently in use.`, name);
        }
        const elsewhere = (p: { database: string }) => p.database.toLowerCase() !== db!.name.toLowerCase();
        const procedures = session.document.procedures.filter(elsewhere);
        const modules = session.document.modules?.filter(elsewhere);
        // Its external libraries go with it: a new database of the same name must not inherit them.
        const libraries = session.document.externalLibraries ?? [];
        const externalLibraries = libraries.filter(elsewhere);
        await session.saveDocument({ ...session.document, security: dropped.value, procedures, ...(modules ? { modules } : {}), externalLibraries });
        session.tables.removeDatabase(db!.name);
        await instance.ports.storage.dropDatabase(db!.name);
        for (const library of libraries.filter((l) => !elsewhere(l))) await instance.ports.libraries?.remove(library.folder);
      }
      return NEXT;
    case 'createSchema': {
      await ctx.lockCatalog();
      ctx.check('CREATE SCHEMA', { class: 'DATABASE' }, st);
      const owner = st.owner?.name ?? userName(session.catalog, session.security, session.database) ?? undefined;
      const checked = registerSchema(session.catalog, session.database, st.name.name, owner);
      if (!checked.ok) return refuse(checked.error, st.name);
      session.noteWrite(session.database);
      await session.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(session.database)}.${quoteIdentifier(st.name.name)}`, [], st);
      const registered = registerSchema(session.catalog, session.database, st.name.name, owner);
      if (!registered.ok) return refuse(registered.error, st.name);
      await session.saveDocument({ ...session.document, security: registered.value });
      return NEXT;
    }
    case 'createTable': {
      const used = ctx.ports();
      await createTableAt(ctx, st.name, (location) => ctx.translated(translateCreateTable(st.definition, location, used.ports)), st);
      return NEXT;
    }
    case 'alterTable':
      await runAlterTable(st, ctx);
      return NEXT;
    case 'dropTable':
      for (const name of st.names) await dropTable(ctx, name, st.ifExists);
      return NEXT;
  }
}
