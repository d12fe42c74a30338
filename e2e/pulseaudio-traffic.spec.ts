/**
 * A real PulseAudio stream's srbchannel in the browser: a private daemon with memfd pools
 * (the default; memfds are found through /proc, so the host outside the daemon's mount
 * namespace sees them) and paplay playing a tone at its default latency. The per-client
 * pool's chart must show traffic and a non-zero rate, as the user expected.
 */
import type { ScanResult } from '../protocol/scan-result';
import { cliArgv, run } from '../test/support/processes';
import { PulseRig } from '../test/support/pulse-daemon';
import { expect, openApp, saveScreenshot, segmentRow, test } from './support/fixtures';

test('a playing stream’s srbchannel shows bytes per second and a current rate', async ({ page, server }) => {
  test.setTimeout(90_000);
  const rig = await PulseRig.start({ memfd: true });
  try {
    const paplay = await rig.daemon.play(rig.tone);

    // Which of paplay's memfds carries the srbchannel, as the engine decodes it.
    const scan = await run(cliArgv(['scan', '--all', '--json']));
    expect(scan.code, scan.stderr).toBe(0);
    const pool = (JSON.parse(scan.stdout) as ScanResult).memfds.find(
      (memfd) =>
        (memfd.pool?.pool?.srbchannels.length ?? 0) > 0 && memfd.holders.some((holder) => holder.pid === paplay.pid),
    );
    if (!pool) throw new Error('no memfd pool of paplay holds an srbchannel');

    await openApp(page, server);
    await page.getByTestId('filter-kind').selectOption('memfd');
    await page.getByTestId('filter-process').fill(String(paplay.pid));
    const row = segmentRow(page, `memfd:${pool.name}:${pool.inode}`);
    await expect(row).toBeVisible({ timeout: 5_000 });
    await row.click();

    const chart = page.getByTestId('detail-pane').getByTestId('srb-chart');
    await expect(chart).toBeVisible();
    // paplay refills about every 2 s; the rate is the traffic of the last 5 s.
    const rate = chart.getByTestId('srb-rate');
    await expect
      .poll(async () => parseFloat((await rate.textContent()) ?? '0'), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect(rate).toHaveText(/^\d+(\.\d)? (B|KiB|MiB)\/s$/);
    await expect(chart.locator('canvas')).toHaveCount(1);

    // For the README: a third of the chart's minute of bursts.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.waitForTimeout(20_000);
    await chart.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'detail-pane-slot-map-and-chart.png');
  } finally {
    await rig.stop();
  }
});
