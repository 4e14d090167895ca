// SQL logins' passwords: kept in VS Code's SecretStorage (per instance folder and login), never in
// settings, and handed to the language server with sqlml/setCredentials, which the pre-flight and
// the runs and views share.
import { ConfigurationTarget, window, workspace, type Disposable, type SecretStorage } from 'vscode';
import { SetCredentialsRequest, type CredentialsNeededParams, type SetCredentialsResult } from '../../server/src/protocol';
import type { ServerLink } from './serverLink';

export class CredentialStore implements Disposable {
  private readonly subscriptions: Disposable[];
  private prompting = false;

  constructor(
    private readonly secrets: SecretStorage,
    private readonly server: ServerLink,
  ) {
    this.subscriptions = [
      server.onCredentialsNeeded((params) => void this.needed(params)),
      server.onRunning((running) => {
        if (running) void this.restore();
      }),
      workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sqlml.instance') || e.affectsConfiguration('sqlml.connections')) void this.restore();
      }),
    ];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  /** Gives the server the stored password of the configured login, if there is one. */
  async restore(): Promise<void> {
    const login = configuredLogin();
    if (!login) return;
    const password = await this.secrets.get(secretKey(instancePath(), login));
    if (password !== undefined) await this.send(login, password);
  }

  /** Switches to the OS login (the socket vouches for the user; no password). */
  async useOsLogin(): Promise<void> {
    await updateSetting('instance.login', '');
    await this.send('', '');
  }

  /** Switches to a SQL login, storing its password once the instance accepted it. */
  async useSqlLogin(login: string, password: string): Promise<SetCredentialsResult> {
    await updateSetting('instance.login', login);
    const result = await this.send(login, password);
    if (result.ok) await this.secrets.store(secretKey(instancePath(), login), password);
    return result;
  }

  async forget(login: string): Promise<void> {
    await this.secrets.delete(secretKey(instancePath(), login));
  }

  /** The server lacks the password of the configured login: use the stored one, or ask. */
  private async needed(params: CredentialsNeededParams): Promise<void> {
    const stored = await this.secrets.get(secretKey(instancePath(), params.login));
    if (stored !== undefined) {
      await this.send(params.login, stored);
      return;
    }
    if (this.prompting) return;
    this.prompting = true;
    try {
      const choice = await window.showWarningMessage(`SQL ML: the instance login '${params.login}' needs its password (${params.instance}).`, 'Enter Password', 'Use My OS Login');
      if (choice === 'Use My OS Login') await this.useOsLogin();
      if (choice !== 'Enter Password') return;
      const password = await window.showInputBox({ title: `Password of login '${params.login}'`, password: true, ignoreFocusOut: true, prompt: 'Kept in VS Code\u2019s secret storage, never in settings.' });
      if (password === undefined) return;
      const result = await this.useSqlLogin(params.login, password);
      if (!result.ok) void window.showErrorMessage(`SQL ML: ${result.message ?? `login '${params.login}' was refused`}`);
    } finally {
      this.prompting = false;
    }
  }

  /**
   * Sends the credentials. The server may not have the new login setting yet (it reads settings
   * asynchronously), in which case it answers that the setting's login lacks its password: try
   * again shortly.
   */
  private async send(login: string, password: string): Promise<SetCredentialsResult> {
    let result: SetCredentialsResult = { ok: false, login: null };
    for (let attempt = 0; attempt < 5; attempt++) {
      result = await this.server.request(SetCredentialsRequest, { login, password });
      if (result.ok || !/has not given its password/.test(result.message ?? '')) return result;
      await new Promise((r) => setTimeout(r, 300));
    }
    return result;
  }
}

export function secretKey(instance: string, login: string): string {
  return `sqlml.password:${instance}:${login.toLowerCase()}`;
}

export function configuredLogin(): string {
  const profile = selectedProfile();
  if (profile?.authenticationType === 'SqlLogin') return profile.user ?? '';
  return (workspace.getConfiguration('sqlml').get<string>('instance.login') ?? '').trim();
}

/** Where passwords are kept for: the instance folder, or the connection profile's server. */
export function instancePath(): string {
  const profile = selectedProfile();
  if (profile?.authenticationType === 'SqlLogin') return `tds:${profile.server},${profile.port ?? 1433}`;
  return (profile?.instancePath ?? workspace.getConfiguration('sqlml').get<string>('instance.path') ?? '').trim();
}

/** The fields of a sqlml.connections profile the editor reads (the server validates them all). */
export interface ProfileSetting {
  profileName: string;
  authenticationType?: 'SqlLogin' | 'EmbeddedOsLogin';
  server?: string;
  port?: number;
  user?: string;
  database?: string;
  instancePath?: string;
  encrypt?: boolean | string;
  passwordEnvironmentVariable?: string;
}

export function connectionProfiles(): ProfileSetting[] {
  const raw = workspace.getConfiguration('sqlml').get<unknown>('connections');
  return Array.isArray(raw) ? raw.filter((p): p is ProfileSetting => !!p && typeof p === 'object' && typeof (p as ProfileSetting).profileName === 'string') : [];
}

/** The profile sqlml.instance.connection names, if any. */
export function selectedProfile(): ProfileSetting | undefined {
  const name = (workspace.getConfiguration('sqlml').get<string>('instance.connection') ?? '').trim().toLowerCase();
  if (name === '') return undefined;
  return connectionProfiles().find((p) => p.profileName.toLowerCase() === name);
}

/** Writes a machine-overridable setting where it is in effect: the workspace's when it sets one, else the user's. */
export async function updateSetting(key: string, value: string): Promise<void> {
  const config = workspace.getConfiguration('sqlml');
  const inspected = config.inspect<string>(key);
  const target = inspected?.workspaceFolderValue !== undefined ? ConfigurationTarget.WorkspaceFolder : inspected?.workspaceValue !== undefined ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
  if (target === ConfigurationTarget.WorkspaceFolder) {
    // A folder setting needs the folder; the first one is as good as any for these machine-wide values.
    const folder = workspace.workspaceFolders?.[0];
    if (folder) {
      await workspace.getConfiguration('sqlml', folder.uri).update(key, value, target);
      return;
    }
  }
  await config.update(key, value, target);
}
