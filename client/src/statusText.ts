// The status bar's words for the instance state: instance · login · isolation, or why it is not
// connected; a warning colour when scripts run unisolated, when the launcher says it cannot run
// them (the Pools view says why and how to fix it), or when something needs doing. Pure.
import type { InstanceState } from '../../server/src/protocol';

/** `launcherProblem`: why the connected instance's launcher cannot run scripts (the Pools view's problem), if it can't. */
export function statusText(state: InstanceState | undefined, launcherProblem: string | null = null): { text: string; warning: boolean; error: boolean } {
  if (!state) return { text: '$(database) SQL ML', warning: false, error: false };
  switch (state.status) {
    case 'connected':
      if (launcherProblem) return { text: `$(warning) ${state.name} · ${state.login ?? '?'}: scripts can't run`, warning: true, error: false };
      return { text: `$(database) ${state.name} · ${state.login ?? '?'} · ${state.isolation ?? 'isolation ?'}`, warning: state.unisolated, error: false };
    case 'stopped':
      return { text: `$(debug-disconnect) ${state.name}: stopped`, warning: false, error: false };
    case 'missing':
      return { text: `$(circle-slash) ${state.name}: no instance`, warning: true, error: false };
    case 'needsPassword':
      return { text: `$(key) ${state.name} · ${state.login ?? '?'}: password needed`, warning: true, error: false };
    case 'unavailable':
      return { text: `$(error) ${state.name}: unavailable`, warning: false, error: true };
  }
}
