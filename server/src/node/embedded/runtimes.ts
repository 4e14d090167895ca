// Which program runs each analyzer, and the sentences users see when it cannot. A sentence about
// a missing or broken runtime names the Debian package that provides it and the setting.
import type { EmbeddedUnavailable } from '../../core/embedded/ports';
import type { LineFailure } from './lineProcess';

/** Debian's interpreter, not whatever python3 comes first on PATH (often one without pyflakes). */
export const DEFAULT_PYTHON_PATH = '/usr/bin/python3';
export const DEFAULT_RSCRIPT_PATH = '/usr/bin/Rscript';

export interface Runtime {
  tool: 'python' | 'r';
  /** How users call the language: "Python", "R". */
  label: string;
  path: string;
  /** What the setting must point at. */
  program: string;
  debianPackage: string;
  setting: string;
}

export function pythonRuntime(path: string): Runtime {
  return {
    tool: 'python',
    label: 'Python',
    path,
    program: 'a Python 3 interpreter',
    debianPackage: 'python3',
    setting: 'sqlml.python.path',
  };
}

export function rRuntime(path: string): Runtime {
  return { tool: 'r', label: 'R', path, program: 'Rscript', debianPackage: 'r-base-core', setting: 'sqlml.r.path' };
}

function installHint(runtime: Runtime): string {
  return `Install Debian's ${runtime.debianPackage} (apt-get install ${runtime.debianPackage}) or set ${runtime.setting}.`;
}

/** The analyzer process could not answer; undefined when it was shut down on purpose. */
export function processUnavailable(runtime: Runtime, failure: LineFailure): EmbeddedUnavailable | undefined {
  const { tool, label, path } = runtime;
  switch (failure.failure) {
    case 'spawn': {
      const what = failure.code === 'ENOENT' ? 'was not found' : `could not be started (${failure.code})`;
      return { tool, message: `${label} checks are off: ${path} ${what}. ${installHint(runtime)}` };
    }
    case 'exit':
      return {
        tool,
        message: `${label} checks are off: ${path} stopped before answering (${failure.detail}). ${installHint(runtime)}`,
      };
    case 'timeout':
      return {
        tool,
        message: `${label} checks gave up on this script after ${failure.timeoutMs / 1000} s; the checker was restarted.`,
      };
    case 'disposed':
      return undefined;
  }
}

/** The answer was not the analyzer's: most likely the setting points at some other program. */
export function protocolUnavailable(runtime: Runtime, answer: string): EmbeddedUnavailable {
  return {
    tool: runtime.tool,
    message:
      `${runtime.label} checks failed: ${runtime.path} gave an unexpected answer ${JSON.stringify(answer.slice(0, 200))}. ` +
      `Check that ${runtime.setting} points to ${runtime.program}.`,
  };
}

/** The analyzer ran but could not handle this request (it reports rather than crashes). */
export function analyzerUnavailable(runtime: Runtime, detail: string): EmbeddedUnavailable {
  return { tool: runtime.tool, message: `${runtime.label} checks failed on this script: ${detail}` };
}

/** The analyzer script itself is not beside the server: a broken installation. */
export function resourceUnavailable(runtime: Runtime, file: string): EmbeddedUnavailable {
  return {
    tool: runtime.tool,
    message: `${runtime.label} checks are off: sqlml's ${file} was not found beside the language server. Reinstall the extension.`,
  };
}
