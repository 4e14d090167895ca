// The database each document runs in, as mssql keeps one per editor (its Use Database / Change
// Database): chosen with Use Database, else the sqlml.run.database setting, else the login's
// default database. Pure (no vscode): the status bar item and Run Script read it.

export class DocumentDatabases {
  private readonly chosen = new Map<string, string>();
  private readonly listeners = new Set<(document: string) => void>();

  /** Use Database: from now on the document's runs start in `database`. */
  use(document: string, database: string): void {
    this.chosen.set(document, database);
    for (const listener of this.listeners) listener(document);
  }

  /** The database a run of the document starts in; undefined: the login's default database. */
  databaseFor(document: string, configured: string | undefined): string | undefined {
    const database = this.chosen.get(document) ?? configured?.trim();
    return database ? database : undefined;
  }

  /** The status bar's words for it. */
  label(document: string, configured: string | undefined): string {
    return this.databaseFor(document, configured) ?? 'default database';
  }

  forget(document: string): void {
    this.chosen.delete(document);
  }

  onDidChange(listener: (document: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
