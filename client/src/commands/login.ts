// Select Login (the OS login, or a SQL login whose password goes to SecretStorage) and Check
// Permissions (as the login connected, or as another one, as EXECUTE AS LOGIN checks).
import { commands, window, type QuickPickItem } from 'vscode';
import { PreflightCheckRequest } from '../../../server/src/protocol';
import { configuredLogin } from '../credentials';
import type { CommandContext } from './context';
import { plural } from '../../../server/src/core/text/plural';

export async function selectLogin(ctx: CommandContext): Promise<void> {
  const current = configuredLogin();
  type Pick = QuickPickItem & { kind?: undefined; choice: 'os' | 'sql' | 'forget' };
  const items: Pick[] = [
    { label: '$(person) My OS login', description: current === '' ? 'in use' : '', detail: 'The instance knows you by the socket you connect through, as Windows authentication does.', choice: 'os' },
    { label: '$(key) A SQL login…', description: current !== '' ? `in use: ${current}` : '', detail: 'A login with a password; the password is kept in VS Code\u2019s secret storage, never in settings.', choice: 'sql' },
  ];
  if (current !== '') items.push({ label: `$(trash) Forget the password of ${current}`, choice: 'forget' });
  const picked = await window.showQuickPick(items, { title: 'SQL ML: Select Login' });
  if (!picked) return;
  if (picked.choice === 'os') {
    await ctx.credentials.useOsLogin();
    await ctx.store.refresh().catch(() => undefined);
    return;
  }
  if (picked.choice === 'forget') {
    await ctx.credentials.forget(current);
    void window.showInformationMessage(`SQL ML: the password of ${current} was forgotten.`);
    return;
  }
  const login = await window.showInputBox({ title: 'SQL login', value: current, prompt: 'The login name', ignoreFocusOut: true, validateInput: (v) => (v.trim() === '' ? 'A login name is needed' : undefined) });
  if (login === undefined) return;
  const password = await window.showInputBox({ title: `Password of ${login.trim()}`, password: true, ignoreFocusOut: true, prompt: 'Kept in VS Code\u2019s secret storage, never in settings.' });
  if (password === undefined) return;
  const result = await ctx.credentials.useSqlLogin(login.trim(), password);
  if (result.ok) void window.showInformationMessage(`SQL ML: connected as ${result.login ?? login.trim()}.`);
  else void window.showErrorMessage(`SQL ML: ${result.message ?? `login '${login.trim()}' was refused`}`);
  await ctx.store.refresh().catch(() => undefined);
}

export async function checkPermissions(ctx: CommandContext): Promise<void> {
  const state = ctx.store.state;
  const me = state?.login ?? 'the login you connect as';
  type Pick = QuickPickItem & { asLogin: string | null | undefined };
  const items: Pick[] = [{ label: `$(person) As ${me}`, description: 'the login you connect as', asLogin: '' }, { label: '$(account) As another login…', description: 'EXECUTE AS LOGIN: you need IMPERSONATE on it, or sysadmin', asLogin: undefined }];
  const picked = await window.showQuickPick(items, { title: 'SQL ML: Check Permissions' });
  if (!picked) return;
  let asLogin = picked.asLogin;
  if (asLogin === undefined) {
    const name = await window.showInputBox({ title: 'Check permissions as login', prompt: 'A login of the instance', validateInput: (v) => (v.trim() === '' ? 'A login name is needed' : undefined) });
    if (name === undefined) return;
    asLogin = name.trim();
  }
  const uri = window.activeTextEditor?.document.languageId === 'sql' ? window.activeTextEditor.document.uri.toString() : undefined;
  const result = await ctx.server.request(PreflightCheckRequest, { ...(uri ? { uri } : {}), asLogin });
  if (!result.reachable || result.message) {
    void window.showWarningMessage(`SQL ML: ${result.message ?? 'the instance could not be asked'}`);
    return;
  }
  const who = result.login ?? (asLogin || me);
  const text = `SQL ML: checked ${plural(result.documents, 'document')} as ${who}: ${result.problems === 0 ? 'no permission problems' : `${plural(result.problems, 'problem')} (see Problems)`}.`;
  if (result.problems > 0) {
    void window.showWarningMessage(text);
    await commands.executeCommand('workbench.actions.view.problems');
  } else {
    void window.showInformationMessage(text);
  }
}
