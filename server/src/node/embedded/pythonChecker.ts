// Checks embedded Python with the real interpreter: resources/python_check.py runs as one
// long-lived process (ast/compile for syntax, pyflakes for undefined names and other warnings).
import type {
  EmbeddedCheckRequest,
  EmbeddedCheckResult,
  EmbeddedChecker,
  EmbeddedFinding,
  EmbeddedUnavailable,
} from '../../core/embedded/ports';
import { scriptLines, toScriptRange, type AnalyzerSpan } from './columns';
import { LineProcess } from './lineProcess';
import { findResource } from './resources';
import {
  DEFAULT_PYTHON_PATH,
  analyzerUnavailable,
  processUnavailable,
  protocolUnavailable,
  pythonRuntime,
  resourceUnavailable,
  type Runtime,
} from './runtimes';

export interface PythonCheckerOptions {
  /** The interpreter (sqlml.python.path); default Debian's /usr/bin/python3. */
  pythonPath?: string;
  timeoutMs?: number;
}

const SCRIPT = 'python_check.py';

/** One line of python_check.py's output (see the protocol in that file). */
interface PythonResponse {
  id?: unknown;
  error?: string;
  pyflakes?: boolean;
  pyflakesError?: string | null;
  findings?: Array<AnalyzerSpan & { kind: EmbeddedFinding['kind']; message: string }>;
}

export class PythonChecker implements EmbeddedChecker {
  /** The analyzer process; exposed so callers can see how often it started and how busy it is. */
  readonly process: LineProcess | undefined;
  private readonly runtime: Runtime;
  private nextId = 1;

  constructor(options: PythonCheckerOptions = {}) {
    this.runtime = pythonRuntime(options.pythonPath ?? DEFAULT_PYTHON_PATH);
    const script = findResource(SCRIPT);
    // -I: isolated mode, so PYTHON* variables, the user's site-packages and the current
    // directory cannot change what gets imported. -B: never write .pyc files anywhere.
    this.process = script
      ? new LineProcess({ command: this.runtime.path, args: ['-I', '-B', script], timeoutMs: options.timeoutMs })
      : undefined;
  }

  async check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    if (!this.process) return { findings: [], unavailable: [resourceUnavailable(this.runtime, SCRIPT)] };
    const id = this.nextId++;
    const reply = await this.process.request(
      JSON.stringify({ id, script: request.script, names: request.knownNames }),
    );
    if (!reply.ok) {
      const unavailable = processUnavailable(this.runtime, reply);
      return unavailable ? { findings: [], unavailable: [unavailable] } : { findings: [] };
    }
    let response: PythonResponse | undefined;
    try {
      response = JSON.parse(reply.line) as PythonResponse;
    } catch {
      response = undefined;
    }
    if (response?.id !== id) {
      // Not the answer to this request: start over rather than pair answers with the wrong scripts.
      this.process.restart();
      return { findings: [], unavailable: [protocolUnavailable(this.runtime, reply.line)] };
    }
    if (response.error !== undefined) {
      return { findings: [], unavailable: [analyzerUnavailable(this.runtime, response.error)] };
    }
    const lines = scriptLines(request.script);
    const findings = (response.findings ?? []).map(
      (f): EmbeddedFinding => ({ kind: f.kind, message: f.message, ...toScriptRange(lines, f) }),
    );
    const unavailable = this.pyflakesUnavailable(response);
    return unavailable ? { findings, unavailable: [unavailable] } : { findings };
  }

  dispose(): void {
    this.process?.dispose();
  }

  private pyflakesUnavailable(response: PythonResponse): EmbeddedUnavailable | undefined {
    if (!response.pyflakes) {
      return {
        tool: 'pyflakes',
        message:
          `Undefined-name checks are off: pyflakes is not installed for ${this.runtime.path}. ` +
          "Install Debian's python3-pyflakes (apt-get install python3-pyflakes); syntax is still checked.",
      };
    }
    if (response.pyflakesError) {
      return {
        tool: 'pyflakes',
        message: `pyflakes could not check this script (${response.pyflakesError}); only its syntax was checked.`,
      };
    }
    return undefined;
  }
}
