// The satellites' runtimes: Debian's python3 (with python3-pandas) and Rscript (r-base-core),
// each with the runner program from server/resources/satellite that the launcher copies into
// every session folder.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScriptLanguage } from '../../core/launcher/request';

export interface Runtime {
  language: ScriptLanguage;
  /** The interpreter, from the settings. */
  path: string;
  /** The Debian package(s) to install when it is missing. */
  debianPackage: string;
  /** The setting that points at it. */
  setting: string;
  runnerFile: string;
  scriptFile: string;
  /** The runtime's argument vector for a runner at runnerPath. */
  argv(runnerPath: string): string[];
}

function pythonRuntime(path: string): Runtime {
  return {
    language: 'python',
    path,
    debianPackage: 'python3-pandas',
    setting: 'sqlml.python.path',
    runnerFile: 'runner.py',
    scriptFile: 'script.py',
    // -I: ignore PYTHON* variables and the user's site folder (isolation.md §2f: also faster).
    argv: (runner) => [path, '-I', runner],
  };
}

function rRuntime(path: string): Runtime {
  return {
    language: 'r',
    path,
    debianPackage: 'r-base-core',
    setting: 'sqlml.r.path',
    runnerFile: 'runner.R',
    scriptFile: 'script.R',
    argv: (runner) => [path, '--vanilla', runner],
  };
}

/** The runtime the launcher's settings name for a language. */
export function runtimeFor(language: ScriptLanguage, settings: { pythonPath: string; rscriptPath: string }): Runtime {
  return language === 'python' ? pythonRuntime(settings.pythonPath) : rRuntime(settings.rscriptPath);
}

/** Undefined when the runtime can be run; else the sentence that says how to fix it. */
export function runtimeProblem(runtime: Runtime): string | undefined {
  try {
    accessSync(runtime.path, constants.X_OK);
    return undefined;
  } catch {
    return `${runtime.path} was not found or cannot be run. Install Debian's ${runtime.debianPackage} (apt-get install ${runtime.debianPackage}) or set ${runtime.setting}.`;
  }
}

// The runners live in server/resources/satellite. From the sources this file is
// server/src/node/launcher/; bundled, it is server/dist/. Both are below server/.
function satelliteFolder(from: string = __dirname): string | undefined {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'satellite');
    if (existsSync(join(candidate, 'runner.py'))) return candidate;
  }
  return undefined;
}

/** The relay a runner starts for drivers inside the sandbox (written beside the runner). */
export const RELAY_FILE = 'tds_relay.py';

export type Runners = { ok: true; sources: Record<ScriptLanguage, string>; relay: string } | { ok: false; problem: string };

/** Reads both runner programs once, at start; a broken installation is a clear refusal. */
export function loadRunners(): Runners {
  const folder = satelliteFolder();
  if (!folder) return { ok: false, problem: "sqlml's satellite runners (resources/satellite) were not found beside the launcher. Reinstall sqlml." };
  try {
    return {
      ok: true,
      sources: { python: readFileSync(join(folder, 'runner.py'), 'utf8'), r: readFileSync(join(folder, 'runner.R'), 'utf8') },
      relay: readFileSync(join(folder, RELAY_FILE), 'utf8'),
    };
  } catch (e) {
    return { ok: false, problem: `Cannot read the satellite runners in ${folder}: ${(e as Error).message}` };
  }
}
