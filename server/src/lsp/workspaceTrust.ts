// Whether the editor trusts the workspace (VS Code's workspace trust). Opening a folder must never make
// sqlml run anything: while untrusted, the server does not start or create an instance, run scripts or
// provision worker accounts, whatever a request or the pre-flight asks. The client says the trust at start
// (initializationOptions.workspaceTrusted) and when it is granted (sqlml/workspaceTrust); a server that is
// never told treats the workspace as untrusted.
//
// What stays allowed while untrusted: connecting to an instance that is already running (that runs nothing
// new), and the embedded Python/R checks, whose interpreter paths VS Code takes only from user settings in an
// untrusted workspace (package.json restrictedConfigurations).

export class WorkspaceTrust {
  private trusted = false;
  private readonly listeners = new Set<() => void>();

  get isTrusted(): boolean {
    return this.trusted;
  }

  set(trusted: boolean): void {
    const granted = trusted && !this.trusted;
    this.trusted = trusted;
    if (granted) for (const listener of this.listeners) listener();
  }

  /** Called each time trust is granted. */
  onGranted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A refusal in words for the user: `what` says what is not done ("scripts are not run"). */
export function untrustedRefusal(what: string): string {
  return `${what} in an untrusted workspace: trust the workspace (Workspaces: Manage Workspace Trust) to allow it`;
}
