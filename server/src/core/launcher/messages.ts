// The messages a statement receives, in SQL Server's words (mlservices-facts.md §1.6): what the
// script prints arrives as "STDOUT/STDERR message(s) from external script:", failures as
// Msg 39004 + 39019 (script error), 39021 (runtime cannot start) or 39012 (runtime lost).
import { formatDuration } from './errors';
import { languageLabel } from './identifiers';
import type { ScriptLanguage } from './request';

export type MessageKind = 'stdout' | 'stderr' | 'error';

export interface LauncherMessage {
  kind: MessageKind;
  /** SQL Server's message number for errors; null for printed output and launcher notices. */
  number: number | null;
  text: string;
  /** A line of the user's script (1-based) the message is about, for the editor; else null. */
  line: number | null;
}

export const STDOUT_PREFIX = 'STDOUT message(s) from external script:';
export const STDERR_PREFIX = 'STDERR message(s) from external script:';

export function printedMessage(kind: 'stdout' | 'stderr', text: string): LauncherMessage {
  return { kind, number: null, text: `${kind === 'stdout' ? STDOUT_PREFIX : STDERR_PREFIX}\n${text}`, line: null };
}

const HRESULT_ABORT = '0x80004004';

/** Msg 39004 then 39019 carrying the runtime's message and traceback, lines in the user's script. */
export function scriptErrorMessages(language: ScriptLanguage, sessionId: string, detail: string, line: number | null): LauncherMessage[] {
  const label = languageLabel(language);
  return [
    {
      kind: 'error',
      number: 39004,
      text: `A '${label}' script error occurred during execution of 'sp_execute_external_script' with HRESULT ${HRESULT_ABORT}. External script request id is ${sessionId}.`,
      line,
    },
    {
      kind: 'error',
      number: 39019,
      text: `An external script error occurred: \n${detail}\n\nError in execution.  Check the output for more information.`,
      line,
    },
  ];
}

/** Msg 39021 + 39019: the runtime could not be started at all (missing, or missing pandas). */
export function runtimeLaunchMessages(language: ScriptLanguage, detail: string): LauncherMessage[] {
  const label = languageLabel(language);
  return [
    {
      kind: 'error',
      number: 39021,
      text: `Unable to launch runtime for '${label}' script. Please check the configuration of the '${label}' runtime.`,
      line: null,
    },
    { kind: 'error', number: 39019, text: `An external script error occurred: \nUnable to launch the runtime. ${detail}`, line: null },
  ];
}

/** Msg 39012: the runtime went away without returning its results (killed, crashed). */
export function runtimeLostMessages(language: ScriptLanguage, sessionId: string, detail: string): LauncherMessage[] {
  const label = languageLabel(language);
  return [
    {
      kind: 'error',
      number: 39012,
      text: `Unable to communicate with the runtime for '${label}' script for request id: ${sessionId}. Please check the requirements of '${label}' runtime.`,
      line: null,
    },
    { kind: 'error', number: 39019, text: `An external script error occurred: \n${detail}`, line: null },
  ];
}

export function timeoutMessage(sessionId: string, timeoutMs: number): LauncherMessage {
  return {
    kind: 'error',
    number: null,
    text: `The statement timeout of ${formatDuration(timeoutMs)} passed: the external script was stopped (request id ${sessionId}).`,
    line: null,
  };
}

export function cancelledMessage(sessionId: string): LauncherMessage {
  return { kind: 'error', number: null, text: `The statement was cancelled: the external script was stopped (request id ${sessionId}).`, line: null };
}

/** A failure of the launcher itself (no free worker, a folder it could not make). */
export function launcherMessage(text: string): LauncherMessage {
  return { kind: 'error', number: null, text, line: null };
}
