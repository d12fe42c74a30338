/**
 * Export of the table as shown: a real download in Chromium, read back from disk.
 */
import { readFile } from 'node:fs/promises';
import { expect, openApp, showOnlyPulseSegments, test, type CreatedJson } from './support/fixtures';

test('Export CSV and Export JSON save the rows shown, as the table shows them', async ({ page, server, children }) => {
  const creator = children.start(['create', '--dir', server.dir, '--size', '64KiB', '--json']);
  const created = await creator.json<CreatedJson>();
  expect((await creator.exited).code).toBe(0);
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await expect(page.getByTestId(`segment-row-${created.name}`).getByTestId('state-badge')).toHaveText('stale');

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^shm-inspector-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.csv$/);
  const csv = await readFile(await csvDownload.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('name,kind,state,reason,size,allocated,mode,uid,owner_pid,owner_program,attached,created');
  // Only what the Kind filter lets through: the one PulseAudio segment, stale once its creator exited.
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(new RegExp(`^${created.name},pulse,stale,`));

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const view = JSON.parse(await readFile(await jsonDownload.path(), 'utf8')) as {
    dir: string;
    filter: { kind: string };
    items: { id: string; segment: { name: string; size: number } }[];
  };
  expect(view.dir).toBe(server.dir);
  expect(view.filter.kind).toBe('pulse');
  expect(view.items.map((item) => item.segment.name)).toEqual([created.name]);
  expect(view.items[0]?.segment.size).toBe(65536 + 40);
});
