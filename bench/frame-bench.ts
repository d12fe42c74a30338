/**
 * The renderer part of `npm run bench`: the real app in headless chromium, served by
 * `shm-inspector serve` on a directory of 10,000 segments, while a driver process makes
 * real filesystem changes at 4 Hz (it rewrites the marker PID of a few segments shown at
 * the top of the table, and creates or removes a segment), so real patches flow over the
 * WebSocket. The harness injects its measuring script (frame times from
 * requestAnimationFrame deltas, how long each patch message takes the page to handle)
 * with addInitScript and reads it with evaluate: nothing is added to the renderer.
 *
 * A frame's time is the delta between two requestAnimationFrame callbacks. It cannot be
 * shorter than the display's refresh interval, 16.7 ms at 60 Hz (headless chromium
 * included: the idle page is measured as the baseline), so the issue's "no frame over
 * 16 ms at the median" is checked as a median of at most one 60 Hz frame, 16.7 ms at the
 * 0.1 ms resolution of performance.now() in a page.
 *
 * Everything started here (server, driver, browser) is stopped by the disposer handed to
 * `track`, which the runner also calls on failure and on SIGINT/SIGTERM; a whole-part
 * deadline turns any hang (chromium not starting, a page that never shows its rows) into
 * an error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { MARKER_SIZE } from '../protocol/limits';
import type { Fixture } from './fixture';
import { cell, LABEL_WIDTH, median, percentile, targetRow } from './stats';

/** Debian's chromium; SHM_BENCH_CHROMIUM points elsewhere (a wrong path shows how a launch failure is reported). */
const CHROMIUM = process.env.SHM_BENCH_CHROMIUM ?? '/usr/lib/chromium/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // performance.memory exact, not rounded to buckets.
  '--enable-precise-memory-info',
];
const VIEWPORT = { width: 1280, height: 800 };
const LAUNCH_TIMEOUT_MS = 30_000;
const SERVE_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 60_000;
/** The whole part, from starting the server to closing the browser. */
const DEADLINE_MS = 120_000;
const STOP_TIMEOUT_MS = 5_000;
/** After the rows show: the first periodic rescans and the layout settle before anything is measured. */
const SETTLE_MS = 1_500;
const IDLE_MS = 3_000;
const DRIVE_MS = 10_000;
const DRIVE_HZ = 4;
/** Marker PIDs rewritten per change, among the first rows of the table (sorted by name). */
const MARKERS_PER_TICK = 3;
const DRIVEN_SEGMENTS = 12;
/** One frame at 60 Hz, to the 0.1 ms resolution of performance.now() in a page that is not cross-origin isolated. */
export const FRAME_TARGET_MS = 16.7;
/** A frame this long missed at least one refresh (1.5 intervals at 60 Hz). */
const DROPPED_MS = 25;

/**
 * Page-side source (a block statement, for a script injected before the page's own) that
 * routes every onmessage handler the page gives a WebSocket through `around`, page JS of
 * the form `(handler, socket, event, isPatch) => result`, which calls the handler itself.
 */
export function aroundOnmessage(around: string): string {
  return `{
    const around = ${around};
    const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
    if (onmessage && onmessage.get && onmessage.set) {
      Object.defineProperty(WebSocket.prototype, 'onmessage', {
        configurable: true,
        enumerable: onmessage.enumerable,
        get() { return onmessage.get.call(this); },
        set(handler) {
          if (typeof handler !== 'function') { onmessage.set.call(this, handler); return; }
          onmessage.set.call(this, function (event) {
            const isPatch = typeof event.data === 'string' && event.data.startsWith('{"type":"patch"');
            return around(handler, this, event, isPatch);
          });
        },
      });
    }
  }`;
}

/**
 * The measuring script, injected before the page's own: wraps the WebSocket's onmessage
 * setter to time each patch message (the handler, then the microtasks it queued, where
 * React renders a store change), watches long tasks, and keeps a requestAnimationFrame
 * loop between startFrames() and stopFrames().
 */
const MEASURE_SCRIPT = `(() => {
  const bench = { patches: [], longTasks: [], stopFrames: () => [] };
  Object.defineProperty(window, '__shmBench', { value: bench });
  ${aroundOnmessage(`(handler, socket, event, isPatch) => {
    const start = performance.now();
    try {
      return handler.call(socket, event);
    } finally {
      if (isPatch) {
        queueMicrotask(() => {
          const end = performance.now();
          const patch = JSON.parse(event.data).patch;
          // A large patch's items come packed (protocol/packed-items.ts): runs of one type each.
          const packed = patch.packedUpserts;
          const types = packed
            ? packed.runs.map((run) => [packed.groups[run.group].type, run.count])
            : patch.upserts.map((item) => [item.type, 1]);
          const upserts = types.reduce((sum, [, count]) => sum + count, 0);
          const segments = types.reduce((sum, [type, count]) => sum + (type === 'segment' ? count : 0), 0)
            + patch.removals.filter((id) => id.startsWith('seg:')).length;
          const others = upserts + patch.removals.length - segments;
          const header = patch.header ? JSON.stringify(patch.header).length : 0;
          bench.patches.push([start, end - start, event.data.length, segments, others, header]);
        });
      }
    }
  }`)}
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  bench.startFrames = () => {
    const frames = [];
    let last = null;
    let running = true;
    const step = (time) => {
      if (!running) return;
      if (last !== null) frames.push(time - last);
      last = time;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
    bench.stopFrames = () => { running = false; return frames; };
    return performance.now();
  };
})();`;

/**
 * The driver: every 1/hz s rewrites the marker PID of `perTick` of `files` (swapping two
 * PIDs), and creates or removes a marked segment of its own; prints a line per change.
 * Stops when its stdin closes, removing what it made.
 */
const DRIVER_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const [dir, filesJson, pidsJson, hz, perTick, markerSize] = process.argv.slice(1);
const files = JSON.parse(filesJson);
const pids = JSON.parse(pidsJson);
const MARKER = Number(markerSize);
const DATA = 4096;
const word = Buffer.alloc(4);
let tick = 0;
let made = 0;
let churn = null;
const flip = (file) => {
  const fd = fs.openSync(file, 'r+');
  try {
    const offset = fs.fstatSync(fd).size - MARKER + 4;
    fs.readSync(fd, word, 0, 4, offset);
    word.writeInt32LE(word.readInt32LE(0) === pids[0] ? pids[1] : pids[0], 0);
    fs.writeSync(fd, word, 0, 4, offset);
  } finally {
    fs.closeSync(fd);
  }
};
const timer = setInterval(() => {
  for (let k = 0; k < Number(perTick); k++) flip(files[(tick * Number(perTick) + k) % files.length]);
  if (churn === null) {
    churn = path.join(dir, 'bench-churn-' + made++);
    const data = Buffer.alloc(DATA + MARKER);
    data.writeUInt32LE(0xbeefcafe, DATA);
    data.writeInt32LE(pids[0], DATA + 4);
    fs.writeFileSync(churn, data, { mode: 0o600 });
  } else {
    fs.unlinkSync(churn);
    churn = null;
  }
  tick += 1;
  process.stdout.write(tick + '\\n');
}, 1000 / Number(hz));
process.stdin.on('end', () => {
  clearInterval(timer);
  if (churn) fs.rmSync(churn, { force: true });
  process.exit(0);
});
process.stdin.resume();
`;

export interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Frames of DROPPED_MS or more: at least one refresh missed. */
  dropped: number;
}

export interface HeapSample {
  usedBytes: number;
  totalBytes: number;
  /** usedJSHeapSize after a full garbage collection (DevTools protocol): what the page keeps. */
  usedAfterGcBytes: number;
}

export interface FrameBenchResult {
  chromium: string;
  segments: number;
  /** Rows the table counts (aria-rowcount - 1): the segments and whatever memfds the machine has. */
  rows: number;
  /** Navigation to every row counted by the table. */
  loadMs: number;
  /** The first patch message, the full snapshot: its size and how long the page took to handle it. */
  snapshot: { chars: number; handleMs: number };
  idle: FrameStats & { durationMs: number };
  driven: FrameStats & { durationMs: number; hz: number };
  /** Driver changes made while frames were measured, and patch messages the page handled meanwhile. */
  changes: number;
  /** Patch messages in the idle window: periodic rescans that found something changed (memfds of running browsers). */
  idlePatches: number;
  patches: {
    received: number;
    perSecond: number;
    /** From the message event to the end of the microtasks it queued (JSON.parse, applyPatch, React's render). */
    handleMedianMs: number;
    handleMaxMs: number;
    medianChars: number;
    /** The largest patch: a rescan can find every segment of an owner changed (see the report's notes). */
    maxChars: number;
    maxSegmentChanges: number;
    /** Segments upserted or removed in all those patches, and other items (memfds any process maps). */
    segmentChanges: number;
    otherChanges: number;
    withHeader: number;
    maxHeaderChars: number;
  };
  longTasks: { count: number; maxMs: number };
  /** performance.memory before the idle window and after the driven one; null when the page has none. */
  heap: { before: HeapSample; after: HeapSample } | null;
  target: { maxMedianMs: number; pass: boolean };
  loadAverage: { before: number; after: number };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function frameStats(deltas: readonly number[]): FrameStats {
  return {
    frames: deltas.length,
    medianMs: median(deltas),
    p95Ms: percentile(deltas, 0.95),
    maxMs: Math.max(...deltas),
    dropped: deltas.filter((delta) => delta >= DROPPED_MS).length,
  };
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the child has exited; SIGKILL if it has not within STOP_TIMEOUT_MS. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals | null): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (signal) child.kill(signal);
    else child.stdin?.end();
  });
}

/** `shm-inspector serve --port 0 --dir <dir>`; resolves with the URL (with its token) it prints. */
export function startServer(cli: string, server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(
      () => reject(new Error(`shm-inspector serve printed no URL within ${SERVE_TIMEOUT_MS} ms: ${errors}`)),
      SERVE_TIMEOUT_MS,
    );
    server.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /SHM Inspector: (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${cli} serve exited (code ${code}, signal ${signal}) before printing its URL: ${errors}`));
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium could not be launched: ${CHROMIUM} does not exist`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
      // The runner's own handlers clean up on signals; Playwright kills the browser when the process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    throw new Error(`chromium could not be launched from ${CHROMIUM}: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function readHeap(page: Page, cdp: CDPSession): Promise<HeapSample | null> {
  const read = (): Promise<{ used: number; total: number } | null> =>
    page.evaluate(
      'performance.memory ? { used: performance.memory.usedJSHeapSize, total: performance.memory.totalJSHeapSize } : null',
    );
  const raw = await read();
  if (!raw) return null;
  await cdp.send('HeapProfiler.collectGarbage');
  const collected = await read();
  return { usedBytes: raw.used, totalBytes: raw.total, usedAfterGcBytes: collected?.used ?? NaN };
}

/** The segments at the top of the table (sorted by name), so that their rows are in view as they change. */
function drivenFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort((a, b) => a.localeCompare(b))
    .slice(0, DRIVEN_SEGMENTS)
    .map((name) => path.join(dir, name));
}

/**
 * Polls until the table counts more than `segments` rows and shows some. (waitForFunction
 * with an expression would eval it in the page, which the renderer's CSP forbids; an
 * evaluate from the harness is not subject to it.)
 */
async function waitForRows(page: Page, segments: number): Promise<void> {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  const shown = `(() => {
    const table = document.querySelector('[data-testid="segment-table"]');
    return table !== null && Number(table.getAttribute('aria-rowcount')) > ${segments}
      && table.querySelector('[data-testid^="segment-row-"]') !== null;
  })()`;
  while (!(await page.evaluate(shown))) {
    if (Date.now() > deadline) throw new Error(`the table showed no ${segments} rows within ${LOAD_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

/** Start (page time), ms to handle, chars, segment changes, other items' changes, header chars. */
type PatchRecord = [number, number, number, number, number, number];

interface Running {
  server: ChildProcess | null;
  driver: ChildProcess | null;
  browser: Browser | null;
}

async function measure(
  root: string,
  fixture: Fixture,
  running: Running,
  problems: string[],
): Promise<FrameBenchResult> {
  const loadBefore = os.loadavg()[0] ?? NaN;
  const staticIndex = path.join(root, 'renderer', 'dist', 'index.html');
  if (!existsSync(staticIndex)) throw new Error(`${staticIndex} is missing: run npm run build:renderer first`);
  const cli = path.join(root, 'bin', 'shm-inspector');
  const files = drivenFiles(fixture.dir);

  const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--dir', fixture.dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.server = server;
  const url = await startServer(cli, server);

  const browser = await launchChromium();
  running.browser = browser;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript({ content: MEASURE_SCRIPT });
  const cdp = await context.newCDPSession(page);

  const navigated = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
  await waitForRows(page, fixture.expected.segments);
  const loadMs = Date.now() - navigated;
  const rows = Number(await page.getAttribute('[data-testid="segment-table"]', 'aria-rowcount')) - 1;
  // The garbage collection of readHeap lands in the settling time, not in a measured frame.
  const before = await readHeap(page, cdp);
  await sleep(SETTLE_MS);
  const idleStart = (await page.evaluate('window.__shmBench.startFrames()')) as number;
  await sleep(IDLE_MS);
  const idle = (await page.evaluate('window.__shmBench.stopFrames()')) as number[];

  const driveStart = (await page.evaluate('window.__shmBench.startFrames()')) as number;
  const driver = spawn(
    process.execPath,
    [
      '-e',
      DRIVER_SOURCE,
      fixture.dir,
      JSON.stringify(files),
      JSON.stringify([process.pid, fixture.deadPid]),
      String(DRIVE_HZ),
      String(MARKERS_PER_TICK),
      String(MARKER_SIZE),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  running.driver = driver;
  let changes = 0;
  let driverErrors = '';
  driver.stdout?.on('data', (chunk: Buffer) => {
    changes += chunk.toString().split('\n').length - 1;
  });
  driver.stderr?.on('data', (chunk: Buffer) => {
    driverErrors += chunk.toString();
  });
  const driveStarted = Date.now();
  await sleep(DRIVE_MS);
  const driven = (await page.evaluate('window.__shmBench.stopFrames()')) as number[];
  const driveMs = Date.now() - driveStarted;
  await stopChild(driver, null);
  if (driver.exitCode !== 0) problems.push(`the change driver failed (code ${driver.exitCode}): ${driverErrors}`);

  const { patches, longTasks } = (await page.evaluate(
    `({ patches: window.__shmBench.patches, longTasks: window.__shmBench.longTasks })`,
  )) as { patches: PatchRecord[]; longTasks: [number, number][] };
  const drivenPatches = patches.filter(([start]) => start >= driveStart);
  const idlePatches = patches.filter(([start]) => start >= idleStart && start < driveStart).length;
  const drivenLong = longTasks.filter(([start]) => start >= driveStart);
  const after = await readHeap(page, cdp);
  const version = browser.version();

  if (drivenPatches.length < DRIVE_MS / 1000) {
    problems.push(
      `renderer frames: only ${drivenPatches.length} patches reached the page in ${DRIVE_MS / 1000} s ` +
        `of ${changes} changes: the frames were not measured under load`,
    );
  }
  if (idle.length === 0 || driven.length === 0) throw new Error('the page ran no animation frames');
  const drivenStats = frameStats(driven);
  const handle = drivenPatches.map(([, ms]) => ms);
  return {
    chromium: version,
    segments: fixture.expected.segments,
    rows,
    loadMs,
    snapshot: { chars: patches[0]?.[2] ?? NaN, handleMs: patches[0]?.[1] ?? NaN },
    idle: { ...frameStats(idle), durationMs: IDLE_MS },
    driven: { ...drivenStats, durationMs: driveMs, hz: DRIVE_HZ },
    changes,
    idlePatches,
    patches: {
      received: drivenPatches.length,
      perSecond: drivenPatches.length / (driveMs / 1000),
      handleMedianMs: median(handle),
      handleMaxMs: Math.max(0, ...handle),
      medianChars: median(drivenPatches.map(([, , chars]) => chars)),
      maxChars: Math.max(0, ...drivenPatches.map(([, , chars]) => chars)),
      maxSegmentChanges: Math.max(0, ...drivenPatches.map(([, , , segments]) => segments)),
      segmentChanges: sum(drivenPatches.map(([, , , segments]) => segments)),
      otherChanges: sum(drivenPatches.map(([, , , , others]) => others)),
      withHeader: drivenPatches.filter(([, , , , , header]) => header > 0).length,
      maxHeaderChars: Math.max(0, ...drivenPatches.map(([, , , , , header]) => header)),
    },
    longTasks: { count: drivenLong.length, maxMs: Math.max(0, ...drivenLong.map(([, ms]) => ms)) },
    heap: before && after ? { before, after } : null,
    target: { maxMedianMs: FRAME_TARGET_MS, pass: drivenStats.medianMs <= FRAME_TARGET_MS + 1e-9 },
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? NaN },
  };
}

/** Stops what is still running: the browser (politely, then by process exit), the driver, the server. */
async function stopAll(running: Running): Promise<void> {
  const browser = running.browser;
  running.browser = null;
  if (browser) await Promise.race([browser.close().catch(() => undefined), sleep(STOP_TIMEOUT_MS)]);
  if (running.driver) await stopChild(running.driver, 'SIGKILL');
  if (running.server) await stopChild(running.server, 'SIGTERM');
}

/**
 * Measures on the fixture's directory. `track` receives a synchronous disposer for the
 * children, for the runner's signal handlers (Playwright kills the browser as the runner exits).
 */
export async function benchFrames(
  root: string,
  fixture: Fixture,
  track: (dispose: () => void) => void,
  problems: string[],
): Promise<FrameBenchResult> {
  const running: Running = { server: null, driver: null, browser: null };
  track(() => {
    for (const child of [running.driver, running.server]) if (child && isRunning(child)) child.kill('SIGKILL');
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${DEADLINE_MS / 1000} s (a hung browser or page?)`)),
      DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([measure(root, fixture, running, problems), deadline]);
  } finally {
    clearTimeout(timer);
    await stopAll(running);
  }
}

export function reportFrames(result: FrameBenchResult): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const row = (label: string, stats: FrameStats): string =>
    `  ${label.padEnd(LABEL_WIDTH)}${cell(stats.medianMs, 10)}${cell(stats.p95Ms, 10)}${cell(stats.maxMs, 10)}` +
    `${cell(String(stats.frames), 8)}${cell(String(stats.dropped), 8)}`;
  const { driven, patches } = result;
  const lines = [
    `renderer frames: chromium ${result.chromium} headless, serve --dir with ${count(result.segments)} segments ` +
      `(${count(result.rows)} rows), load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)}`,
    `  all rows counted ${count(result.loadMs)} ms after navigating; the full snapshot ` +
      `(${(result.snapshot.chars / 1e6).toFixed(2)} M chars) handled in ${result.snapshot.handleMs.toFixed(1)} ms`,
    `  ${'frame time (ms, rAF deltas)'.padEnd(LABEL_WIDTH)}${cell('median', 10)}${cell('p95', 10)}${cell('max', 10)}` +
      `${cell('frames', 8)}${cell(`>=${DROPPED_MS}`, 8)}`,
    row(`idle, ${result.idle.durationMs / 1000} s (${result.idlePatches} patches)`, result.idle),
    row(`changes at ${driven.hz} Hz, ${(driven.durationMs / 1000).toFixed(1)} s`, driven),
    `  ${'  patches in the page:'.padEnd(LABEL_WIDTH)}${patches.received} for ${result.changes} changes ` +
      `(${patches.perSecond.toFixed(1)}/s, median ${count(Math.round(patches.medianChars))} chars), ` +
      `handled in median ${patches.handleMedianMs.toFixed(1)} ms, max ${patches.handleMaxMs.toFixed(1)} ms; ` +
      `${result.longTasks.count} long tasks (max ${result.longTasks.maxMs.toFixed(0)} ms)`,
    `  ${''.padEnd(LABEL_WIDTH)}they changed ${patches.segmentChanges} segment rows and ${patches.otherChanges} other ` +
      `rows (memfds of running processes); ${patches.withHeader} carried the header (up to ` +
      `${count(patches.maxHeaderChars)} chars); the largest: ${count(patches.maxChars)} chars, ` +
      `${count(patches.maxSegmentChanges)} segment rows`,
  ];
  const heap = result.heap;
  lines.push(
    heap
      ? `  ${'  JS heap (performance.memory):'.padEnd(LABEL_WIDTH)}used ${mb(heap.before.usedBytes)} -> ` +
          `${mb(heap.after.usedBytes)}, after GC ${mb(heap.before.usedAfterGcBytes)} -> ${mb(heap.after.usedAfterGcBytes)}`
      : `  ${'  JS heap:'.padEnd(LABEL_WIDTH)}performance.memory is not available`,
    targetRow(
      `median frame, changes at ${driven.hz} Hz`,
      `${driven.medianMs.toFixed(2)} ms`,
      `<= ${FRAME_TARGET_MS} ms`,
      result.target.pass,
    ),
  );
  return lines.join('\n');
}
