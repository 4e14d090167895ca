// The results panel's page: every piece of run data (title, summary, column names and types, cell
// values, message headers and text) is HTML-escaped so none can open a tag or leave an attribute;
// the content security policy allows no source but the webview's styles and the one inline script
// carrying the nonce; the script itself holds no run data; and the page shows the right tab, the
// Cancel button only while running, NULL cells, clipped grids and links to document lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, renderPage } from '../../../client/src/results/html';
import type { GridModel, MessageModel, ResultsModel } from '../../../client/src/results/model';

const OPTIONS = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'n0nce4Test' };
const EVIL = `</td></tr></table><script>alert("x")</script><img src=x onerror='alert(1)'>&amp;`;

const grid = (fields: Partial<GridModel> = {}): GridModel => ({
  index: 0,
  columns: ['id', 'name'],
  types: ['int', 'nvarchar(10)'],
  numeric: [true, false],
  rows: [
    ['1', 'one'],
    ['2', null],
  ],
  totalRows: 2,
  ...fields,
});
const model = (fields: Partial<ResultsModel> = {}): ResultsModel => ({ title: 'a.sql', status: 'succeeded', summary: '1 result set (2 rows) · 12 ms', grids: [grid()], messages: [], ...fields });
const errorMessage = (fields: Partial<MessageModel> = {}): MessageModel => ({ kind: 'error', header: 'Msg 297, Level 16, State 1, Line 4', text: 'denied', line: 3, ...fields });

const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length;
const section = (page: string, id: string) => /<section id="([^"]+)"[^>]*>/.exec(page.slice(page.indexOf(`<section id="${id}"`)))![0];
const scriptOf = (page: string) => /<script[^>]*>([\s\S]*?)<\/script>/.exec(page)![1]!;

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
  assert.deepEqual(directives.get('style-src'), [OPTIONS.cspSource, "'unsafe-inline'"]);
  assert.ok(!csp.includes("'unsafe-eval'"));
  assert.ok(!directives.get('script-src')!.includes("'unsafe-inline'"));
});

test('the page has exactly one script element, and it carries the nonce', () => {
  const page = renderPage(model(), OPTIONS);
  assert.equal(count(page, /<script\b/i), 1);
  assert.match(page, /<script nonce="n0nce4Test">/);
});

test('cell values cannot break out of their cell: a </script> or <img onerror> in a value is text', () => {
  const page = renderPage(model({ grids: [grid({ rows: [['1', EVIL]] })] }), OPTIONS);
  assert.equal(count(page, /<script\b/i), 1, 'no script element but the page’s own');
  assert.equal(count(page, /<img\b/i), 0);
  assert.ok(page.includes(`<td class="">${escapeHtml(EVIL)}</td>`));
  assert.ok(page.includes('&amp;amp;'), 'an entity in a value is shown literally');
});

test('column names and types are escaped, the type inside a quoted title attribute', () => {
  const page = renderPage(model({ grids: [grid({ columns: ['<b>x</b>', 'n'], types: ['nvarchar(5)" onmouseover="alert(1)', 'int'] })] }), OPTIONS);
  assert.ok(page.includes('<th title="nvarchar(5)&quot; onmouseover=&quot;alert(1)">&lt;b&gt;x&lt;/b&gt;</th>'));
  assert.doesNotMatch(page, /onmouseover="/);
  assert.doesNotMatch(page, /<b>x/);
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
  assert.equal(count(page, /<script\b/i), 1);
});

test('the inline script holds no run data: it is the same whatever the model', () => {
  const quiet = renderPage(model(), OPTIONS);
  const loud = renderPage(
    model({ title: EVIL, summary: EVIL, grids: [grid({ columns: [EVIL, EVIL], rows: [[EVIL, EVIL]] })], messages: [errorMessage({ text: EVIL, header: EVIL })] }),
    { ...OPTIONS, nonce: 'other' },
  );
  assert.equal(scriptOf(loud), scriptOf(quiet));
  assert.ok(!scriptOf(loud).includes('alert'));
});

test('each cell is escaped once: text the grid shows is what the model holds', () => {
  const page = renderPage(model({ grids: [grid({ columns: ['v'], types: ['nvarchar(5)'], numeric: [false], rows: [['a<b']] })] }), OPTIONS);
  assert.ok(page.includes('>a&lt;b</td>'));
  assert.ok(!page.includes('&amp;lt;'));
});

test('numeric columns and NULL cells get their classes; rows are numbered from 1 and indexed from 0', () => {
  const page = renderPage(model(), OPTIONS);
  assert.ok(page.includes('<tr data-row="0"><td class="rownum">1</td><td class="num">1</td><td class="">one</td></tr>'));
  assert.ok(page.includes('<tr data-row="1"><td class="rownum">2</td><td class="num">2</td><td class=" null">NULL</td></tr>'));
});

test('the text NULL is shown as text, without the NULL style', () => {
  const page = renderPage(model({ grids: [grid({ rows: [['3', 'NULL']] })] }), OPTIONS);
  assert.ok(page.includes('<tr data-row="0"><td class="rownum">1</td><td class="num">3</td><td class="">NULL</td></tr>'));
});

test('a grid cut at maxRows says how many it shows and that saving writes all', () => {
  const page = renderPage(model({ grids: [grid({ index: 2, totalRows: 5000 })] }), OPTIONS);
  assert.match(page, /Result set 3: 5000 rows — showing the first 2 \(saving writes all\)/);
  const whole = renderPage(model({ grids: [grid({ rows: [['1', 'one']], totalRows: 1 })] }), OPTIONS);
  assert.match(whole, /Result set 1: 1 row</);
  assert.doesNotMatch(whole, /showing the first/);
});

test("each grid's buttons name that grid's index, the one copy and save requests refer to", () => {
  const page = renderPage(model({ grids: [grid({ index: 0 }), grid({ index: 1 })] }), OPTIONS);
  for (const index of [0, 1]) {
    for (const action of ['data-action="copy" data-format="tsv"', 'data-action="copy" data-format="csv"', 'data-action="copy" data-format="json"']) {
      assert.ok(page.includes(`${action} data-grid="${index}"`), `${action} for grid ${index}`);
    }
    assert.ok(page.includes(`data-action="save-csv" data-grid="${index}"`));
    assert.ok(page.includes(`data-action="save-json" data-grid="${index}"`));
  }
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
  assert.match(renderPage(model({ status: 'cancelled' }), OPTIONS), /<body data-status="cancelled">/);
  assert.match(renderPage(model({ status: 'succeeded' }), OPTIONS), />Succeeded</);
});
