// The status bar item of the current database of the active .sql editor (as mssql shows it);
// clicking it runs Use Database.
import { StatusBarAlignment, window, workspace, type Disposable, type StatusBarItem } from 'vscode';
import type { DocumentDatabases } from './documentDatabases';

export class DatabaseStatusBar implements Disposable {
  private readonly item: StatusBarItem;
  private readonly subscriptions: Disposable[];

  constructor(private readonly databases: DocumentDatabases) {
    this.item = window.createStatusBarItem('sqlml.database', StatusBarAlignment.Left, 49);
    this.item.name = 'SQL ML Database';
    this.item.command = 'sqlml.useDatabase';
    this.subscriptions = [
      window.onDidChangeActiveTextEditor(() => this.update()),
      workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sqlml.run.database') && this.update()),
      workspace.onDidCloseTextDocument((d) => databases.forget(d.uri.toString())),
      databases.onDidChange(() => this.update()),
    ];
    this.update();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private update(): void {
    const document = window.activeTextEditor?.document;
    if (!document || document.languageId !== 'sql') {
      this.item.hide();
      return;
    }
    const configured = workspace.getConfiguration('sqlml', document.uri).get<string>('run.database');
    this.item.text = `$(database) ${this.databases.label(document.uri.toString(), configured)}`;
    this.item.tooltip = 'The database Run Script starts in. Click to use another (SQL ML: Use Database).';
    this.item.show();
  }
}
