// Reads the results panel's page (client/media/results) as a user sees it: its status and summary, and for
// each SlickGrid its column names and the rows it has drawn now (SlickGrid draws only the rows on screen, so
// a million-row grid shows a few dozen here), each with its row number.
import type { Frame } from 'playwright-core';
import type { Workbench } from './workbench';
import { waitUntil } from './wait';

export interface ShownGrid {
  title: string;
  columns: string[];
  /** Drawn rows, top to bottom: the row number the grid shows, and the cells' text. */
  rows: { number: number; cells: string[]; nullCells: number[] }[];
}

export interface ShownResults {
  status: string;
  /** The elapsed-time counter while running ("12.3 s"); '' once the run is over. */
  elapsed: string;
  summary: string;
  grids: ShownGrid[];
}

export async function readResults(frame: Frame): Promise<ShownResults> {
  return frame.evaluate(() => ({
    status: document.body.dataset.status ?? '',
    elapsed: document.getElementById('elapsed')?.textContent ?? '',
    summary: document.getElementById('summary')?.textContent ?? '',
    grids: [...document.querySelectorAll('.grid')].map((grid) => {
      const rows = [...grid.querySelectorAll('.slick-row')]
        .map((row) => {
          const cells = [...row.querySelectorAll('.slick-cell')].sort((a, b) => (a as HTMLElement).offsetLeft - (b as HTMLElement).offsetLeft);
          const data = cells.filter((c) => !c.classList.contains('rownum'));
          return {
            top: row.getBoundingClientRect().top,
            number: Number(cells.find((c) => c.classList.contains('rownum'))?.textContent ?? 'NaN'),
            cells: data.map((c) => c.textContent ?? ''),
            nullCells: data.flatMap((c, i) => (c.querySelector('.null') ? [i] : [])),
          };
        })
        .filter((row) => row.cells.some((text) => text !== '')) // a row whose page has not arrived yet is blank
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...row }) => row);
      return {
        title: grid.querySelector('.grid-title')?.textContent ?? '',
        columns: [...grid.querySelectorAll('.slick-header-column:not(.rownum) .slick-column-name')].map((h) => h.textContent ?? ''),
        rows,
      };
    }),
  }));
}

/** Waits until the results panel of `file` shows a run whose state passes `accept` (the page is redrawn as messages arrive). */
export async function waitForResults(workbench: Workbench, file: string, accept: (shown: ShownResults) => boolean, what: string, timeoutMs = 120_000): Promise<{ frame: Frame; shown: ShownResults }> {
  let last: ShownResults | string = 'no results panel yet';
  return waitUntil(
    async () => {
      const frame = await workbench.webview(file, 1_000).catch(() => undefined);
      if (!frame) return undefined;
      const shown = await readResults(frame).catch(() => undefined); // redrawn meanwhile: read it again
      if (shown) last = shown;
      return shown && accept(shown) ? { frame, shown } : undefined;
    },
    { timeoutMs, what: `the results of ${file}: ${what}`, lastSeen: () => JSON.stringify(last).slice(0, 2000) },
  );
}
