// The header line SSMS shows above an error: "Msg 297, Level 16, State 101, Line 4" (1-based
// line). Informational messages (PRINT, script output, notices) have none: they read as plain text.
import type { WireMessage } from './protocol';

export function messageHeader(m: WireMessage): string {
  if (m.kind === 'info') return '';
  const parts = [`Msg ${m.number ?? 50000}`, `Level ${m.severity ?? 16}`, `State ${m.state ?? 1}`];
  // Inside a procedure the line is the procedure's; a script error's line is the file's line of
  // the failing script line.
  if (m.procedure !== undefined) parts.push(`Procedure ${m.procedure}`);
  if (m.procedure !== undefined && m.procedureLine !== undefined && m.scriptLine === undefined) parts.push(`Line ${m.procedureLine}`);
  else if (m.line !== null) parts.push(`Line ${m.line + 1}`);
  return parts.join(', ');
}
