/**
 * The table without a mouse (issue 14, "Keyboard") and its live states ("States"): `/`
 * and Ctrl+F to search, Escape back to the table, the time of the last refresh, Pause and
 * Resume of live updates, "N of M shown", and the state counts as filters.
 */
import { expect, holdSegment, openApp, segmentRow, showOnlyPulseSegments, test } from './support/fixtures';

test('/ and Ctrl+F go to the search field, Escape back to the table, where the arrows and Enter work', async ({
  page,
  server,
  scratch,
  children,
}) => {
  const { created } = await holdSegment(children, scratch, { size: '64KiB', mode: '0600', holdSeconds: 60 });
  await openApp(page, server);
  const grid = page.getByTestId('segment-table');
  const search = page.getByTestId('filter-search');
  await grid.focus();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await page.keyboard.type(created.name);
  await page.keyboard.press('Escape');
  await expect(grid).toBeFocused();
  // Escape kept the search: only this segment is shown.
  await expect(search).toHaveValue(created.name);
  await expect(page.getByTestId('shown-count')).toHaveText(/^1 of \d+ shown$/);
  await page.keyboard.press('ArrowDown');
  await expect(segmentRow(page, created.name)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('detail-pane')).toBeFocused();
  await expect(page.getByTestId('detail-name')).toHaveText(created.name);
  await page.keyboard.press('Escape');
  await expect(grid).toBeFocused();
  await page.keyboard.press('Control+f');
  await expect(search).toBeFocused();
  await expect(search).toHaveAttribute('title', /\/ or Ctrl\+F/);
  await expect(page.getByTestId('rescan-button')).toHaveAttribute('title', /R in the table/);
});

test('Pause holds the table still while segments come and go; Resume shows the current state', async ({
  page,
  server,
  scratch,
  children,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await expect(page.getByTestId('last-refresh')).toHaveText(/^Updated \d\d:\d\d:\d\d$/);

  await page.getByTestId('pause-button').click();
  await expect(page.getByTestId('pause-button')).toHaveText('Resume');
  const { created } = await holdSegment(children, scratch, { size: '64KiB', mode: '0600', holdSeconds: 60 });
  // The host sends the new segment within a second (segment-lifecycle.spec.ts); paused, the table keeps it back.
  await expect(page.getByTestId('last-refresh')).toHaveText(
    /^Paused, showing \d\d:\d\d:\d\d \(\d+ updates? waiting\)$/,
  );
  await page.waitForTimeout(500);
  await expect(segmentRow(page, created.name)).toHaveCount(0);

  await page.getByTestId('pause-button').click();
  await expect(segmentRow(page, created.name)).toBeVisible();
  await expect(page.getByTestId('last-refresh')).toHaveText(/^Updated \d\d:\d\d:\d\d$/);
});

test('the state counts in the header are buttons that set the State filter, and "N of M shown" follows', async ({
  page,
  server,
  scratch,
  children,
}) => {
  const { created } = await holdSegment(children, scratch, { size: '64KiB', mode: '0600', holdSeconds: 60 });
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await expect(segmentRow(page, created.name)).toBeVisible();
  const live = page.getByTestId('state-count-live');
  await live.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('filter-state')).toHaveValue('live');
  await expect(live).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('shown-count')).toHaveText(/^1 of \d+ shown$/);
  await live.click();
  await expect(page.getByTestId('filter-state')).toHaveValue('all');
});
