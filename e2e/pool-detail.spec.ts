import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  cell,
  expect,
  holdSegment,
  openApp,
  saveScreenshot,
  segmentRow,
  showOnlyPulseSegments,
  test,
  type CreatedJson,
} from './support/fixtures';

/** What `shm-inspector lab srbchannel --json` prints first. */
interface LabObjectJson {
  kind: string;
  storage: 'posix' | 'memfd';
  name: string;
  slots: number;
  channelOffset: number | null;
}

test('the slot map and the srbchannel chart render for a lab pool with traffic', async ({
  page,
  children,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);

  // Company for the pool in the table: a stale segment (its creator exits at once) and a live one.
  const creator = children.start(['create', '--dir', scratch, '--size', '1MiB', '--mode', '0600', '--json']);
  const stale = await creator.json<CreatedJson>();
  await creator.exited;
  const { created: live } = await holdSegment(children, scratch, { size: '256KiB', mode: '0644', holdSeconds: 30 });
  await expect(segmentRow(page, stale.name).getByTestId('state-badge')).toHaveText('stale');
  await expect(segmentRow(page, live.name).getByTestId('state-badge')).toHaveText('live');

  // A read-write pool with an srbchannel in slot 0 and real traffic both ways, from another process.
  const lab = children.start(['lab', 'srbchannel', '--rate', '100000', '--seconds', '30', '--dir', scratch, '--json']);
  const channel = await lab.json<LabObjectJson>();
  expect(channel).toMatchObject({ kind: 'srbchannel', storage: 'posix' });
  expect(channel.channelOffset).not.toBeNull();

  const row = segmentRow(page, channel.name);
  await expect(row).toBeVisible({ timeout: 1_000 });
  await expect(row.getByTestId('state-badge')).toHaveText('live');
  await expect(cell(row, 'owner')).toHaveText(new RegExp(`^${lab.pid} `));
  await row.click();

  const detail = page.getByTestId('detail-pane');
  const slotMap = detail.getByTestId('slot-map');
  await expect(slotMap).toBeVisible();
  await expect(slotMap).toHaveAttribute('aria-label', new RegExp(`^${channel.slots} slots: `));
  await expect(slotMap.locator('.slot')).toHaveCount(channel.slots);

  const chart = detail.getByTestId('srb-chart');
  await expect(chart).toBeVisible();
  await expect(chart).toContainText(`srbchannel in slot 0 (offset ${channel.channelOffset})`);
  await expect(page.locator('[data-testid^="segment-row-"]')).toHaveCount(3);
  await saveScreenshot(page, 'table-with-rows.png');
  // Intervals arrive at 10 Hz: the caption turns from "no samples yet" into the current rate. The lab
  // moves 100,000 B/s each way, 195.3 KiB/s in all; what the sampler sees is close to that.
  const rate = chart.getByTestId('srb-rate');
  await expect(rate).toHaveText(/^\d+\.\d KiB\/s$/);
  await expect
    .poll(async () => parseFloat((await rate.textContent()) ?? '0'), { timeout: 10_000 })
    .toBeGreaterThan(150);
  expect(parseFloat((await rate.textContent()) ?? '0')).toBeLessThan(250);
  await expect(chart.locator('figcaption')).toContainText(
    /read ring \d+\.\d KiB\/s, write ring \d+\.\d KiB\/s\); peak fill .+ of 31\.9 KiB, \d+ wake-ups/,
  );
  const plot = chart.locator('canvas');
  await expect(plot).toHaveCount(1);
  const box = await plot.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(100);
  expect(box?.height ?? 0).toBeGreaterThan(50);

  // The README's picture of the chart is of a real stream: e2e/pulseaudio-traffic.spec.ts.

  // Stopped, the lab removes its pool, and the row goes.
  const exit = await lab.stop();
  expect(exit.code).toBe(0);
  expect(existsSync(path.join(scratch, channel.name))).toBe(false);
  await expect(row).toHaveCount(0);
  await expect(page.locator('[data-testid^="segment-row-"]')).toHaveCount(2);
});

test('a lab pool created from the UI shows its slots in use and freed, and the lab stops it', async ({
  page,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);

  await page.getByTestId('create-button').click();
  const dialog = page.getByTestId('create-dialog');
  await dialog.getByLabel('Pool with in-use and freed slots (lab)').check();
  await dialog.getByLabel('Slots (64 KiB each)').fill('16');
  await dialog.getByLabel('Slots in use').fill('4');
  await dialog.getByLabel('Slots freed after those').fill('2');
  await dialog.getByTestId('create-submit').click();
  const result = dialog.getByTestId('create-result');
  await expect(result).toContainText(/^The lab made pulse-shm-\d+ with 16 slots\./);
  const name = /made (pulse-shm-\d+) with/.exec((await result.textContent()) ?? '')?.[1] ?? '';
  await dialog.getByRole('button', { name: 'Close' }).click();

  const row = segmentRow(page, name);
  await expect(row).toBeVisible({ timeout: 1_000 });
  await expect(cell(row, 'owner')).toHaveText(new RegExp(`^${server.process.pid} `));
  await row.click();
  const slotMap = page.getByTestId('detail-pane').getByTestId('slot-map');
  await expect(slotMap).toHaveAttribute('aria-label', /^16 slots: 4 in use \(U\), 2 free \(F\), /);
  await expect(slotMap.locator('.slot--in-use')).toHaveCount(4);
  await expect(slotMap.locator('.slot--free')).toHaveCount(2);
  await expect(slotMap.locator('.slot').first()).toHaveAttribute('title', /^slot 0: in use; refcount \d+/);

  // The lab list offers to stop it; stopped and removed, the file and the row go.
  const labList = page.getByTestId('lab-list');
  await expect(labList).toContainText(name);
  await labList.getByRole('button', { name: 'Stop and remove' }).click();
  await expect(labList).toHaveCount(0);
  await expect(row).toHaveCount(0);
  expect(existsSync(path.join(scratch, name))).toBe(false);
});
