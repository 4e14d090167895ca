// Cancel Session, Open Session Folder, Show Session Output: from a row of the Sessions or Pools
// view, or from the command palette (which asks which session).
import { commands, FileType, Uri, window, workspace, type QuickPickItem } from 'vscode';
import { CancelSessionRequest, type SessionInfo } from '../../../server/src/protocol';
import { isActive, languageLabel, orderSessions } from '../views/sessionsModel';
import { sessionIdOf, type CommandContext, type SessionArgument } from './context';

async function pickSession(ctx: CommandContext, title: string, accept: (s: SessionInfo) => boolean): Promise<string | undefined> {
  await ctx.store.refresh(false).catch(() => undefined);
  const sessions = orderSessions(ctx.store.sessions).filter(accept);
  if (sessions.length === 0) {
    void window.showInformationMessage(`SQL ML: no session to choose from (${title.toLowerCase()}).`);
    return undefined;
  }
  const picked = await window.showQuickPick(
    sessions.map((s): QuickPickItem & { id: string } => ({
      id: s.id,
      label: `${s.id.slice(0, 8)} ${languageLabel(s.language)} · ${s.caller}`,
      description: `${s.state} · ${s.worker ?? 'no worker'}`,
      detail: s.id,
    })),
    { title },
  );
  return picked?.id;
}

export async function cancelSession(ctx: CommandContext, arg?: SessionArgument): Promise<void> {
  const id = sessionIdOf(arg) ?? (await pickSession(ctx, 'SQL ML: Cancel Session', isActive));
  if (!id) return;
  const result = await ctx.server.request(CancelSessionRequest, { id });
  if (!result.cancelled) void window.showWarningMessage(`SQL ML: ${result.message ?? `session ${id} was not cancelled`}`);
}

export async function openSessionFolder(ctx: CommandContext, arg?: SessionArgument): Promise<void> {
  const id = sessionIdOf(arg) ?? (await pickSession(ctx, 'SQL ML: Open Session Folder', (s) => !!s.folder));
  if (!id) return;
  const folder = ctx.store.session(id)?.folder;
  if (!folder) {
    void window.showInformationMessage(`SQL ML: session ${id.slice(0, 8)} has no folder any more (it is removed when the session ends).`);
    return;
  }
  const uri = Uri.file(folder);
  let entries: [string, FileType][];
  try {
    entries = await workspace.fs.readDirectory(uri);
  } catch (err) {
    void window.showErrorMessage(`SQL ML: cannot open ${folder}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  type Pick = QuickPickItem & { uri?: Uri; window?: boolean };
  const items: Pick[] = [
    { label: '$(empty-window) Open the folder in a new window', window: true },
    ...entries.sort(([a], [b]) => a.localeCompare(b)).map(([name, type]): Pick => ({ label: `${type === FileType.Directory ? '$(folder)' : '$(file)'} ${name}`, uri: Uri.joinPath(uri, name) })),
  ];
  const picked = await window.showQuickPick(items, { title: `Session folder ${folder}`, placeHolder: entries.length === 0 ? 'The folder is empty' : 'Open a file of the session' });
  if (!picked) return;
  if (picked.window) await commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  else if (picked.uri) await window.showTextDocument(picked.uri, { preview: true });
}

export async function showSessionOutput(ctx: CommandContext, arg?: SessionArgument): Promise<void> {
  const id = sessionIdOf(arg) ?? (await pickSession(ctx, 'SQL ML: Show Session Output', () => true));
  if (!id) return;
  const document = await workspace.openTextDocument(sessionOutputUri(id));
  await window.showTextDocument(document, { preview: true });
}

export const SESSION_OUTPUT_SCHEME = 'sqlml-session';

export function sessionOutputUri(id: string): Uri {
  return Uri.from({ scheme: SESSION_OUTPUT_SCHEME, path: `/session-${id.slice(0, 8)}.log`, query: id });
}
