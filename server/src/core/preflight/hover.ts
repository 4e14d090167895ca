// Hover on the input data name (@input_data_1_name's value, the @input_data_1 argument, or the
// name where the script uses it): the columns and types of @input_data_1 as the instance
// describes them (sp_describe_first_result_set).
import type { HoverInfo } from '../features/hover';
import type { Range } from '../scriptCall/call';
import type { CallPlan, PreflightPlan } from './plan';
import type { PreflightAnswers } from './ports';

/** Where the input name is under `offset`, and for which call. */
export function inputNameAt(plan: PreflightPlan, offset: number): { call: CallPlan; range: Range } | null {
  for (const call of plan.calls) {
    if (!call.input) continue;
    const { bound } = call.call;
    const inside = (r: Range | null | undefined) => !!r && offset >= r[0] && offset <= r[1];
    const nameArg = bound.byParam.get('@input_data_1_name');
    if (nameArg && (inside(nameArg.valueRange) || inside(nameArg.nameRange))) return { call, range: inside(nameArg.valueRange) ? nameArg.valueRange : nameArg.nameRange! };
    const inputArg = bound.byParam.get('@input_data_1');
    if (inputArg?.nameRange && inside(inputArg.nameRange)) return { call, range: inputArg.nameRange };
    const script = bound.script;
    if (script) {
      const name = bound.inputName;
      const re = new RegExp(`(?<![A-Za-z0-9_.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g');
      for (const m of script.text.matchAll(re)) {
        const range = script.map.toSourceRange(m.index, m.index + name.length);
        if (inside(range)) return { call, range };
      }
    }
  }
  return null;
}

/** The hover, when the input name is under `offset` and the instance has described the input. */
export function inputColumnsHover(plan: PreflightPlan, answers: PreflightAnswers | null, offset: number): HoverInfo | null {
  const at = inputNameAt(plan, offset);
  if (!at || !answers) return null;
  const { call, range } = at;
  const input = call.input!;
  const described = answers.describes.find(
    (d) => d.query === input.query && (d.database?.toLowerCase() ?? null) === (call.database?.toLowerCase() ?? null),
  );
  if (!described) return null;
  const name = call.call.bound.inputName;
  const lines = [`**${name}**: the rows of @input_data_1, as the instance describes them${call.database ? ` (database ${call.database})` : ''}`, ''];
  if (described.columns === null) {
    const f = described.failure;
    lines.push(`The instance could not describe the query: ${f ? `${f.number !== null ? `Msg ${f.number}, ` : ''}${f.text}` : 'no answer'}`);
  } else if (described.columns.length === 0) {
    lines.push('The query returns no columns.');
  } else {
    lines.push('| column | type |', '|---|---|', ...described.columns.map((c) => `| ${escapeCell(c.name)} | ${escapeCell(c.type)} |`));
  }
  return { markdown: lines.join('\n'), start: range[0], end: range[1] };
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|') || ' ';
}

/** A core hover and the input columns together, the core's first. */
export function mergeHovers(first: HoverInfo | null, second: HoverInfo | null): HoverInfo | null {
  if (!first) return second;
  if (!second) return first;
  return { markdown: `${first.markdown}\n\n---\n\n${second.markdown}`, start: first.start, end: first.end };
}
