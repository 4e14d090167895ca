// Which call, and which argument of it, a document offset falls in.
import type { Analysis, CallAnalysis } from '../analysis/analyze';
import type { CallArgument } from '../scriptCall/call';

export function callAt(analysis: Analysis, offset: number): CallAnalysis | undefined {
  // Calls in dynamic SQL nest inside the EXEC of their string; prefer the innermost.
  let best: CallAnalysis | undefined;
  for (const c of analysis.calls) {
    const [start, end] = c.call.range;
    if (offset >= start && offset <= end && (!best || start >= best.call.range[0])) best = c;
  }
  return best;
}

export function argumentAt(call: CallAnalysis, offset: number): CallArgument | undefined {
  return call.call.args.find((a) => offset >= a.range[0] && offset <= a.range[1]);
}
