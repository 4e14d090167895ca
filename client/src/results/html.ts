// The results panel's page: a Results tab (a grid per result set, with Copy, Save as CSV and Save
// as JSON) and a Messages tab (errors with their Msg numbers, linked to their .sql line). The page
// only posts what the user asked for; the extension does the copying, saving and navigating. Pure.
import type { ResultsModel } from './model';
import { plural } from '../../../server/src/core/plural';

export interface PageOptions {
  /** The webview's CSP source (webview.cspSource). */
  cspSource: string;
  /** A fresh nonce for the inline script. */
  nonce: string;
}

/** Messages the page posts to the extension. */
export type PageRequest =
  | { type: 'copy'; grid: number; format: 'tsv' | 'csv' | 'json'; rows?: number[] }
  | { type: 'save'; grid: number; format: 'csv' | 'json' }
  | { type: 'reveal'; line: number }
  | { type: 'cancel' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderPage(model: ResultsModel, options: PageOptions): string {
  const errors = model.messages.filter((m) => m.kind === 'error').length;
  const showMessages = model.grids.length === 0 || (errors > 0 && model.status !== 'succeeded');
  const tab = (id: string, label: string, selected: boolean) =>
    `<button class="tab" role="tab" id="tab-${id}" data-tab="${id}" aria-selected="${selected}" aria-controls="${id}">${escapeHtml(label)}</button>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'unsafe-inline'; script-src 'nonce-${options.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(model.title)}</title>
<style>${STYLE}</style>
</head>
<body data-status="${model.status}">
<header>
  <span class="status status-${model.status}" id="status">${escapeHtml(statusLabel(model.status))}</span>
  <span class="summary" id="summary">${escapeHtml(model.summary)}</span>
  ${model.status === 'running' ? '<button class="action" id="cancel" data-action="cancel">Cancel</button>' : ''}
</header>
<nav role="tablist">
  ${tab('results', `Results (${model.grids.length})`, !showMessages)}
  ${tab('messages', `Messages (${model.messages.length})`, showMessages)}
</nav>
<section id="results" role="tabpanel" aria-labelledby="tab-results" ${showMessages ? 'hidden' : ''}>
${model.grids.length === 0 ? `<p class="empty">${model.status === 'running' ? 'Waiting for results…' : 'No result sets.'}</p>` : model.grids.map(renderGrid).join('\n')}
</section>
<section id="messages" role="tabpanel" aria-labelledby="tab-messages" ${showMessages ? '' : 'hidden'}>
${model.messages.length === 0 ? '<p class="empty">No messages.</p>' : `<div class="messages">${model.messages.map(renderMessage).join('\n')}</div>`}
</section>
<script nonce="${options.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

function statusLabel(status: ResultsModel['status']): string {
  return { running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' }[status];
}

function renderGrid(grid: ResultsModel['grids'][number]): string {
  const head = grid.columns.map((c, i) => `<th title="${escapeHtml(grid.types[i] ?? '')}">${escapeHtml(c)}</th>`).join('');
  const body = grid.rows
    .map((row, r) => `<tr data-row="${r}"><td class="rownum">${r + 1}</td>${row.map((v, i) => `<td class="${grid.numeric[i] ? 'num' : ''}${v === null ? ' null' : ''}">${escapeHtml(v ?? 'NULL')}</td>`).join('')}</tr>`)
    .join('\n');
  const clipped = grid.rows.length < grid.totalRows ? ` — showing the first ${grid.rows.length} (saving writes all)` : '';
  return `<div class="grid" data-grid="${grid.index}" aria-label="Result set ${grid.index + 1}">
  <div class="grid-bar">
    <span class="grid-title">Result set ${grid.index + 1}: ${plural(grid.totalRows, 'row')}${escapeHtml(clipped)}</span>
    <button class="action" data-action="copy" data-format="tsv" data-grid="${grid.index}" title="Copy the selected rows (all when none is selected) as tab-separated text, for a spreadsheet">Copy</button>
    <button class="action" data-action="copy" data-format="csv" data-grid="${grid.index}" title="Copy the selected rows (all when none is selected) as CSV">Copy as CSV</button>
    <button class="action" data-action="copy" data-format="json" data-grid="${grid.index}" title="Copy the selected rows (all when none is selected) as JSON">Copy as JSON</button>
    <button class="action" data-action="save-csv" data-grid="${grid.index}">Save as CSV</button>
    <button class="action" data-action="save-json" data-grid="${grid.index}">Save as JSON</button>
  </div>
  <div class="table-wrap"><table><thead><tr><th class="rownum"></th>${head}</tr></thead><tbody>
${body}
  </tbody></table></div>
</div>`;
}

function renderMessage(m: ResultsModel['messages'][number]): string {
  const header = m.header
    ? m.line !== null
      ? `<a class="msg-header" href="#" data-action="reveal" data-line="${m.line}" title="Go to line ${m.line + 1}">${escapeHtml(m.header)}</a>`
      : `<span class="msg-header">${escapeHtml(m.header)}</span>`
    : '';
  return `<div class="msg msg-${m.kind}">${header}<pre>${escapeHtml(m.text)}</pre></div>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 0; }
.status { font-weight: 600; }
.status-failed { color: var(--vscode-errorForeground); }
.status-cancelled { color: var(--vscode-editorWarning-foreground); }
.status-succeeded { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
nav { display: flex; gap: 4px; border-bottom: 1px solid var(--vscode-panel-border); margin-bottom: 8px; }
.tab { background: none; border: none; color: var(--vscode-foreground); padding: 6px 10px; cursor: pointer; border-bottom: 2px solid transparent; }
.tab[aria-selected="true"] { border-bottom-color: var(--vscode-focusBorder); font-weight: 600; }
.action { white-space: nowrap; background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 3px 8px; cursor: pointer; }
.action:hover { background: var(--vscode-button-secondaryHoverBackground); }
.grid { margin-bottom: 16px; }
.grid-bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 4px; }
.grid-title { flex: 1 1 auto; min-width: 12em; opacity: 0.85; }
.table-wrap { max-height: 60vh; overflow: auto; border: 1px solid var(--vscode-panel-border); }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
th, td { border: 1px solid var(--vscode-panel-border); padding: 2px 6px; text-align: left; white-space: pre; }
th { position: sticky; top: 0; background: var(--vscode-editor-background); }
td.num { text-align: right; }
td.null { opacity: 0.6; font-style: italic; }
td.rownum, th.rownum { opacity: 0.6; text-align: right; user-select: none; }
tr.selected td { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.messages { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.msg { margin: 0 0 8px; }
.msg pre { margin: 0; white-space: pre-wrap; }
.msg-error pre, .msg-error .msg-header { color: var(--vscode-errorForeground); }
.msg-header { display: block; }
a.msg-header { color: var(--vscode-textLink-foreground); text-decoration: underline; cursor: pointer; }
.empty { opacity: 0.7; }
`;

// The page's script: tabs, row selection (click, ctrl/shift-click), and requests to the extension.
const SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  const selected = new Map();
  function showTab(id) {
    for (const t of document.querySelectorAll('.tab')) t.setAttribute('aria-selected', String(t.dataset.tab === id));
    for (const p of document.querySelectorAll('section[role=tabpanel]')) p.hidden = p.id !== id;
  }
  document.addEventListener('click', function (event) {
    const target = event.target.closest('[data-action], .tab, tr[data-row]');
    if (!target) return;
    if (target.classList.contains('tab')) return showTab(target.dataset.tab);
    if (target.matches('tr[data-row]')) {
      const grid = Number(target.closest('.grid').dataset.grid);
      const rows = selected.get(grid) || new Set();
      const row = Number(target.dataset.row);
      if (!(event.ctrlKey || event.metaKey)) { for (const r of target.parentElement.querySelectorAll('tr.selected')) r.classList.remove('selected'); rows.clear(); }
      if (rows.has(row)) { rows.delete(row); target.classList.remove('selected'); } else { rows.add(row); target.classList.add('selected'); }
      selected.set(grid, rows);
      return;
    }
    event.preventDefault();
    const grid = Number(target.dataset.grid);
    switch (target.dataset.action) {
      case 'copy': {
        const rows = selected.get(grid);
        const request = { type: 'copy', grid: grid, format: target.dataset.format };
        if (rows && rows.size) request.rows = Array.from(rows).sort(function (a, b) { return a - b; });
        return vscode.postMessage(request);
      }
      case 'save-csv': return vscode.postMessage({ type: 'save', grid: grid, format: 'csv' });
      case 'save-json': return vscode.postMessage({ type: 'save', grid: grid, format: 'json' });
      case 'reveal': return vscode.postMessage({ type: 'reveal', line: Number(target.dataset.line) });
      case 'cancel': return vscode.postMessage({ type: 'cancel' });
    }
  });
})();
`;
