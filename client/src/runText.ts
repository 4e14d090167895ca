// How a run's messages read as text in the output channel. Pure.
import type { RunMessage } from '../../server/src/protocol';

/** A message's lines: the SSMS header with the file:line it is about (a link in the output view), then the text. */
export function messageLines(message: RunMessage, file: string): string[] {
  const text = message.text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (!message.header) return text;
  const where = message.line !== null ? ` (${file}:${message.line + 1})` : '';
  return [`${message.header}${where}`, ...text];
}

export function runHeading(at: Date, text: string): string {
  return `[${at.toLocaleTimeString('en-GB', { hour12: false })}] ${text}`;
}

/** What a run scope is called in messages. */
export function scopeLabel(scope: 'file' | 'selection' | 'call'): string {
  return scope === 'file' ? 'the file' : scope === 'selection' ? 'the selection' : 'the call at the cursor';
}
