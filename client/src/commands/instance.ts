// Select Instance, Start/Stop Embedded Instance, Provision Worker Accounts, Refresh.
import { env, window, workspace, type QuickPickItem } from 'vscode';
import { InstanceListRequest, InstanceStartRequest, InstanceStopRequest, ProvisionWorkersRequest } from '../../../server/src/protocol';
import { connectionProfiles, selectedProfile, updateSetting } from '../credentials';
import type { CommandContext } from './context';

export async function selectInstance(ctx: CommandContext): Promise<void> {
  const instances = await ctx.server.request0(InstanceListRequest);
  type Pick = QuickPickItem & { path?: string; browse?: boolean; profile?: string };
  const profile = selectedProfile();
  const items: Pick[] = instances.map((i) => ({
    label: `${i.current && !profile ? '$(check) ' : ''}${i.isDefault ? 'Embedded default instance' : i.name}`,
    description: i.path,
    detail: [i.owner ? `sysadmin ${i.owner}` : 'not created yet', i.isolation ? `isolation ${i.isolation}${i.isolation === 'none' ? ' (UNISOLATED)' : ''}` : null].filter(Boolean).join(' · '),
    path: i.isDefault ? '' : i.path,
  }));
  // Connection profiles (sqlml.connections), as the mssql extension lists its own.
  for (const p of connectionProfiles()) {
    const remote = p.authenticationType !== 'EmbeddedOsLogin';
    items.push({
      label: `${profile?.profileName === p.profileName ? '$(check) ' : ''}$(${remote ? 'server' : 'vm'}) ${p.profileName}`,
      description: remote ? `${p.server ?? '?'},${p.port ?? 1433}${p.database ? ` · ${p.database}` : ''}` : (p.instancePath ?? 'embedded default instance'),
      detail: remote
        ? `SQL login ${p.user ?? '?'} over TDS · password ${p.passwordEnvironmentVariable ? `from $${p.passwordEnvironmentVariable}` : 'in secret storage'} · Sessions and Pools views: embedded instances only`
        : 'your OS login on the embedded instance',
      profile: p.profileName,
    });
  }
  items.push({ label: '$(folder-opened) Browse for an instance folder…', browse: true });
  const picked = await window.showQuickPick(items, { title: 'SQL ML: Select Instance', placeHolder: 'The instance the editor checks against and runs on' });
  if (!picked) return;
  if (picked.profile !== undefined) {
    await updateSetting('instance.connection', picked.profile);
    await ctx.credentials.restore();
    await ctx.store.refresh();
    return;
  }
  await updateSetting('instance.connection', '');
  let path = picked.path;
  if (picked.browse) {
    const folders = await window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this instance', title: 'An sqlml instance folder (it holds instance.json)' });
    if (!folders?.[0]) return;
    path = folders[0].fsPath;
  }
  await updateSetting('instance.path', path ?? '');
  await ctx.credentials.restore();
  await ctx.store.refresh();
}

export async function startInstance(ctx: CommandContext): Promise<void> {
  if (!workspace.isTrusted) {
    void window.showWarningMessage('SQL ML: instances are not started from an untrusted workspace.');
    return;
  }
  await ctx.store.refresh(true).catch(() => undefined);
  const state = ctx.store.state;
  let create = false;
  if (state?.status === 'missing') {
    const answer = await window.showInformationMessage(
      `There is no instance at ${state.path}. Create it (you become its sysadmin; as root its worker accounts are created too) and start it?`,
      { modal: true },
      'Create and Start',
    );
    if (answer !== 'Create and Start') return;
    create = true;
  }
  const result = await window.withProgress({ location: { viewId: 'sqlml.pools' }, title: 'Starting the instance' }, () => ctx.server.request(InstanceStartRequest, { create }));
  if (result.ok) void window.showInformationMessage(`SQL ML: ${result.message}`);
  else void window.showErrorMessage(`SQL ML: the instance did not start: ${result.message}`);
  await ctx.store.refresh().catch(() => undefined);
}

export async function stopInstance(ctx: CommandContext): Promise<void> {
  const result = await ctx.server.request0(InstanceStopRequest);
  if (result.ok) void window.showInformationMessage(`SQL ML: ${result.message}`);
  else void window.showErrorMessage(`SQL ML: ${result.message}`);
}

export async function provisionWorkers(ctx: CommandContext): Promise<void> {
  if (!workspace.isTrusted) {
    void window.showWarningMessage('SQL ML: worker accounts are not provisioned from an untrusted workspace.');
    return;
  }
  const result = await ctx.server.request0(ProvisionWorkersRequest);
  const channel = ctx.output.channel;
  channel.appendLine(`Provision worker accounts ${result.prefix}01…${result.prefix}${String(result.workers).padStart(2, '0')}:`);
  for (const line of result.lines) channel.appendLine(`  ${line}`);
  if (result.ran) {
    if (result.ok) void window.showInformationMessage(`SQL ML: worker accounts ${result.prefix}01…${String(result.workers).padStart(2, '0')} are ready.`);
    else void window.showErrorMessage('SQL ML: provisioning failed; see the SQL ML output.', 'Show Output').then((c) => c && ctx.output.show());
    await ctx.store.refresh().catch(() => undefined);
    return;
  }
  ctx.output.show();
  const choice = await window.showWarningMessage(`SQL ML: creating worker accounts needs root. Run as root: ${result.command}`, 'Copy Command');
  if (choice === 'Copy Command') await env.clipboard.writeText(result.command);
}

export async function refresh(ctx: CommandContext): Promise<void> {
  await ctx.store.refresh(true);
}
