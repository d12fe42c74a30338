import { expect, openApp, segmentRow, showOnlyPulseSegments, test, type CreatedJson } from './support/fixtures';

test('a segment removed through the browser is in the Audit log tab: when, via the browser, by whom, how much', async ({
  page,
  children,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);

  // A stale segment: its creator (named in the marker) exits at once.
  const creator = children.start(['create', '--dir', scratch, '--size', '1MiB', '--mode', '0600', '--json']);
  const stale = await creator.json<CreatedJson>();
  await creator.exited;
  await expect(segmentRow(page, stale.name).getByTestId('state-badge')).toHaveText('stale');

  await page.getByTestId('clean-stale-button').click();
  const dialog = page.getByTestId('cleanup-dialog');
  await expect(dialog.getByTestId(`cleanup-remove-${stale.name}`)).toBeVisible();
  await dialog.getByTestId('cleanup-confirm').click();
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 1 segment');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('tab-audit').click();
  const panel = page.getByTestId('audit-log');
  await expect(panel.getByTestId('audit-summary')).toContainText('audit.jsonl');
  // The run's log is shared by every test: the record is found by its name.
  const row = panel.getByTestId('audit-record').filter({ hasText: stale.name });
  await expect(row).toHaveCount(1);
  const cells = row.getByRole('cell');
  await expect(cells.nth(0)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await expect(cells.nth(1)).toHaveText('browser');
  await expect(cells.nth(2)).toHaveText(new RegExp(`^uid ${process.getuid?.() ?? ''}, PID \\d+$`));
  await expect(cells.nth(3)).toHaveText(stale.name);
  await expect(cells.nth(4)).toHaveText(/^\d+(\.\d)? (B|KiB|MiB)$/);
  await expect(cells.nth(5)).toHaveText('removed');

  // A second removal while the tab is open shows after Refresh.
  const second = children.start(['create', '--dir', scratch, '--size', '64KiB', '--mode', '0600', '--json']);
  const again = await second.json<CreatedJson>();
  await second.exited;
  await page.getByTestId('tab-segments').click();
  await expect(segmentRow(page, again.name).getByTestId('state-badge')).toHaveText('stale');
  await page.getByTestId('clean-stale-button').click();
  await dialog.getByTestId('cleanup-confirm').click();
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 1 segment');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('tab-audit').click();
  await expect(panel.getByTestId('audit-record').filter({ hasText: again.name })).toHaveCount(1);
});
