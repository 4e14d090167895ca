// The "SQL ML" output channel: each run's messages as they happen (script STDOUT/STDERR, PRINT,
// errors with their Msg numbers and the .sql file and line, which the output view turns into a
// link) and a summary line when it ends.
import { window, type Disposable, type OutputChannel, type Uri } from 'vscode';
import type { RunMessage, RunScriptResult } from '../../server/src/protocol';
import { messageLines, runHeading } from './runText';

export class RunOutput implements Disposable {
  readonly channel: OutputChannel;

  constructor() {
    this.channel = window.createOutputChannel('SQL ML');
  }

  started(document: Uri, what: string, where: string): void {
    this.channel.appendLine(runHeading(new Date(), `Run ${what} of ${document.scheme === 'file' ? document.fsPath : document.toString()} on ${where}`));
  }

  message(document: Uri, message: RunMessage): void {
    for (const line of messageLines(message, document.scheme === 'file' ? document.fsPath : document.toString())) this.channel.appendLine(line);
  }

  ended(result: RunScriptResult, summary: string): void {
    if (result.failed) this.channel.appendLine(`Not run: ${result.failed}`);
    this.channel.appendLine(runHeading(new Date(), summary));
    this.channel.appendLine('');
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
