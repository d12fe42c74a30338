import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { findElectron } from './support/electron-runtime';
import { REPO_ROOT } from './support/paths';
import { Children } from './support/processes';
import { cell, expect, holdSegment, segmentRow, showOnlyPulseSegments, test } from './support/fixtures';

// The Electron app always inspects /dev/shm (it has no --dir): the test's segment goes
// there, under a fresh random name, and the test removes exactly that file afterwards.
const SHM_DIR = '/dev/shm';

const runtime = findElectron();

test('the Electron window shows the table, and a new segment appears in it as live', async () => {
  if (!runtime.found) {
    // The annotation goes to the report; the line makes the list reporter show why, too.
    const reason = `no Electron runtime: ${runtime.reason}`;
    console.log(`Electron suite skipped: ${reason}`);
    test.skip(true, reason);
    return;
  }
  const children = new Children();
  // Window bounds are saved under the user's config directory: give the app a throwaway one.
  const configHome = await mkdtemp(path.join(os.tmpdir(), 'shm-inspector-e2e-electron-'));
  let segment: string | null = null;
  try {
    const app = await electron.launch({
      executablePath: runtime.binary,
      // Chromium refuses to run as root without --no-sandbox.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT],
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
    });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('segment-table')).toBeVisible();
      await expect(window.getByTestId('connection-status')).toHaveText('Connected');
      await expect(window.getByTestId('header-capacity')).toContainText(SHM_DIR);
      await showOnlyPulseSegments(window);

      const { owner, created } = await holdSegment(children, SHM_DIR, { size: '64KiB', mode: '0600', holdSeconds: 30 });
      segment = created.path;
      const row = segmentRow(window, created.name);
      await expect(row).toBeVisible({ timeout: 1_000 });
      await expect(row.getByTestId('state-badge')).toHaveText('live');
      await expect(cell(row, 'owner')).toHaveText(new RegExp(`^${owner.pid} `));
      await expect(cell(row, 'mode')).toHaveText(/^0600 /);
    } finally {
      await app.close();
    }
  } finally {
    await children.stopAll();
    if (segment !== null) await rm(segment, { force: true });
    await rm(configHome, { recursive: true, force: true });
  }
});
