// What the commands work with.
import type { EventEmitter, ExtensionContext } from 'vscode';
import type { RunScriptResult } from '../../../server/src/protocol';
import type { CredentialStore } from '../credentials';
import type { DocumentDatabases } from '../documentDatabases';
import type { InstanceStore } from '../instanceStore';
import type { ResultsPanels } from '../results/panel';
import type { RunOutput } from '../runOutput';
import type { RunningRuns } from '../runningRuns';
import type { ServerLink } from '../serverLink';

export interface CommandContext {
  extension: ExtensionContext;
  server: ServerLink;
  store: InstanceStore;
  output: RunOutput;
  results: ResultsPanels;
  credentials: CredentialStore;
  /** The runs going on, by document (Run Script asks before a second one; Cancel Run stops them). */
  runs: RunningRuns;
  /** The database each document runs in (Use Database). */
  databases: DocumentDatabases;
  /** Fired when a run ends (the extension's API passes it on to tests). */
  didRun: EventEmitter<RunScriptResult>;
}

/** A session as the commands get it: from a tree row (its data) or from a caller's argument. */
export type SessionArgument = { data?: { sessionId?: string }; sessionId?: string } | string | undefined;

export function sessionIdOf(arg: SessionArgument): string | undefined {
  if (typeof arg === 'string') return arg;
  return arg?.data?.sessionId ?? arg?.sessionId;
}
