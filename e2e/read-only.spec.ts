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

test('a --read-only host plans a cleanup but refuses to delete, and the file stays', async ({
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

  // Planning only reads, so it is allowed; executing the plan is refused and says why.
  await page.getByTestId('clean-stale-button').click();
  const dialog = page.getByTestId('cleanup-dialog');
  await expect(dialog.getByTestId(`cleanup-remove-${created.name}`)).toBeVisible();
  await dialog.getByTestId('cleanup-confirm').click();
  const problem = dialog.getByTestId('problem-state');
  await expect(problem).toContainText('This host is read-only');
  await expect(problem).toContainText('--read-only');
  await expect(dialog.getByTestId('cleanup-result')).toHaveCount(0);

  expect(await readdir(scratch), 'the file stays').toEqual([created.name]);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByTestId('state-badge')).toHaveText('stale');

  // Create is refused the same way, and makes nothing.
  await page.getByTestId('create-button').click();
  const create = page.getByTestId('create-dialog');
  await create.getByLabel('Data size').fill('64KiB');
  await create.getByTestId('create-submit').click();
  await expect(create.getByTestId('create-error')).toContainText('This host is read-only');
  await expect(create.getByTestId('create-result')).toHaveCount(0);
  expect(await readdir(scratch)).toEqual([created.name]);
});
