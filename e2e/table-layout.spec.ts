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
async function clippedCells(page: Page, tail: number, onlyNames = false): Promise<string[]> {
  return page.getByTestId('segment-table').evaluate(
    (grid, [tailLength, namesOnly]) => {
      const problems: string[] = [];
      const rows = [...grid.querySelectorAll<HTMLElement>('[role="row"]')];
      for (const row of rows) {
        const cells = [
          ...row.querySelectorAll<HTMLElement>(namesOnly ? '.cell--name' : '[role="gridcell"], [role="columnheader"]'),
        ];
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
            cell.getAttribute('role') === 'gridcell' && cell.classList.contains('cell--name')
              ? tailLength
              : whole.length;
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
    },
    [tail, onlyNames] as const,
  );
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

test('a name that ends in wide characters or escapes keeps its tail whole in a narrow column', async ({
  page,
  server,
}) => {
  await writeFile(path.join(server.dir, 'e2e-tail-wide-音声データ音声データ'), 'x');
  await writeFile(path.join(server.dir, 'e2e-tail-bidi-a-rather-long-name-\u202e-x'), 'x');
  // Three bytes that are not UTF-8: shown as the escapes \xff\xfe\xfd.
  await writeFile(
    Buffer.concat([Buffer.from(`${server.dir}/e2e-tail-bytes-a-rather-long-name-`), Buffer.from([0xff, 0xfe, 0xfd])]),
    'x',
  );
  await openApp(page, server);
  await page.getByTestId('filter-search').fill('e2e-tail-');
  const rows = page.locator('[data-testid^="segment-row-"]');
  await expect(rows).toHaveCount(3);
  // The last 5 characters of each: 10 cells of wide ones, within the 12-cell tail.
  expect(await clippedCells(page, 5, true)).toEqual([]);
  const tails = await page.locator('.cell--name .visible-text__tail').allTextContents();
  expect(tails.sort()).toEqual(['\\xff\\xfe\\xfd', 'ame-\\u202e-x', 'タ音声データ'].sort());
});

test('columns resize by keyboard and by drag, hide from the column menu, and the layout, sort and filters survive a reload', async ({
  page,
  server,
  children,
}) => {
  const [pid] = await holdFourSegments(server, children);
  await openApp(page, server);
  await page.getByTestId('filter-process').fill(String(pid));
  const grid = page.getByTestId('segment-table');
  const rows = page.locator('[data-testid^="segment-row-"]');
  await expect(rows).toHaveCount(1);

  // Drag the Age column's edge 60 px to the right.
  const ageHeader = page.getByRole('columnheader').filter({ has: page.getByTestId('sort-age') });
  const before = (await ageHeader.boundingBox())?.width ?? 0;
  const edge = await page.getByTestId('resize-age').boundingBox();
  if (!edge) throw new Error('the Age column has no edge to drag');
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 2 + 30, edge.y + edge.height / 2, { steps: 3 });
  await page.mouse.move(edge.x + edge.width / 2 + 60, edge.y + edge.height / 2, { steps: 3 });
  await page.mouse.up();
  const after = (await ageHeader.boundingBox())?.width ?? 0;
  expect(after - before).toBeCloseTo(60, -1);

  // A wider Owner column squeezes the name column to its narrowest: cut in the middle, its tail still whole.
  const ownerEdge = page.getByRole('separator', { name: 'Resize Owner' });
  await ownerEdge.focus();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift+ArrowRight');
  await expect(ownerEdge).toHaveAttribute('aria-valuenow', String(124 + 3 * 64));
  const nameHeader = page.getByRole('columnheader').filter({ has: page.getByTestId('sort-name') });
  expect((await nameHeader.boundingBox())?.width).toBeCloseTo(140, 0);
  const head = rows.first().locator('.visible-text__head');
  expect(await head.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  expect(await clippedCells(page, TAIL, true)).toEqual([]);

  // Hide Mode from the column menu: the grid says 7 columns, and has 7.
  await page.getByTestId('column-menu-button').click();
  await page.getByTestId('column-toggle-mode').uncheck();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('column-menu')).toHaveCount(0);
  await expect(grid).toHaveAttribute('aria-colcount', '7');
  await expect(page.getByRole('columnheader')).toHaveCount(7);
  await expect(rows.first().getByRole('gridcell')).toHaveCount(7);
  await page.getByTestId('sort-size').click();
  await page.getByTestId('sort-size').click();

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
  await expect(page.getByTestId('filter-process')).toHaveValue(String(pid));
  await expect(rows).toHaveCount(1);
  await expect(grid).toHaveAttribute('aria-colcount', '7');
  await expect(page.getByTestId('sort-mode')).toHaveCount(0);
  await expect(page.getByRole('columnheader').filter({ has: page.getByTestId('sort-size') })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await expect(ownerEdge).toHaveAttribute('aria-valuenow', String(124 + 3 * 64));
  expect((await ageHeader.boundingBox())?.width ?? 0).toBeCloseTo(after, 0);
});
