// A T-SQL text cut at its GO lines into the batches a client sends one by one (as sqlcmd and SSMS
// do), each with the 0-based line where it starts, so a server's 1-based line numbers within a
// batch map back onto the text.
import { lexBatch } from './lexer';

export interface GoBatch {
  text: string;
  /** 0-based line of the whole text where the batch starts. */
  line: number;
  /** GO n runs the batch n times. */
  repeat: number;
}

export function goBatches(text: string): GoBatch[] {
  const out: GoBatch[] = [];
  let line = 0;
  let countedTo = 0;
  // `from` is where lexBatch goes on (the line break ending a GO line); `start` where the batch's text begins, past it.
  for (let from = 0, start = 0; from < text.length; ) {
    const lexed = lexBatch(text, from);
    const last = lexed.tokens[lexed.tokens.length - 1];
    const go = last?.kind === 'go' ? last : undefined;
    const end = go ? go.start : lexed.next;
    // Comments alone are sent too when the lexer had something to say (an unclosed one): the server says it.
    if (lexed.tokens.length > (go ? 1 : 0) || lexed.problems.length > 0) {
      line += newlines(text, countedTo, start);
      countedTo = start;
      out.push({ text: text.slice(start, end), line, repeat: go?.count ?? 1 });
    }
    if (lexed.next <= from) break;
    from = lexed.next;
    start = pastLineBreak(text, from);
  }
  return out;
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function pastLineBreak(text: string, at: number): number {
  if (text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10) return at + 2;
  return text.charCodeAt(at) === 10 || text.charCodeAt(at) === 13 ? at + 1 : at;
}
