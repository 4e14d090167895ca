// The instance's life cycle from the editor: start it (creating it when asked), stop it, list the
// instances this user has, and provision the launcher's worker accounts (or say the root command).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInstanceWithCli } from './create';
import { DEFAULT_POOL_SIZE, defaultPool } from '../../core/launcher/pools';
import { instanceWorkerPrefix } from '../../core/launcher/workerPrefix';
import { provision } from '../../node/launcher/accounts';
import { cliEntry, InstanceClient } from '../../node/instance/instanceClient';
import { readInstanceConfig } from '../../node/instance/instanceConfig';
import { describeProfile, type TdsProfile } from '../../node/remote/profile';
import { instanceLayout, instancesRoot, type InstanceLayout } from '../../node/instance/layout';
import type { InstanceActionResult, InstanceListItem, ProvisionResult } from '../../protocol';
import type { Connect, InstanceLink } from './link';
import type { EditorTarget } from '../editorLogin';
import { untrustedRefusal } from '../workspaceTrust';

export interface AdminOptions {
  target(): EditorTarget;
  link: InstanceLink;
  /** Whether the workspace is trusted: starting, creating and provisioning are refused while it is not. */
  trusted(): boolean;
  connect?: Connect;
}

const CLIENT_NAME = 'sqlml language server (start)';

export class InstanceAdmin {
  private readonly connectTo: Connect;

  constructor(private readonly options: AdminOptions) {
    this.connectTo = options.connect ?? ((layout, o) => InstanceClient.connect(layout, o));
  }

  async start(create: boolean): Promise<InstanceActionResult> {
    if (!this.options.trusted()) return this.result(false, untrustedRefusal('instances are not started or created'));
    const target = this.options.target();
    if (target.tds) return this.result(false, notEmbedded(target.tds, create ? 'created or started' : 'started'));
    let layout: InstanceLayout;
    try {
      layout = instanceLayout({ path: target.path });
      if (!existsSync(layout.configFile)) {
        if (!create) return this.result(false, `there is no instance at ${layout.root}`);
        await createInstanceWithCli(target.path === undefined ? undefined : layout.root);
      }
      // Started as `sqlml instance start` starts it: a service that runs until stopped.
      const client = await this.connectTo(layout, { autoStart: true, idleStopSeconds: 0, clientName: CLIENT_NAME, ...(target.sqlLogin ? { sqlLogin: target.sqlLogin } : {}) });
      const status = await client.status().catch(() => null);
      client.close();
      await this.options.link.ensure();
      return this.result(true, `instance '${layout.name}' is running${status ? ` (pid ${status.pid}, isolation ${status.isolation})` : ''}`);
    } catch (err) {
      return this.result(false, err instanceof Error ? err.message : String(err));
    }
  }

  async stop(): Promise<InstanceActionResult> {
    const { tds } = this.options.target();
    if (tds) return this.result(false, notEmbedded(tds, 'stopped'));
    const client = await this.options.link.ensure();
    const state = this.options.link.current;
    if (!client) return this.result(state.status === 'stopped', state.status === 'stopped' ? `instance '${state.name}' is not running` : (state.message ?? 'not connected'));
    try {
      const closed = new Promise<void>((resolve) => client.onClose(resolve));
      await client.shutdown();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
      return this.result(true, `instance '${state.name}' stopped`);
    } catch (err) {
      return this.result(false, err instanceof Error ? err.message : String(err));
    }
  }

  list(): InstanceListItem[] {
    const target = this.options.target();
    const current = safeLayout(target.path);
    const items: InstanceListItem[] = [];
    const add = (layout: InstanceLayout, isDefault: boolean) => {
      if (items.some((i) => i.path === layout.root)) return;
      let owner: string | null = null;
      let isolation: string | null = null;
      try {
        const config = readInstanceConfig(layout);
        owner = config.owner.name;
        isolation = config.launcher.mode;
      } catch {
        if (!isDefault && layout.root !== current?.root) return; // not an instance
      }
      items.push({ name: layout.name, path: layout.root, isDefault, owner, isolation, current: layout.root === current?.root });
    };
    add(instanceLayout(), true);
    if (current) add(current, target.path === undefined);
    const root = instancesRoot();
    let names: string[] = [];
    try {
      names = readdirSync(root).sort();
    } catch {
      // no instances yet
    }
    for (const name of names) {
      if (existsSync(join(root, name, 'instance.json'))) add(instanceLayout({ path: join(root, name) }), false);
    }
    return items;
  }

  async provision(): Promise<ProvisionResult> {
    const target = this.options.target();
    if (target.tds) return { ok: false, ran: false, prefix: '', workers: 0, command: '', lines: [notEmbedded(target.tds, 'given worker accounts')] };
    const layout = safeLayout(target.path);
    // An instance not created yet will get its own prefix (core/launcher/workerPrefix.ts), as `instance create` gives it.
    let prefix = layout ? instanceWorkerPrefix(layout.name, layout.root) : defaultPool().prefix;
    let workers = DEFAULT_POOL_SIZE;
    let mode: string | null = null;
    if (layout) {
      try {
        const config = readInstanceConfig(layout);
        prefix = config.launcher.prefix;
        workers = config.launcher.workers;
        mode = config.launcher.mode;
      } catch {
        // no instance yet: sqlml's defaults, which the default instance is created with
      }
    }
    const command = `sudo ${process.execPath} ${safeCli()} launcher provision --prefix ${prefix} --workers ${workers}`;
    const base = { prefix, workers, command };
    const note = mode && mode !== 'accounts' ? [`(the instance isolates scripts by ${mode}; worker accounts are used in mode 'accounts')`] : [];
    if (!this.options.trusted()) return { ...base, ok: false, ran: false, lines: [untrustedRefusal('worker accounts are not provisioned')] };
    if (process.getuid?.() !== 0) {
      return { ...base, ok: false, ran: false, lines: ['Worker accounts are real system users: creating them needs root. Run, as root:', command, ...note] };
    }
    const report = await provision(prefix, workers);
    return { ...base, ok: report.ok, ran: true, lines: [...report.lines, ...note] };
  }

  private result(ok: boolean, message: string): InstanceActionResult {
    return { ok, message, state: this.options.link.current };
  }
}

/** Why an action on sqlml's own instances does not apply to the connection profile's SQL Server. */
function notEmbedded(profile: TdsProfile, what: string): string {
  return `the editor uses the SQL Server at ${describeProfile(profile)} (sqlml.instance.connection): only sqlml's embedded instances are ${what} from here; clear sqlml.instance.connection to use one`;
}

function safeLayout(path: string | undefined): InstanceLayout | null {
  try {
    return instanceLayout({ path });
  } catch {
    return null;
  }
}

function safeCli(): string {
  try {
    return cliEntry();
  } catch {
    return 'server/dist/cli.js';
  }
}
