// Checks embedded R with R's own parser: resources/r_check.R runs as one long-lived Rscript
// process. Base R cannot read JSON, so scripts and messages travel as hex of their UTF-8 bytes.
import type { EmbeddedCheckRequest, EmbeddedCheckResult, EmbeddedChecker } from '../../core/embedded/ports';
import { scriptLines, toScriptRange } from './columns';
import { LineProcess } from './lineProcess';
import { findResource } from './resources';
import {
  DEFAULT_RSCRIPT_PATH,
  analyzerUnavailable,
  processUnavailable,
  protocolUnavailable,
  rRuntime,
  resourceUnavailable,
  type Runtime,
} from './runtimes';

export interface RCheckerOptions {
  /** Rscript (sqlml.r.path); default Debian's /usr/bin/Rscript. */
  rscriptPath?: string;
  timeoutMs?: number;
}

const SCRIPT = 'r_check.R';

/** How many tab-separated fields each kind of answer has (see r_check.R). */
const FIELD_COUNTS: Record<string, number | undefined> = { ok: 2, error: 6, fail: 3 };

export class RChecker implements EmbeddedChecker {
  /** The analyzer process; exposed so callers can see how often it started and how busy it is. */
  readonly process: LineProcess | undefined;
  private readonly runtime: Runtime;
  private nextId = 1;

  constructor(options: RCheckerOptions = {}) {
    this.runtime = rRuntime(options.rscriptPath ?? DEFAULT_RSCRIPT_PATH);
    const script = findResource(SCRIPT);
    this.process = script
      ? new LineProcess({
          command: this.runtime.path,
          // --vanilla: no site or user profile, which could print to stdout and break the protocol.
          args: ['--vanilla', script],
          // R's parser counts columns in characters only in a UTF-8 locale, and its messages must
          // be the untranslated English ones that r_check.R recognises.
          env: { ...process.env, LC_ALL: 'C.UTF-8', LANGUAGE: 'en' },
          timeoutMs: options.timeoutMs,
        })
      : undefined;
  }

  async check(request: EmbeddedCheckRequest): Promise<EmbeddedCheckResult> {
    if (!this.process) return { findings: [], unavailable: [resourceUnavailable(this.runtime, SCRIPT)] };
    const id = this.nextId++;
    // R reads scripts through text connections, which accept CRLF and CR line ends, but parse()
    // rejects a bare '\r'; send LF only. Line numbers and columns are unchanged by this.
    const script = request.script.replace(/\r\n?/g, '\n');
    const reply = await this.process.request(`${id}\t${Buffer.from(script, 'utf8').toString('hex')}`);
    if (!reply.ok) {
      const unavailable = processUnavailable(this.runtime, reply);
      return unavailable ? { findings: [], unavailable: [unavailable] } : { findings: [] };
    }
    const fields = reply.line.split('\t');
    const [answerId, status, line, col, endCol, message] = fields;
    if (answerId !== String(id) || FIELD_COUNTS[status!] !== fields.length) {
      // Not the answer to this request: start over rather than pair answers with the wrong scripts.
      this.process.restart();
      return { findings: [], unavailable: [protocolUnavailable(this.runtime, reply.line)] };
    }
    if (status === 'ok') return { findings: [] };
    if (status === 'fail') return { findings: [], unavailable: [analyzerUnavailable(this.runtime, fromHex(fields[2]!))] };
    const span = { line: Number(line), col: Number(col), endLine: Number(line), endCol: Number(endCol) };
    const range = toScriptRange(scriptLines(request.script), span);
    return { findings: [{ kind: 'syntax', message: fromHex(message!), ...range }] };
  }

  dispose(): void {
    this.process?.dispose();
  }
}

function fromHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}
