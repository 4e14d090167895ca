// The status bar item: the instance, the login and the launcher's isolation mode (in the warning
// colour when scripts run unisolated or can't run at all); clicking it picks another instance.
import { MarkdownString, StatusBarAlignment, ThemeColor, window, type Disposable, type StatusBarItem } from 'vscode';
import type { InstanceStore } from './instanceStore';
import { statusText } from './statusText';

export class InstanceStatusBar implements Disposable {
  private readonly item: StatusBarItem;
  private readonly subscription: Disposable;

  constructor(private readonly store: InstanceStore) {
    this.item = window.createStatusBarItem('sqlml.instance', StatusBarAlignment.Left, 50);
    this.item.name = 'SQL ML Instance';
    this.item.command = 'sqlml.selectInstance';
    this.subscription = store.onDidChange((what) => {
      if (what === 'state' || what === 'pools') this.update();
    });
    this.update();
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private update(): void {
    const state = this.store.state;
    const launcherProblem = state?.status === 'connected' ? (this.store.pools?.view?.problem ?? null) : null;
    const { text, warning, error } = statusText(state, launcherProblem);
    this.item.text = text;
    this.item.backgroundColor = error ? new ThemeColor('statusBarItem.errorBackground') : warning ? new ThemeColor('statusBarItem.warningBackground') : undefined;
    const tooltip = new MarkdownString(undefined, true);
    if (state) {
      tooltip.appendMarkdown(`**SQL ML instance** \`${state.name}\`${state.isDefault ? ' (embedded default)' : ''}\n\n`);
      tooltip.appendMarkdown(`- Folder: \`${state.path}\`\n- Status: ${state.status}\n- Login: ${state.login ?? 'unknown'}${state.authentication ? ` (${state.authentication === 'os' ? 'OS login' : 'SQL login'})` : ''}\n`);
      tooltip.appendMarkdown(`- Isolation: ${state.isolation ?? 'unknown'}${state.unisolated ? ' — **UNISOLATED**: scripts run as plain processes' : ''}\n`);
      if (launcherProblem) tooltip.appendMarkdown(`\n**Scripts can't run:** ${escapeMarkdown(launcherProblem)} (see the Pools view)\n`);
      if (state.message) tooltip.appendMarkdown(`\n${escapeMarkdown(state.message)}\n`);
    } else {
      tooltip.appendMarkdown('SQL ML: connecting to the language server…\n');
    }
    tooltip.appendMarkdown('\nClick to pick another instance.');
    this.item.tooltip = tooltip;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
