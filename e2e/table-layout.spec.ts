/**
 * The table's layout as a user meets it at common window sizes (issue 14, defect 1):
 * every column in view without scrolling sideways, no cell's text cut but by a middle
 * ellipsis in a name that keeps the name's tail (what tells `pulse-shm-<n>` and
 * `memfd:pulseaudio:<inode>` rows apart), and columns that can be resized and hidden.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openApp, test, type InspectorServer } from './support/fixtures';
import type { Children } from './support/processes';

/** How many characters at a name's end must always show. */
const TAIL = 8;

/** Two PulseAudio segments and two memfd pools, each made and held by a child of its own; their PIDs. */
async function holdFourSegments(server: InspectorServer, children: Children): Promise<number[]> {
  const pids: number[] = [];
  for (const memfd of [false, true, false, true]) {
    const args = ['create', '--dir', server.dir, '--size', '64KiB', '--hold', '60', '--json'];
    const owner = children.start(memfd ? [...args, '--memfd'] : args);
    await owner.json();
    pids.push(owner.pid);
  }
  return pids;
}

/** For each cell of the shown rows, what is cut: text beyond the cell's edge, or a name whose tail does not show. */
async function clippedCells(page: Page, tail: number): Promise<string[]> {
  return page.getByTestId('segment-table').evaluate((grid, tailLength) => {
    const problems: string[] = [];
    const rows = [...grid.querySelectorAll<HTMLElement>('[role="row"]')];
    for (const row of rows) {
      const cells = [...row.querySelectorAll<HTMLElement>('[role="gridcell"], [role="columnheader"]')];
      cells.forEach((cell, index) => {
        const box = cell.getBoundingClientRect();
        const label = `${row.dataset.testid ?? 'header'} column ${index}`;
        const gridBox = grid.getBoundingClientRect();
        if (box.right > gridBox.right + 0.5 || box.left < gridBox.left - 0.5) problems.push(`${label}: out of view`);
        // The last characters of the cell's text, wherever they are in its elements.
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const texts: Text[] = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
        const whole = texts.map((text) => text.data).join('');
        if (whole.trim() === '') return;
        let remaining =
          cell.getAttribute('role') === 'gridcell' && cell.classList.contains('cell--name') ? tailLength : whole.length;
        const range = document.createRange();
        const last = texts[texts.length - 1];
        if (!last) return;
        range.setEnd(last, last.data.length);
        for (let i = texts.length - 1; i >= 0; i -= 1) {
          const text = texts[i];
          if (!text) continue;
          if (text.data.length >= remaining) {
            range.setStart(text, text.data.length - remaining);
            remaining = 0;
            break;
          }
          remaining -= text.data.length;
          range.setStart(text, 0);
        }
        const style = getComputedStyle(cell);
        const inner = {
          left: box.left + parseFloat(style.paddingLeft) - 1,
          right: box.right - parseFloat(style.paddingRight) + 1,
        };
        for (const rect of range.getClientRects()) {
          if (rect.width === 0) continue;
          if (rect.right > inner.right || rect.left < inner.left) {
            problems.push(`${label}: "${range.toString()}" is cut`);
            break;
          }
        }
      });
    }
    return problems;
  }, tail);
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`at ${viewport.width}x${viewport.height} every column is in view and no text is cut, names keeping their tail`, async ({
    page,
    server,
    children,
  }) => {
    await page.setViewportSize(viewport);
    const pids = await holdFourSegments(server, children);
    await openApp(page, server);
    const rows = page.locator('[data-testid^="segment-row-"]');
    // One child's segment at a time: the table also lists every memfd of other processes.
    for (const pid of pids) {
      await page.getByTestId('filter-process').fill(String(pid));
      await expect(rows).toHaveCount(1);
      expect(await clippedCells(page, TAIL)).toEqual([]);
    }
    // Enough rows for a vertical scroll bar, which takes its width from the table's.
    for (let i = 0; i < 40; i += 1) await writeFile(path.join(server.dir, `e2e-fill-${i}`), 'x');
    await page.getByTestId('filter-process').fill('');
    await page.getByTestId('filter-search').fill('e2e-fill-');
    await expect(rows.first()).toBeVisible();
    const scroller = page.locator('.grid__scroll');
    expect(await scroller.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
    const overflow = await scroller.evaluate((element) => element.scrollWidth - element.clientWidth);
    expect(overflow, 'the table does not scroll sideways').toBeLessThanOrEqual(0);
  });
}
