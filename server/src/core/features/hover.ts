// Hover text for the procedure name, its parameters, and the script's own parameters.
import type { Analysis } from '../analysis/analyze';
import { callParameter } from '../scriptCall/parameters';
import { argumentAt, callAt } from './callAt';

export interface HoverInfo {
  markdown: string;
  start: number;
  end: number;
}

export function hoverAt(analysis: Analysis, offset: number): HoverInfo | null {
  const call = callAt(analysis, offset);
  if (!call) return null;
  const { nameRange } = call.call;
  if (offset >= nameRange[0] && offset <= nameRange[1]) {
    const language = call.bound.language ? ` — ${call.bound.language}` : '';
    return {
      markdown: [
        `**sp_execute_external_script**${language}`,
        '',
        'Runs an R or Python script (or a language created with CREATE EXTERNAL LANGUAGE) through Machine Learning Services.',
        'Requires `external scripts enabled` on the instance and `EXECUTE ANY EXTERNAL SCRIPT` in the database.',
      ].join('\n'),
      start: nameRange[0],
      end: nameRange[1],
    };
  }
  const arg = argumentAt(call, offset);
  if (!arg?.name || !arg.nameRange || offset > arg.nameRange[1]) return null;
  const param = callParameter(arg.name);
  if (param) {
    const lines = [`\`${param.name} ${param.type}\`${param.required ? ' (required)' : ''}`, '', param.doc];
    if (param.defaultValue) lines.push('', `Default: \`${param.defaultValue}\``);
    if (param.since > 2017) lines.push('', `SQL Server ${param.since} and later.`);
    return { markdown: lines.join('\n'), start: arg.nameRange[0], end: arg.nameRange[1] };
  }
  const declared = call.bound.declared?.find((d) => d.key === arg.name!.toLowerCase());
  if (declared) {
    const direction = declared.output ? ' OUTPUT' : '';
    return {
      markdown: `\`${declared.name} ${declared.type}${direction}\`\n\nA script parameter declared in @params; the script sees it as \`${declared.name.slice(1)}\`.`,
      start: arg.nameRange[0],
      end: arg.nameRange[1],
    };
  }
  return null;
}
