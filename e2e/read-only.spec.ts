import { readdir } from 'node:fs/promises';
import {
  cell,
  expect,
  openApp,
  segmentRow,
  showOnlyPulseSegments,
  startServer,
  test,
  type CreatedJson,
} from './support/fixtures';

test('a --read-only host says so up front: Create, Clean and the lab are off with the reason, and nothing is removed', async ({
  page,
  children,
  scratch,
}) => {
  // A stale segment: its creator exits at once, and the marker names it.
  const creator = children.start(['create', '--dir', scratch, '--size', '64KiB', '--json']);
  const created = await creator.json<CreatedJson>();
  expect((await creator.exited).code).toBe(0);

  const server = await startServer(children, scratch, { readOnly: true });
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  const row = segmentRow(page, created.name);
  await expect(row.getByTestId('state-badge')).toHaveText('stale');
  await expect(cell(row, 'owner')).toHaveText(`${creator.pid} (gone)`);

  // Before any dialog: the header says read-only, and what it would refuse cannot be started.
  await expect(page.getByTestId('read-only-badge')).toHaveText('Read-only');
  for (const id of ['create-button', 'clean-stale-button']) {
    const button = page.getByTestId(id);
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', /read-only \(started with --read-only\)/);
  }
  await expect(page.getByTestId('rescan-button')).toBeEnabled();
  expect(await readdir(scratch), 'the file stays').toEqual([created.name]);

  // It deletes nothing, so it keeps no audit log: the tab says so, as a note and not a failure.
  await page.getByTestId('tab-audit').click();
  await expect(page.getByTestId('audit-none')).toHaveText(/^No audit log: .*read-only.*keeps no audit log\.$/);
  await expect(page.getByTestId('audit-log').getByRole('alert')).toHaveCount(0);
});
