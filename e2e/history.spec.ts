import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, segmentRow, showOnlyPulseSegments, startServer, test } from './support/fixtures';

const MiB = 1024 * 1024;
const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB, TiB: 1024 * 1024 * MiB };

/** "shm use 12.0 MiB -> 48.0 MiB over 10 s" as [first, last] bytes (to the label's rounding), or null. */
function shmGrowth(label: string | null): [number, number] | null {
  const match = /^shm use ([\d.]+) (\w+) -> ([\d.]+) (\w+) over /.exec(label ?? '');
  if (!match) return null;
  const [, first = '', firstUnit = '', last = '', lastUnit = ''] = match;
  return [Number(first) * (UNITS[firstUnit] ?? Number.NaN), Number(last) * (UNITS[lastUnit] ?? Number.NaN)];
}

/** What `shm-inspector lab pool --json` prints first. */
interface LabPoolJson {
  name: string;
  slots: number;
}

test("the header's sparkline shows the shm filesystem's use growing as segments are written, and a pool's slots in use", async ({
  page,
  children,
  scratch,
}) => {
  // A point every 200 ms instead of 5 s, so that a slope shows within the test.
  const server = await startServer(children, scratch, { args: ['--history-ms', '200'] });
  await openApp(page, server);
  const sparkline = page.getByTestId('header-capacity').getByTestId('shm-sparkline');
  await expect(sparkline).toBeVisible();
  await expect(sparkline).toHaveAttribute('aria-label', /^shm use \S+ \S+(, history starting| -> \S+ \S+ over .+)$/);

  // Written data, so that tmpfs allocates it: 24 MiB over about a second and a half.
  for (let i = 0; i < 3; i++) {
    writeFileSync(path.join(scratch, `pulse-shm-${4_000_000_000 + i}`), Buffer.alloc(8 * MiB, 0xa5));
    await page.waitForTimeout(500);
  }
  // Other programs' segments in /dev/shm may come and go meanwhile: most of the 24 MiB is enough.
  await expect
    .poll(async () => {
      const growth = shmGrowth(await sparkline.getAttribute('aria-label'));
      return growth ? growth[1] - growth[0] : 0;
    })
    .toBeGreaterThan(16 * MiB);
  expect(await sparkline.locator('polyline').getAttribute('points')).toMatch(/^(\S+ ){5,}\S+$/);

  // A pool with 3 slots in use: its detail has a sparkline of them.
  const lab = children.start(
    ['lab', 'pool', '--slots', '8', '--allocated', '3', '--freed', '1', '--seconds', '30'].concat([
      '--dir',
      scratch,
      '--json',
    ]),
  );
  const pool = await lab.json<LabPoolJson>();
  await showOnlyPulseSegments(page);
  await segmentRow(page, pool.name).click();
  const poolLine = page.getByTestId('detail-pane').getByTestId('pool-sparkline');
  await expect(poolLine).toHaveAttribute('aria-label', /^slots in use 3 -> 3 over \d+ (ms|s)$/);

  const exit = await server.process.stop('SIGINT');
  expect(exit).toMatchObject({ code: 0, signal: null });
});
