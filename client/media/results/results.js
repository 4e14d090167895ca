// @ts-check
// The results page's script (loaded after SlickGrid's files): tabs, the elapsed-time counter, message
// links, and a SlickGrid per result set. The page holds no result set: each grid asks the extension
// for the rows it is about to show (a page of PAGE rows at a time, a few pages kept), so a million
// rows cost the page what one screen costs. Sorting, copying and saving are done by the extension on
// its copy of the rows; the page sends what the user asked for and which cells were selected.
(function () {
  /* global acquireVsCodeApi, Slick */
  // @ts-ignore: provided by the webview
  const vscode = acquireVsCodeApi();
  // @ts-ignore: SlickGrid's browser build defines it
  const SlickNs = Slick;
  const PAGE = 200;
  const KEEP_PAGES = 40;
  const ROW_HEIGHT = 22;

  // ---- header: tabs, elapsed time, cancel, message links -------------------------------------------
  function showTab(id) {
    for (const t of document.querySelectorAll('.tab')) t.setAttribute('aria-selected', String(/** @type {HTMLElement} */ (t).dataset.tab === id));
    for (const p of document.querySelectorAll('section[role=tabpanel]')) /** @type {HTMLElement} */ (p).hidden = p.id !== id;
    if (id === 'results') for (const g of grids) g.resize();
  }

  const elapsed = document.getElementById('elapsed');
  if (elapsed) {
    const started = Number(elapsed.dataset.started);
    const tick = () => {
      const s = Math.max(0, (Date.now() - started) / 1000);
      elapsed.textContent = s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
    };
    tick();
    setInterval(tick, 100);
  }

  /** @type {GridView[]} */
  const grids = [];
  /** The grid a palette or context-menu command acts on: the one last clicked or focused. */
  let current = /** @type {GridView | undefined} */ (undefined);

  document.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('[data-action], .tab'));
    if (!target) return;
    if (target.classList.contains('tab')) return showTab(/** @type {string} */ (target.dataset.tab));
    event.preventDefault();
    const grid = grids[Number(target.dataset.grid)];
    switch (target.dataset.action) {
      case 'reveal':
        return vscode.postMessage({ type: 'reveal', line: Number(target.dataset.line) });
      case 'cancel':
        return vscode.postMessage({ type: 'cancel' });
      case 'copy':
        return grid?.copy(false);
      case 'copy-headers':
        return grid?.copy(true);
      case 'save':
        return grid?.save(/** @type {string} */ (target.dataset.format), 'auto');
    }
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'command') {
      const grid = current ?? grids[0];
      if (!grid) return;
      switch (message.command) {
        case 'copy':
          return grid.copy(false);
        case 'copyWithHeaders':
          return grid.copy(true);
        case 'selectAll':
          return grid.selectAll();
        case 'saveSelection':
          return grid.save(message.format, 'selection');
        case 'saveAll':
          return grid.save(message.format, 'all');
      }
      return;
    }
    grids[message.grid]?.receive(message);
  });

  // ---- a grid ----------------------------------------------------------------------------------------
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
  }

  class GridView {
    /**
     * @param {HTMLElement} host
     * @param {{ index: number, columns: string[], types: string[], numeric: boolean[], totalRows: number }} model
     */
    constructor(host, model) {
      this.model = model;
      this.host = host;
      /** Pages of rows by page number, for the current order (`version`). */
      this.pages = new Map();
      this.pending = new Set();
      this.version = 0;
      const data = {
        getLength: () => model.totalRows,
        getItem: (row) => {
          const page = this.pages.get(Math.floor(row / PAGE));
          return page ? page[row % PAGE] : undefined;
        },
      };
      const rowNumber = {
        id: '#',
        name: '',
        field: '#',
        width: Math.max(40, String(model.totalRows).length * 8 + 16),
        resizable: false,
        selectable: false,
        focusable: false,
        cssClass: 'rownum',
        headerCssClass: 'rownum',
        formatter: (row) => String(row + 1),
      };
      const columns = model.columns.map((name, i) => ({
        id: `c${i}`,
        name: escapeHtml(name),
        toolTip: `${name} (${model.types[i] ?? ''})`,
        field: String(i),
        sortable: true,
        width: Math.min(320, Math.max(70, name.length * 9 + 34)),
        cssClass: model.numeric[i] ? 'num' : '',
        // Called only for rows that have arrived (SlickGrid leaves a row without an item blank).
        formatter: (_row, _cell, _value, _column, item) => {
          const value = item[i];
          return value === null ? '<span class="null">NULL</span>' : escapeHtml(value);
        },
      }));
      this.grid = new SlickNs.Grid(host, data, [rowNumber, ...columns], {
        rowHeight: ROW_HEIGHT,
        enableCellNavigation: true,
        enableColumnReorder: false,
        multiColumnSort: false,
        forceFitColumns: false,
        enableTextSelectionOnCells: false,
        // SlickGrid writes its column widths into a <style> element of its own: the nonce lets it.
        nonce: document.querySelector('script[nonce]')?.getAttribute('nonce') ?? '',
      });
      this.selection = new SlickNs.CellSelectionModel();
      this.grid.setSelectionModel(this.selection);
      this.grid.onViewportChanged.subscribe(() => this.fetchVisible());
      this.grid.onBeforeSort.subscribe((e) => {
        // A click on the header selects the column; only the sort button sorts.
        const target = /** @type {HTMLElement} */ (e.getNativeEvent?.()?.target ?? e.target);
        return !!target?.closest?.('.slick-sort-indicator');
      });
      this.grid.onSort.subscribe((_e, args) => this.sort(args));
      this.grid.onHeaderClick.subscribe((e, args) => {
        const target = /** @type {HTMLElement} */ (e.getNativeEvent?.()?.target ?? e.target);
        if (target?.closest?.('.slick-sort-indicator, .slick-resizable-handle')) return;
        current = this;
        const cell = this.grid.getColumnIndex(args.column.id);
        if (cell === 0) return this.selectAll();
        this.selectRanges([new SlickNs.Range(0, cell, model.totalRows - 1, cell)], /** @type {MouseEvent} */ (e.getNativeEvent?.() ?? e));
      });
      this.grid.onClick.subscribe((e, args) => {
        current = this;
        if (args.cell !== 0) return;
        // The row number selects the whole row (with Shift, every row from the active one).
        const last = this.grid.getColumns().length - 1;
        const native = /** @type {MouseEvent} */ (e.getNativeEvent?.() ?? e);
        const anchor = native.shiftKey ? (this.grid.getActiveCell()?.row ?? args.row) : args.row;
        this.grid.setActiveCell(args.row, 1);
        this.selectRanges([new SlickNs.Range(Math.min(anchor, args.row), 1, Math.max(anchor, args.row), last)], native);
        e.stopImmediatePropagation?.();
      });
      this.grid.onKeyDown.subscribe((e) => {
        const native = /** @type {KeyboardEvent} */ (e.getNativeEvent?.() ?? e);
        if ((native.ctrlKey || native.metaKey) && native.key.toLowerCase() === 'c') {
          this.copy(native.shiftKey);
          native.preventDefault();
          e.stopImmediatePropagation?.();
        }
      });
      host.addEventListener('focusin', () => (current = this));
      host.addEventListener('contextmenu', () => (current = this));
      this.resize();
      this.fetchVisible();
    }

    resize() {
      // One grid fills the panel; several share it, each at least 8 rows tall.
      const shown = Math.min(this.model.totalRows + 1, grids.length > 1 || document.querySelectorAll('.grid').length > 1 ? 12 : 1e9);
      const available = window.innerHeight - (this.host.getBoundingClientRect().top - document.body.getBoundingClientRect().top) - 16;
      const height = Math.max(ROW_HEIGHT * 4, Math.min(shown * ROW_HEIGHT + ROW_HEIGHT + 2, Math.max(available, ROW_HEIGHT * 9)));
      this.host.style.height = `${height}px`;
      this.grid.resizeCanvas();
    }

    fetchVisible() {
      const view = this.grid.getViewport();
      const first = Math.floor(Math.max(0, view.top) / PAGE);
      const last = Math.floor(Math.max(0, Math.min(this.model.totalRows - 1, view.bottom)) / PAGE);
      for (let page = first; page <= last; page++) {
        if (this.pages.has(page) || this.pending.has(page)) continue;
        this.pending.add(page);
        vscode.postMessage({ type: 'rows', grid: this.model.index, start: page * PAGE, count: PAGE, version: this.version });
      }
      // Keep the pages near the screen; a million rows never pile up here.
      if (this.pages.size > KEEP_PAGES) {
        for (const page of [...this.pages.keys()]) if (page < first - KEEP_PAGES / 2 || page > last + KEEP_PAGES / 2) this.pages.delete(page);
      }
    }

    receive(message) {
      if (message.version !== this.version) return; // rows of an order since replaced
      if (message.type === 'rows') {
        const page = Math.floor(message.start / PAGE);
        this.pending.delete(page);
        this.pages.set(page, message.rows);
        const rows = message.rows.map((_r, i) => message.start + i);
        this.grid.invalidateRows(rows);
        this.grid.render();
        document.body.dataset.lastRowsAt = String(Date.now());
      } else if (message.type === 'sorted') {
        document.body.classList.remove('sorting');
        this.grid.invalidateAllRows();
        this.grid.render();
        this.fetchVisible();
      }
    }

    sort(args) {
      const column = this.grid.getColumnIndex(args.sortCol.id) - 1;
      this.version++;
      this.pages.clear();
      this.pending.clear();
      document.body.classList.add('sorting');
      vscode.postMessage({ type: 'sort', grid: this.model.index, column, ascending: args.sortAsc, version: this.version });
    }

    selectAll() {
      const last = this.grid.getColumns().length - 1;
      if (this.model.totalRows > 0) this.selection.setSelectedRanges([new SlickNs.Range(0, 1, this.model.totalRows - 1, last)]);
    }

    /** Replaces the selection, or adds to it with Ctrl (Cmd). */
    selectRanges(ranges, event) {
      const keep = event && (event.ctrlKey || event.metaKey) ? this.selection.getSelectedRanges() : [];
      this.selection.setSelectedRanges([...keep, ...ranges]);
    }

    /** The selection in data columns (the row-number column left out); the active cell when nothing is selected. */
    ranges() {
      const picked = this.selection.getSelectedRanges().length ? this.selection.getSelectedRanges() : (() => {
        const active = this.grid.getActiveCell();
        return active ? [new SlickNs.Range(active.row, active.cell, active.row, active.cell)] : [];
      })();
      return picked
        .map((r) => ({ fromRow: r.fromRow, toRow: r.toRow, fromCell: Math.max(0, r.fromCell - 1), toCell: r.toCell - 1 }))
        .filter((r) => r.toCell >= r.fromCell);
    }

    copy(headers) {
      const ranges = this.ranges();
      if (ranges.length) vscode.postMessage({ type: 'copy', grid: this.model.index, ranges, headers });
    }

    /** 'auto': the selection when it is more than one cell, else every row. */
    save(format, scope) {
      const ranges = this.ranges();
      const single = ranges.length === 1 && ranges[0].fromRow === ranges[0].toRow && ranges[0].fromCell === ranges[0].toCell;
      const useSelection = scope === 'selection' || (scope === 'auto' && ranges.length > 0 && !single);
      vscode.postMessage({ type: 'save', grid: this.model.index, format, ...(useSelection && ranges.length ? { ranges } : {}) });
    }
  }

  const models = JSON.parse(document.getElementById('grids')?.textContent ?? '[]');
  for (const host of document.querySelectorAll('.grid')) {
    const index = Number(/** @type {HTMLElement} */ (host).dataset.grid);
    const slickHost = /** @type {HTMLElement} */ (host.querySelector('.slick-host'));
    if (models[index]) grids[index] = new GridView(slickHost, models[index]);
  }
  window.addEventListener('resize', () => {
    for (const g of grids) g.resize();
  });
  // Which rendering this page is: a page replaced while the webview was still loading the one before
  // can be lost, and the extension then draws its latest state again.
  vscode.postMessage({ type: 'loaded', rendering: Number(document.body.dataset.rendering) });
})();
