// One document symbol per call, named by its language and where it lives.
import type { Analysis } from '../analysis/analyze';

export interface CallSymbol {
  name: string;
  detail: string;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
}

export function callSymbols(analysis: Analysis): CallSymbol[] {
  return analysis.calls.map((c) => {
    const language = c.bound.language ?? 'unknown language';
    const where = [c.call.procedure ? `in ${c.call.procedure}` : null, c.call.depth > 0 ? 'dynamic SQL' : null, c.call.insertTarget ? `INSERT into ${c.call.insertTarget.name}` : null]
      .filter(Boolean)
      .join(', ');
    return {
      name: `sp_execute_external_script (${language})`,
      detail: where,
      start: c.call.range[0],
      end: c.call.range[1],
      selectionStart: c.call.nameRange[0],
      selectionEnd: c.call.nameRange[1],
    };
  });
}
