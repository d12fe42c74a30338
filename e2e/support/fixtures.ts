/**
 * What every browser-host test stands on: a scratch shm directory on tmpfs, the processes
 * the test starts (all stopped at teardown), and `shm-inspector serve` watching that
 * directory. The page reaches the app only the way a user does: the printed address.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { Children, type CliProcess } from './processes';
import { SCREENSHOT_DIR } from './paths';

/** Scratch directories live on the real shm tmpfs, beside (never among) everyone else's segments. */
const SCRATCH_PARENT = '/dev/shm';
export const SCRATCH_PREFIX = 'shm-inspector-e2e-';

export interface InspectorServer {
  /** The address `serve` printed, token included. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  dir: string;
  readOnly: boolean;
  process: CliProcess;
}

/**
 * Starts `shm-inspector serve --port 0 --dir DIR` (or on `port`, with `args` added, such
 * as `--history-ms 200`) and reads the address it prints.
 */
export async function startServer(
  children: Children,
  dir: string,
  options: { readOnly?: boolean; port?: number; args?: string[] } = {},
): Promise<InspectorServer> {
  const readOnly = options.readOnly === true;
  const port = String(options.port ?? 0);
  const extra = [...(readOnly ? ['--read-only'] : []), ...(options.args ?? [])];
  const child = children.start(['serve', '--port', port, '--dir', dir, ...extra]);
  return serverOf(child, dir, readOnly);
}

/** A started `serve`, once it has printed its address (token included). */
export async function serverOf(serve: CliProcess, dir: string, readOnly: boolean): Promise<InspectorServer> {
  const [, printed] = await serve.line(/^SHM Inspector: (http:\/\/\S+)$/);
  const url = new URL(printed ?? '');
  // The token is in the fragment, which the browser never sends.
  const token = /^#token=([0-9a-f]{64})$/.exec(url.hash)?.[1];
  if (!token) throw new Error(`the printed address has no token in its fragment: ${printed}`);
  return { url: url.href, origin: url.origin, port: Number(url.port), token, dir, readOnly, process: serve };
}

/** Opens the printed address as a user does, and waits until the app is connected and shows `server.dir`. */
export async function openApp(page: Page, server: InspectorServer): Promise<void> {
  await page.goto(server.url);
  // The page moves the token to sessionStorage and takes it out of the address bar.
  await expect(page).toHaveURL(`${server.origin}/`);
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
  await expect(page.getByTestId('header-capacity')).toContainText(server.dir);
}

/**
 * Shows only PulseAudio-named entries. The table lists every memfd of every process too
 * (Chromium's own, the test browser's included), and it is virtualized: a row scrolled
 * out of view is not in the DOM, so a test narrows the table as a user would.
 */
export async function showOnlyPulseSegments(page: Page): Promise<void> {
  await page.getByTestId('filter-kind').selectOption('pulse');
}

/** What `shm-inspector create --json` prints (protocol CreatedObject). */
export interface CreatedJson {
  kind: 'posix' | 'memfd';
  name: string;
  path: string | null;
  dataSize: number;
  fileSize: number;
  mode: number;
  markerPid: number | null;
}

/**
 * Creates a segment in `dir` from a child process that maps it for `holdSeconds` and so is
 * its live owner (the marker names the child); resolves once the file exists.
 */
export async function holdSegment(
  children: Children,
  dir: string,
  options: { size: string; mode: string; holdSeconds: number },
): Promise<{ owner: CliProcess; created: CreatedJson }> {
  const owner = children.start([
    'create',
    '--dir',
    dir,
    '--size',
    options.size,
    '--mode',
    options.mode,
    '--hold',
    String(options.holdSeconds),
    '--json',
  ]);
  return { owner, created: await owner.json<CreatedJson>() };
}

/** The table's columns, in their default order (renderer/src/store/column-layout.ts). */
export const COLUMN = { name: 0, kind: 1, size: 2, state: 3, owner: 4, attached: 5, mode: 6, age: 7 } as const;

export function segmentRow(page: Page, name: string): Locator {
  return page.getByTestId(`segment-row-${name}`);
}

/** A row's cell of `column`, found by the column it belongs to: columns can be hidden. */
export function cell(row: Locator, column: keyof typeof COLUMN): Locator {
  return row.locator(`[role="gridcell"][data-column="${column}"]`);
}

/** Saves a PNG of a main view under e2e/screenshots/. */
export async function saveScreenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, file) });
}

interface Fixtures {
  /** A fresh directory under /dev/shm, removed with everything in it after the test. */
  scratch: string;
  /** The processes the test starts; all stopped before the scratch directory goes. */
  children: Children;
  /** `shm-inspector serve` on the scratch directory. */
  server: InspectorServer;
}

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from its first parameter: this one has none.
  // eslint-disable-next-line no-empty-pattern
  scratch: async ({}, use) => {
    const dir = await mkdtemp(path.join(SCRATCH_PARENT, SCRATCH_PREFIX));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  // Depends on the scratch directory so that it is torn down first: nothing still runs in a removed directory.
  children: async ({ scratch }, use) => {
    void scratch;
    const children = new Children();
    try {
      await use(children);
    } finally {
      await children.stopAll();
    }
  },
  server: async ({ children, scratch }, use) => {
    const server = await startServer(children, scratch);
    await use(server);
    // Ctrl-C ends serve cleanly (clients closed, inspector stopped), well within the grace before SIGKILL.
    const exit = await server.process.stop('SIGINT');
    expect(exit, `serve exits by itself on SIGINT: ${server.process.describe()}`).toMatchObject({
      code: 0,
      signal: null,
    });
  },
});

export { expect };
