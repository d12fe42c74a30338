/**
 * `npm start` where no Electron runtime exists (here): it starts the browser host and
 * opens the address in the user's browser. The browser is a stand-in here: an
 * `xdg-open` on PATH that records what it was given (no desktop to open one on).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start, stopAll, waitFor, type Running } from './support/processes';
import { makeShmTempDir } from './support/segments';

const ROOT = path.resolve(__dirname, '..');

describe('npm start without an Electron runtime', () => {
  let bin: string;
  let shmDir: string;
  let app: Running | null = null;
  beforeEach(() => {
    bin = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-xdg-'));
    shmDir = makeShmTempDir();
  });
  afterEach(async () => {
    // SIGINT, which start.js passes on: a SIGKILL would leave its `serve` child running.
    if (app && !app.closed()) {
      app.child.kill('SIGINT');
      await Promise.race([app.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    app = null;
    await stopAll();
    rmSync(bin, { recursive: true, force: true });
    rmSync(shmDir, { recursive: true, force: true });
  });

  it('opens the browser through a redirect file only the user can read, so the token is on no command line', async () => {
    const opened = path.join(bin, 'opened');
    // Copies the file it is asked to open, with its mode, before start.js can remove it.
    writeFileSync(
      path.join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$*" > "${opened}.args"\nstat -c %a "$1" > "${opened}.mode"\ncp "$1" "${opened}.html"\n`,
    );
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    const started = start([process.execPath, path.join(ROOT, 'scripts', 'start.js'), '--port', '0', '--dir', shmDir], {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        DISPLAY: ':99',
        ELECTRON_OVERRIDE_DIST_PATH: bin,
      },
    });
    app = started;
    const printed = await waitFor(
      'the printed address',
      () => /SHM Inspector: (http:\/\/\S+)/.exec(started.stdout())?.[1],
      20_000,
    );
    const html = await waitFor(
      'xdg-open to be called',
      () => {
        try {
          return readFileSync(`${opened}.html`, 'utf8');
        } catch {
          return undefined;
        }
      },
      20_000,
    );

    const token = new URL(printed).hash.replace(/^#token=/, '');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const args = readFileSync(`${opened}.args`, 'utf8').trim();
    expect(args).toMatch(/\/open\.html$/);
    expect(args).not.toContain(token);
    expect(readFileSync(`${opened}.mode`, 'utf8').trim()).toBe('600');
    expect(statSync(path.dirname(args)).mode & 0o777).toBe(0o700);
    expect(html).toContain(`url=${printed.replace(/&/g, '&#38;')}`);

    // Ctrl-C stops the host too, and the redirect file goes with them.
    started.child.kill('SIGINT');
    expect(await started.exited).toMatchObject({ code: 0 });
    expect(existsSync(path.dirname(args))).toBe(false);
  });
});
