/**
 * The table's keyboard and the dialogs, as a user meets them in a real browser: Enter on a
 * column header sorts, a dialog and its backdrop cover the table's sticky header, and
 * Escape closes a dialog after its work is done (when its submit button has gone).
 */
import { expect, openApp, showOnlyPulseSegments, test } from './support/fixtures';

test('Enter on a focused column header sorts by it, and focus stays on the header', async ({ page, server }) => {
  await openApp(page, server);
  const header = page.getByTestId('sort-size');
  const column = page.getByRole('columnheader').filter({ has: header });
  await expect(column).toHaveAttribute('aria-sort', 'none');
  await header.focus();
  await page.keyboard.press('Enter');
  await expect(column).not.toHaveAttribute('aria-sort', 'none');
  await expect(header).toBeFocused();
});

test('the dialog and its backdrop are drawn above the table’s sticky header', async ({ page, server, children }) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  const created = children.start(['create', '--dir', server.dir, '--size', '64KiB', '--json']);
  await created.json();
  await page.getByTestId('clean-stale-button').click();
  const dialog = page.getByTestId('cleanup-dialog');
  await expect(dialog).toBeVisible();

  // Whatever is drawn at the header's place is the backdrop or the dialog, never the header.
  const box = await page.getByRole('columnheader').first().boundingBox();
  expect(box).not.toBeNull();
  const topmost = await page.evaluate(
    ({ x, y }) => {
      const element = document.elementFromPoint(x, y);
      return element?.closest('.dialog-backdrop') ? 'dialog' : (element?.className ?? 'nothing');
    },
    { x: (box?.x ?? 0) + (box?.width ?? 0) / 2, y: (box?.y ?? 0) + (box?.height ?? 0) / 2 },
  );
  expect(topmost).toBe('dialog');
});

test('Escape closes Create after it has created, when its submit button has gone', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByTestId('create-button').click();
  const dialog = page.getByTestId('create-dialog');
  await dialog.getByLabel('Data size').fill('64KiB');
  await dialog.getByTestId('create-submit').click();
  await expect(dialog.getByTestId('create-result')).toContainText('Created');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
