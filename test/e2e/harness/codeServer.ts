// Starts code-server (a real VS Code workbench served over HTTP) with a fresh user-data-dir, its own extensions
// folder into which the sqlml VSIX (npm run package) is installed with --install-extension, as a user installs
// it, and a workspace folder; stops it by killing its whole process group (server, extension host, our
// language server and whatever those started).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type E2eTools } from './tools';
import { waitUntil } from './wait';

/** User settings that keep the workbench quiet and predictable: no welcome page, trust prompt, tips or chat. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'editor.minimap.enabled': false,
};

export interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
  main: string;
}

export function extensionManifest(): ExtensionManifest {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as ExtensionManifest;
}

/** The VSIX `npm run package` builds (scripts/package.mjs names it so). */
export function vsixPath(manifest = extensionManifest()): string {
  return join(REPO_ROOT, `${manifest.name}-linux-x64-${manifest.version}.vsix`);
}

/** Why the VSIX can't be tested: missing, or older than the bundles it should carry (a stale package tests old code). */
export function vsixProblem(manifest = extensionManifest()): string | undefined {
  const vsix = vsixPath(manifest);
  if (!existsSync(vsix)) return `${vsix} is missing: run \`npm run package\` first`;
  for (const built of [manifest.main, 'server/dist/main.js']) {
    const file = join(REPO_ROOT, built);
    if (existsSync(file) && statSync(file).mtimeMs > statSync(vsix).mtimeMs) return `${vsix} is older than ${built}: run \`npm run package\` again`;
  }
  return undefined;
}

export class CodeServer {
  private output = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    const append = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
    });
  }

  /** The workbench address, once code-server says it listens. */
  url = '';

  /**
   * Lays out `root` (user data, extensions, config, temp) and starts code-server on a free port chosen by the
   * system (--bind-addr 127.0.0.1:0; the port is read from its log) with `workspace` open. `env` is added to its
   * environment (what the extension reads from there, as a connection profile's password: never an argument).
   */
  static async start(tools: E2eTools, root: string, workspace: string, env: Record<string, string> = {}): Promise<CodeServer> {
    const userData = join(root, 'user-data');
    const extensions = join(root, 'extensions');
    const temp = join(root, 'tmp');
    for (const dir of [join(userData, 'User'), extensions, temp, join(root, 'xdg-config'), join(root, 'xdg-data')]) {
      mkdirSync(dir, { recursive: true });
    }
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    installVsix(tools, root, userData, extensions);

    const args = [
      tools.codeServer,
      '--config', join(root, 'config.yaml'), // else it writes ~/.config/code-server/config.yaml
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      workspace,
    ];
    const child = spawn(tools.node, args, {
      cwd: root,
      env: { ...serverEnv(root), ...env },
      detached: true, // its own process group, so that stop() reaches every descendant
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new CodeServer(child, join(root, 'code-server.log'));
    liveGroups.add(child.pid!);
    try {
      server.url = await waitUntil(
        async () => {
          if (server.exited) throw new Error(`code-server exited (${JSON.stringify(server.exited)}):\n${server.output}`);
          return /HTTP server listening on (http:\/\/\S+)/.exec(server.output)?.[1];
        },
        { timeoutMs: 60_000, what: 'code-server to listen', lastSeen: () => server.output.slice(-2000) },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Everything code-server and the VS Code server printed so far. */
  get log(): string {
    return this.output;
  }

  /** Kills the process group (SIGTERM, then SIGKILL if it lingers) and writes the log to `root`. */
  async stop(): Promise<void> {
    const pid = this.child.pid!;
    if (liveGroups.has(pid)) {
      signalGroup(pid, 'SIGTERM');
      const gone = await waitUntil(async () => !groupAlive(pid) || undefined, { timeoutMs: 5_000, what: 'code-server to stop' }).catch(() => false);
      if (!gone) signalGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    }
    writeFileSync(this.logFile, this.output);
  }
}

/** `code-server --install-extension <vsix>` into this test's extensions folder: the packaged extension, not the source tree. */
function installVsix(tools: E2eTools, root: string, userData: string, extensions: string): void {
  const manifest = extensionManifest();
  const problem = vsixProblem(manifest);
  if (problem) throw new Error(problem);
  const args = [tools.codeServer, '--config', join(root, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsixPath(manifest)];
  const installed = spawnSync(tools.node, args, { cwd: root, env: serverEnv(root), encoding: 'utf8', timeout: 120_000 });
  const output = `${installed.stdout ?? ''}${installed.stderr ?? ''}`;
  // The folder is publisher.name-version (VS Code may add the target platform).
  const folder = readdirSync(extensions).find((name) => name.startsWith(`${manifest.publisher}.${manifest.name}-${manifest.version}`));
  if (installed.status !== 0 || !folder || !existsSync(join(extensions, folder, 'package.json'))) {
    throw new Error(`code-server --install-extension ${vsixPath(manifest)} failed (exit ${installed.status ?? installed.signal}):\n${output}`);
  }
}

/** The environment of the test minus what would make code-server act as another VS Code's CLI or change its port. */
function serverEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VSCODE_|CODE_SERVER_|ELECTRON_)/.test(key)) continue;
    if (['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'GITHUB_TOKEN'].includes(key)) continue;
    env[key] = value;
  }
  env.TMPDIR = join(root, 'tmp'); // the VS Code server's IPC sockets and temp files stay inside root
  env.XDG_CONFIG_HOME = join(root, 'xdg-config');
  env.XDG_DATA_HOME = join(root, 'xdg-data');
  return env;
}

// Process groups still running, killed synchronously if the test process exits without stopping them
// (a test timeout abandons its function, so its finally blocks may never run).
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
