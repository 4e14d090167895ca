// What a script prints, turned into SQL Server's informational messages while the script runs:
// output is gathered for a moment and sent in whole lines, so that a statement sees progress live
// without one message per write; past the per-stream bound the rest is discarded, with a notice,
// so a flood cannot grow the launcher's memory.
import { StringDecoder } from 'node:string_decoder';
import { printedMessage, type LauncherMessage } from '../../core/launcher/messages';

const FLUSH_DELAY_MS = 25;
const MAX_PENDING_CHARS = 64 * 1024;

export class PrintedStream {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private kept = 0;
  private truncated = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kind: 'stdout' | 'stderr',
    private readonly maxBytes: number,
    private readonly emit: (message: LauncherMessage) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.maxBytes - this.kept;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.kept += part.length;
    this.pending += this.decoder.write(part);
    if (part.length < chunk.length) {
      this.truncated = true;
      this.flush(true);
      const label = this.kind === 'stdout' ? 'STDOUT' : 'STDERR';
      this.emit(printedMessage(this.kind, `(${label} truncated: the script printed more than ${this.maxBytes} bytes; the rest was discarded.)`));
      return;
    }
    if (this.pending.length >= MAX_PENDING_CHARS) this.flush(false);
    else this.timer ??= setTimeout(() => this.flush(false), FLUSH_DELAY_MS);
  }

  /** Sends what is left; called when the stream ends. */
  end(): void {
    if (!this.truncated) this.pending += this.decoder.end();
    this.flush(true);
  }

  private flush(all: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Whole lines only while the script runs, unless a single line is already very long.
    const cut = all || this.pending.length >= MAX_PENDING_CHARS ? this.pending.length : this.pending.lastIndexOf('\n') + 1;
    const text = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    if (text.length > 0) this.emit(printedMessage(this.kind, text.endsWith('\n') ? text.slice(0, -1) : text));
    if (!all && this.pending.length > 0) this.timer = setTimeout(() => this.flush(true), FLUSH_DELAY_MS * 4);
  }
}
