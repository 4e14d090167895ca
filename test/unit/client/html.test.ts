// The results panel's page: every piece of run data (title, summary, column names and types, message
// headers and text) is HTML-escaped so none can open a tag or leave an attribute, and the grids' data is a
// JSON block no "</script>" can close; the content security policy allows no source but the webview's
// styles and the scripts carrying the nonce (SlickGrid's files and the page's own, loaded from the
// extension); the page shows the right tab, the elapsed time and Cancel only while running, each grid's
// row count and buttons, and links to document lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, renderPage, scriptJson } from '../../../client/src/results/html';
import type { GridModel, MessageModel, ResultsModel } from '../../../client/src/results/model';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const OPTIONS = {
  cspSource: CSP_SOURCE,
  nonce: 'n0nce4Test',
  rendering: 7,
  scripts: [`${CSP_SOURCE}/ext/node_modules/slickgrid/dist/browser/slick.core.js`, `${CSP_SOURCE}/ext/client/media/results/results.js`],
  styles: [`${CSP_SOURCE}/ext/client/media/results/results.css`],
};
const EVIL = `</script></div><script>alert("x")</script><img src=x onerror='alert(1)'>&amp;\u2028`;

const grid = (fields: Partial<GridModel> = {}): GridModel => ({ index: 0, columns: ['id', 'name'], types: ['int', 'nvarchar(10)'], numeric: [true, false], totalRows: 2, ...fields });
const model = (fields: Partial<ResultsModel> = {}): ResultsModel => ({ title: 'a.sql', status: 'succeeded', startedAt: 1000, summary: '1 result set (2 rows) · 12 ms', grids: [grid()], messages: [], ...fields });
const errorMessage = (fields: Partial<MessageModel> = {}): MessageModel => ({ kind: 'error', header: 'Msg 297, Level 16, State 1, Line 4', text: 'denied', line: 3, ...fields });

const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length;
const section = (page: string, id: string) => /<section id="([^"]+)"[^>]*>/.exec(page.slice(page.indexOf(`<section id="${id}"`)))![0];
const gridsJson = (page: string) => JSON.parse(/<script type="application\/json" id="grids"[^>]*>([\s\S]*?)<\/script>/.exec(page)![1]!) as GridModel[];

test('escapeHtml replaces the five characters that can open a tag, an entity or leave an attribute', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('&lt;'), '&amp;lt;', 'an existing entity is shown as written, not decoded');
  assert.equal(escapeHtml('plain text é😀'), 'plain text é😀');
});

test('the content security policy allows nothing by default, styles from the webview, and scripts only with the nonce', () => {
  const page = renderPage(model(), OPTIONS);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!;
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1)] as const));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-n0nce4Test'"]);
  assert.deepEqual(directives.get('style-src'), [CSP_SOURCE, "'unsafe-inline'"]);
  assert.ok(!csp.includes("'unsafe-eval'"));
  assert.ok(!csp.includes('http:') && !csp.includes('https://cdn'), 'no network source: SlickGrid comes from the extension');
});

test('the scripts load in order from the given webview URIs, each with the nonce; no inline code', () => {
  const page = renderPage(model(), OPTIONS);
  const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.deepEqual(
    scripts.filter((m) => m[1]!.includes('src=')).map((m) => /src="([^"]+)"/.exec(m[1]!)![1]),
    OPTIONS.scripts,
  );
  for (const [, attributes, body] of scripts) {
    assert.match(attributes!, /nonce="n0nce4Test"/);
    if (!attributes!.includes('type="application/json"')) assert.equal(body, '', 'a script element with a src has no inline code');
  }
  assert.equal(count(page, /<link rel="stylesheet"/), 1);
  assert.ok(page.includes(`<link rel="stylesheet" href="${OPTIONS.styles[0]}">`));
});

test('the grids travel as JSON that no value can close or break out of', () => {
  const evil = grid({ columns: [EVIL, 'n'], types: [EVIL, 'int'] });
  const page = renderPage(model({ grids: [evil] }), OPTIONS);
  assert.equal(count(page, /<\/script>/i), OPTIONS.scripts.length + 1, 'only the page\'s own script elements close');
  assert.equal(count(page, /<img\b/i), 0);
  assert.deepEqual(gridsJson(page), [evil], 'the JSON reads back exactly');
  assert.ok(!scriptJson('\u2028').includes('\u2028'), 'line separators are escaped');
});

test('no cell value is in the page: rows reach it later, a screenful at a time', () => {
  const page = renderPage(model({ grids: [grid({ totalRows: 1_000_000 })] }), OPTIONS);
  assert.ok(page.length < 10_000, `the page of a million rows is ${page.length} characters`);
  assert.match(page, /Result set 1: 1,000,000 rows</);
  assert.match(renderPage(model({ grids: [grid({ totalRows: 1 })] }), OPTIONS), /Result set 1: 1 row</);
});

test('the title, summary, message headers and message texts are escaped', () => {
  const page = renderPage(
    model({
      title: `<title>"t"`,
      summary: `Not run: <i>'x'</i>`,
      messages: [errorMessage({ header: 'Msg <1>', text: `<script>alert('m')</script>`, line: 0 }), { kind: 'info', header: 'Info "h"', text: 'a & b', line: null }],
    }),
    OPTIONS,
  );
  assert.ok(page.includes('<title>&lt;title&gt;&quot;t&quot;</title>'));
  assert.ok(page.includes('Not run: &lt;i&gt;&#39;x&#39;&lt;/i&gt;'));
  assert.ok(page.includes('>Msg &lt;1&gt;</a>'));
  assert.ok(page.includes('<pre>&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;</pre>'));
  assert.ok(page.includes('<span class="msg-header">Info &quot;h&quot;</span>'));
  assert.ok(page.includes('<pre>a &amp; b</pre>'));
});

test("each grid's buttons name that grid's index, the one copy and save requests refer to", () => {
  const page = renderPage(model({ grids: [grid({ index: 0 }), grid({ index: 1 })] }), OPTIONS);
  for (const index of [0, 1]) {
    assert.ok(page.includes(`data-action="copy" data-grid="${index}"`));
    assert.ok(page.includes(`data-action="copy-headers" data-grid="${index}"`));
    for (const format of ['csv', 'json', 'xlsx']) assert.ok(page.includes(`data-action="save" data-grid="${index}" data-format="${format}"`), `save ${format} for grid ${index}`);
  }
  assert.equal(count(page, /"webviewSection":"grid"/), 2, 'each grid carries the context of the grid context menu');
});

test('while running, the page counts the elapsed time from the run\'s start; afterwards it does not', () => {
  const running = renderPage(model({ status: 'running', grids: [], startedAt: 1717171717171 }), OPTIONS);
  assert.match(running, /<span class="elapsed" id="elapsed" data-started="1717171717171"><\/span>/);
  assert.doesNotMatch(renderPage(model(), OPTIONS), /id="elapsed"/);
});

test('an error on a document line links there (0-based in data, 1-based for the reader); without a line it is plain', () => {
  const page = renderPage(model({ messages: [errorMessage({ line: 6 }), errorMessage({ header: 'Msg 50000, Level 16, State 1', line: null })] }), OPTIONS);
  assert.ok(page.includes('<a class="msg-header" href="#" data-action="reveal" data-line="6" title="Go to line 7">Msg 297, Level 16, State 1, Line 4</a>'));
  assert.ok(page.includes('<span class="msg-header">Msg 50000, Level 16, State 1</span>'));
});

test('a message without a header is only its text', () => {
  const page = renderPage(model({ messages: [{ kind: 'info', header: '', text: 'hello', line: null }] }), OPTIONS);
  assert.ok(page.includes('<div class="msg msg-info"><pre>hello</pre></div>'));
});

test('a succeeded run with grids opens on Results, even with error messages', () => {
  const page = renderPage(model({ messages: [errorMessage()] }), OPTIONS);
  assert.match(page, /id="tab-results"[^>]*aria-selected="true"/);
  assert.match(page, /id="tab-messages"[^>]*aria-selected="false"/);
  assert.doesNotMatch(section(page, 'results'), /hidden/);
  assert.match(section(page, 'messages'), /hidden/);
});

test('a failed run with errors opens on Messages, though it has grids', () => {
  const page = renderPage(model({ status: 'failed', messages: [errorMessage()] }), OPTIONS);
  assert.match(page, /id="tab-messages"[^>]*aria-selected="true"/);
  assert.match(section(page, 'results'), /hidden/);
  assert.doesNotMatch(section(page, 'messages'), /hidden/);
});

test('a run without grids opens on Messages and says there are no result sets', () => {
  const page = renderPage(model({ grids: [], messages: [{ kind: 'info', header: '', text: 'done', line: null }] }), OPTIONS);
  assert.match(page, /id="tab-messages"[^>]*aria-selected="true"/);
  assert.match(page, /<p class="empty">No result sets\.<\/p>/);
});

test('tab labels count the grids and the messages', () => {
  const page = renderPage(model({ grids: [grid({ index: 0 }), grid({ index: 1 })], messages: [errorMessage(), errorMessage(), errorMessage()] }), OPTIONS);
  assert.match(page, />Results \(2\)</);
  assert.match(page, />Messages \(3\)</);
  assert.match(renderPage(model({ messages: [] }), OPTIONS), /<p class="empty">No messages\.<\/p>/);
});

test('Cancel is offered only while the run is going on, and a running page waits for results', () => {
  const running = renderPage(model({ status: 'running', grids: [], summary: 'Running the file…' }), OPTIONS);
  assert.match(running, /data-action="cancel"/);
  assert.match(running, /Waiting for results…/);
  assert.match(running, /<span class="status status-running" id="status">Running<\/span>/);
  for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
    assert.doesNotMatch(renderPage(model({ status }), OPTIONS), /data-action="cancel"/, status);
  }
});

test('the status reads in words', () => {
  assert.match(renderPage(model({ status: 'failed' }), OPTIONS), /<span class="status status-failed" id="status">Failed<\/span>/);
  assert.match(renderPage(model({ status: 'cancelled' }), OPTIONS), /<body data-status="cancelled"/);
  assert.match(renderPage(model({ status: 'succeeded' }), OPTIONS), />Succeeded</);
});

test('the page names which drawing of the panel it is, so a page that replaced a still-loading one and was lost gets drawn again', () => {
  assert.match(renderPage(model(), OPTIONS), /<body [^>]*data-rendering="7"/);
  assert.match(renderPage(model(), { ...OPTIONS, rendering: 8 }), /<body [^>]*data-rendering="8"/);
});
