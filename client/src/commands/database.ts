// Use Database (mssql's Change Database): pick, from the databases the login sees, the one the
// active document's runs start in.
import { window } from 'vscode';
import { DatabasesRequest } from '../../../server/src/protocol';
import type { CommandContext } from './context';

export async function useDatabase(ctx: CommandContext): Promise<string | undefined> {
  const editor = window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'sql') {
    void window.showWarningMessage('SQL ML: open a .sql file to choose the database it runs in.');
    return undefined;
  }
  const { databases, message } = await ctx.server.request0(DatabasesRequest);
  if (databases.length === 0) {
    void window.showWarningMessage(`SQL ML: cannot list the databases: ${message ?? 'the instance listed none'}. Start the instance (SQL ML: Start Instance) and try again.`);
    return undefined;
  }
  const document = editor.document.uri.toString();
  const picked = await window.showQuickPick(databases, { title: 'SQL ML: Use Database', placeHolder: 'The database Run Script starts in' });
  if (picked === undefined) return undefined;
  ctx.databases.use(document, picked);
  return picked;
}
