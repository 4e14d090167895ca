// Core results -> LSP types. The only place that knows both the core's offsets and LSP shapes.
import { Diagnostic, DiagnosticSeverity, type CodeAction, CodeActionKind, type TextEdit } from 'vscode-languageserver';
import type { Fix, Problem, Severity } from '../core/diagnostics/problems';
import type { LineIndex } from '../core/text/lineIndex';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(problem: Problem, lines: LineIndex): Diagnostic {
  return Diagnostic.create(lines.rangeAt(problem.start, problem.end), problem.message, SEVERITY[problem.severity], problem.code, problem.source);
}

export function toTextEdits(fix: Fix, lines: LineIndex): TextEdit[] {
  return fix.edits.map((e) => ({ range: lines.rangeAt(e.start, e.end), newText: e.newText }));
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic, uri: string, lines: LineIndex, preferred: boolean): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: preferred,
    edit: { changes: { [uri]: toTextEdits(fix, lines) } },
  };
}
