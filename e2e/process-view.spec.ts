/**
 * The Processes tab against a real PulseAudio: a private daemon with memfd pools (found
 * through /proc, so the host outside the daemon's mount namespace sees them) and paplay
 * playing; `serve` runs with the daemon's client environment, so its pactl reaches it.
 */
import { PulseRig } from '../test/support/pulse-daemon';
import { expect, openApp, saveScreenshot, serverOf, test } from './support/fixtures';

test('the Processes tab names a PulseAudio client, lists its pools, and links both ways with Segments', async ({
  page,
  children,
  scratch,
}) => {
  test.setTimeout(90_000);
  const rig = await PulseRig.start({ memfd: true });
  try {
    const { daemon } = rig;
    const paplay = await daemon.play(rig.tone);
    const server = await serverOf(
      children.start(['serve', '--port', '0', '--dir', scratch], daemon.env),
      scratch,
      false,
    );
    await openApp(page, server);

    await page.getByTestId('tab-processes').click();
    await expect(page.getByRole('tabpanel', { name: 'Processes' })).toBeVisible();
    const row = page.getByTestId(`process-row-${paplay.pid}`);
    // The name comes from pactl (application.name), asked at once when a new PID holds a pool.
    await expect(row.locator('[data-column="client"]')).toHaveText('paplay', { timeout: 15_000 });
    await expect(row.locator('[data-column="comm"]')).toHaveText('paplay');
    await expect(page.getByTestId(`process-row-${daemon.pid}`).locator('[data-column="comm"]')).toHaveText(
      'pulseaudio',
    );
    await expect(page.getByTestId('process-names-note')).toHaveCount(0);

    await row.click();
    await expect(row).toHaveAttribute('aria-selected', 'true');
    const detail = page.getByTestId('process-detail');
    await expect(detail.getByTestId('process-client')).toHaveText('paplay (pacat)');
    await expect(detail.getByTestId('process-cmdline')).toContainText('paplay --device=nul');
    const holds = detail.getByTestId('process-holds').locator('[data-testid^="process-item-"]');
    expect(await holds.count()).toBeGreaterThan(0);

    // For the README: the client selected, its pools beside it.
    await page.setViewportSize({ width: 1280, height: 800 });
    await saveScreenshot(page, 'process-view.png');

    // Process -> segment: the Segments tab, the pool's row selected and in view, its detail shown.
    const first = holds.first();
    const itemId = ((await first.getAttribute('data-testid')) ?? '').replace('process-item-', '');
    const itemName = (await first.textContent()) ?? '';
    expect(itemId).toMatch(/^memfd:/);
    await first.click();
    await expect(page.getByTestId('tab-segments')).toHaveAttribute('aria-selected', 'true');
    const segmentRow = page.getByTestId(`segment-row-${itemName}`);
    await expect(segmentRow).toBeVisible();
    await expect(segmentRow).toHaveAttribute('aria-selected', 'true');
    const pane = page.getByTestId('detail-pane');
    await expect(pane.getByTestId('detail-name')).toHaveText(itemName);

    // Segment -> process: the holder's link in the detail pane selects it in Processes.
    await pane.getByTestId('attached-list').getByTestId(`process-link-${paplay.pid}`).click();
    await expect(page.getByTestId('tab-processes')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId(`process-row-${paplay.pid}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('process-detail')).toContainText(`PID ${paplay.pid} paplay`);
  } finally {
    await rig.stop();
  }
});
