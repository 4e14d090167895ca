// The results panel's page: a Results tab (a SlickGrid per result set, filled a screenful at a time by
// the extension) and a Messages tab (errors with their Msg numbers, linked to their .sql line), and while
// a run goes on its elapsed time and a Cancel button. The grid's code and styles are files of the
// extension (SlickGrid from node_modules, our page script from client/media), loaded through webview
// URIs; the run's data travels as a JSON block that no browser executes. Pure.
import type { CellRange } from './gridRows';
import type { ResultsModel } from './model';

export interface PageOptions {
  /** The webview's CSP source (webview.cspSource). */
  cspSource: string;
  /** A fresh nonce: every script element carries it, and only those run. */
  nonce: string;
  /** Webview URIs of the scripts to load, in order (SlickGrid's files, then the page's own). */
  scripts: string[];
  /** Webview URIs of the style sheets. */
  styles: string[];
  /** Which rendering of the panel this page is: the page says it back once loaded (see 'loaded'). */
  rendering: number;
}

export type SaveFormat = 'csv' | 'json' | 'xlsx';

/** Messages the page posts to the extension. Ranges are in the grid's order, data columns from 0. */
export type PageRequest =
  | { type: 'rows'; grid: number; start: number; count: number; version: number }
  | { type: 'sort'; grid: number; column: number; ascending: boolean; version: number }
  | { type: 'copy'; grid: number; ranges: CellRange[]; headers: boolean }
  | { type: 'save'; grid: number; format: SaveFormat; ranges?: CellRange[] }
  | { type: 'reveal'; line: number }
  | { type: 'cancel' }
  /** The page has loaded, and which rendering it is: an older one than the panel's latest is drawn again. */
  | { type: 'loaded'; rendering: number };

/** Messages the extension posts to the page. */
export type PageEvent =
  | { type: 'rows'; grid: number; start: number; rows: (string | null)[][]; version: number }
  | { type: 'sorted'; grid: number; version: number }
  /** A command from the grid's context menu or the palette, carried out on the grid that has the focus. */
  | { type: 'command'; command: 'copy' | 'copyWithHeaders' | 'selectAll' | 'saveSelection' | 'saveAll'; format?: SaveFormat };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that can sit inside a <script> element: no "<" to close it, no line separators to trip old parsers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderPage(model: ResultsModel, options: PageOptions): string {
  const errors = model.messages.filter((m) => m.kind === 'error').length;
  const showMessages = model.grids.length === 0 || (errors > 0 && model.status !== 'succeeded');
  const tab = (id: string, label: string, selected: boolean) =>
    `<button class="tab" role="tab" id="tab-${id}" data-tab="${id}" aria-selected="${selected}" aria-controls="${id}">${escapeHtml(label)}</button>`;
  const csp = [`default-src 'none'`, `style-src ${options.cspSource} 'unsafe-inline'`, `script-src 'nonce-${options.nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(model.title)}</title>
${options.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n')}
</head>
<body data-status="${model.status}" data-rendering="${options.rendering}" data-vscode-context='{"preventDefaultContextMenuItems":true}'>
<header>
  <span class="status status-${model.status}" id="status">${escapeHtml(statusLabel(model.status))}</span>
  ${model.status === 'running' ? `<span class="elapsed" id="elapsed" data-started="${model.startedAt}"></span>` : ''}
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
<script type="application/json" id="grids" nonce="${options.nonce}">${scriptJson(model.grids)}</script>
${options.scripts.map((src) => `<script nonce="${options.nonce}" src="${escapeHtml(src)}"></script>`).join('\n')}
</body>
</html>`;
}

function statusLabel(status: ResultsModel['status']): string {
  return { running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' }[status];
}

function renderGrid(grid: ResultsModel['grids'][number]): string {
  const rows = `${grid.totalRows.toLocaleString('en-US')} ${grid.totalRows === 1 ? 'row' : 'rows'}`;
  const button = (action: string, label: string, title: string, format = '') =>
    `<button class="action" data-action="${action}" data-grid="${grid.index}"${format ? ` data-format="${format}"` : ''} title="${escapeHtml(title)}">${escapeHtml(label)}</button>`;
  return `<div class="grid" data-grid="${grid.index}" aria-label="Result set ${grid.index + 1}">
  <div class="grid-bar">
    <span class="grid-title">Result set ${grid.index + 1}: ${rows}</span>
    ${button('copy', 'Copy', 'Copy the selected cells as tab-separated text (Ctrl+C)')}
    ${button('copy-headers', 'Copy with Headers', 'Copy the selected cells with their column names (Ctrl+Shift+C)')}
    ${button('save', 'Save as CSV', 'Save the selection (every row when one cell or none is selected) as CSV', 'csv')}
    ${button('save', 'Save as JSON', 'Save the selection (every row when one cell or none is selected) as JSON', 'json')}
    ${button('save', 'Save as Excel', 'Save the selection (every row when one cell or none is selected) as an Excel workbook', 'xlsx')}
  </div>
  <div class="slick-host" data-vscode-context='{"webviewSection":"grid","preventDefaultContextMenuItems":true}'></div>
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
