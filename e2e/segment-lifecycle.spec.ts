import { existsSync, readFileSync } from 'node:fs';
import {
  cell,
  expect,
  holdSegment,
  openApp,
  saveScreenshot,
  segmentRow,
  showOnlyPulseSegments,
  test,
} from './support/fixtures';
import { auditLogPath } from './support/paths';

/** The audit log's lines about one name (the log is shared by the whole run). */
function auditLinesFor(name: string): unknown[] {
  if (!existsSync(auditLogPath())) return [];
  return readFileSync(auditLogPath(), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { name: string })
    .filter((entry) => entry.name === name);
}

test('a segment appears within 1 s as live, turns stale when its owner exits, and Clean removes it', async ({
  page,
  children,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);

  // A real owner: a child process that created the segment and maps it for 30 s.
  const { owner, created } = await holdSegment(children, scratch, { size: '64KiB', mode: '0640', holdSeconds: 30 });
  const existsSince = Date.now();
  expect(created.path).toBe(`${scratch}/${created.name}`);
  expect(created.markerPid).toBe(owner.pid);

  const row = segmentRow(page, created.name);
  await expect(row, 'the new segment is in the table within 1 s').toBeVisible({ timeout: 1_000 });
  test.info().annotations.push({ type: 'appeared after', description: `${Date.now() - existsSince} ms` });

  // 64 KiB of data plus the 40-byte marker: 65576 bytes, which reads as 64.0 KiB.
  await expect(cell(row, 'size')).toHaveText(/^64\.0 KiB \/ /);
  await expect(cell(row, 'mode')).toHaveText(/^0640 · uid \d+$/);
  await expect(cell(row, 'kind')).toHaveText('PulseAudio');
  await expect(row.getByTestId('state-badge')).toHaveText('live');
  await expect(cell(row, 'owner')).toHaveText(new RegExp(`^${owner.pid} node$`));
  await expect(cell(row, 'attached')).toContainText(`${owner.pid}:rw`);

  // The detail pane says the same, down to the marker naming the owner.
  await row.click();
  const detail = page.getByTestId('detail-pane');
  await expect(detail.getByTestId('state-badge')).toHaveText('live');
  await expect(detail.getByTestId('owner-summary')).toContainText(`The marker names PID ${owner.pid}: node`);
  await expect(detail.getByTestId('marker')).toContainText(`PID ${owner.pid}`);
  await expect(detail.getByTestId('marker')).toContainText('fe ca ef be');

  // The owner exits (and is reaped): no process has the marker's PID any more.
  const exit = await owner.stop('SIGKILL');
  expect(exit.signal).toBe('SIGKILL');
  await expect(row.getByTestId('state-badge'), 'stale within a few seconds of the exit').toHaveText('stale', {
    timeout: 5_000,
  });
  await expect(cell(row, 'owner')).toHaveText(`${owner.pid} (gone)`);
  await expect(cell(row, 'attached')).toHaveText('—');
  expect(existsSync(created.path!), 'a stale segment stays until someone cleans it').toBe(true);

  // Clean: the engine plans, the user reads the plan and confirms, the engine removes.
  await page.getByTestId('clean-stale-button').click();
  const dialog = page.getByTestId('cleanup-dialog');
  const plan = dialog.getByTestId('cleanup-plan');
  await expect(plan).toContainText(`Removes 1 segment from ${scratch}`);
  const removal = plan.getByTestId(`cleanup-remove-${created.name}`);
  await expect(removal).toContainText('stale');
  await expect(removal).toContainText(`${owner.pid}`);
  await saveScreenshot(page, 'cleanup-plan-dialog.png');

  await dialog.getByTestId('cleanup-confirm').click();
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 1 segment');
  await expect(dialog.getByTestId('cleanup-result')).toContainText(created.name);
  expect(existsSync(created.path!), 'the file is gone from the shm directory').toBe(false);
  await expect(row, 'and the row from the table').toHaveCount(0);
  expect(auditLinesFor(created.name), 'the deletion is in the audit log, made through the WebSocket').toEqual([
    expect.objectContaining({ interface: 'websocket', dir: scratch, name: created.name, outcome: 'removed' }),
  ]);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});
