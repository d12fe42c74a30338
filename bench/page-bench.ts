/**
 * The browser host with a page open (issue 13 §5): `shm-inspector serve` on a fixture of
 * 10,000 and then 100,000 segments, the real app in Debian's headless chromium. For each:
 * the time from navigating to the page counting every row ("N of M shown" with N at least
 * the fixture's segments: the full snapshot delivered, parsed, applied and rendered), the
 * host's RSS then (VmRSS, and VmHWM, its peak, from /proc/<pid>/status), and the host's
 * idle CPU time over IDLE_SECONDS (one safety-sweep period) with the page open and
 * nothing changing (utime + stime from /proc/<pid>/stat, like the no-client figure of
 * live-bench.ts), sampled every second to tell the bursts from the steady cost. The host
 * is the whole server process: HTTP, WebSocket, the Inspector service, at its defaults.
 *
 * Everything started here is stopped by the disposer handed to `track`, which the runner
 * also calls on failure and on SIGINT/SIGTERM; a deadline per size turns a hang into an error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { DEFAULT_SETTINGS } from '../protocol/channels';
import { createFixture, type Fixture } from './fixture';
import { aroundOnmessage, isRunning, launchChromium, startServer, stopChild } from './frame-bench';
import { cpuTicks, LIVE_ENGINE_TARGETS, rssMb, SETTLE_MS, TICKS_PER_SECOND } from './live-bench';
import { LABEL_WIDTH, targetRow } from './stats';

const SIZES = [10_000, 100_000];
/**
 * One period of the service's safety sweep (a full scan every 60 s, SAFETY_SCAN_MS in
 * core/inspector/inspector-service.ts): every window this long holds one, as the steady
 * state does, where a 20 s window would hold one or none and the figure would jump.
 */
const IDLE_SECONDS = 60;
/** A second with at least this much CPU time holds a burst: the safety full scan, a major GC. */
const BURST_TICKS = 5;
const VIEWPORT = { width: 1280, height: 800 };
const LOAD_TIMEOUT_MS = 60_000;
const POLL_MS = 20;
/** One size, from starting the server to closing the browser. */
const DEADLINE_MS = 240_000;
export const PAGE_TARGETS = {
  idle10k: LIVE_ENGINE_TARGETS.idle10k,
  idle100k: LIVE_ENGINE_TARGETS.idle100k,
  firstSnapshot100kMs: LIVE_ENGINE_TARGETS.firstSnapshot100kMs,
};

export interface PageFigure {
  segments: number;
  /** Rows the page counts (the segments and whatever memfds the machine has). */
  rows: number;
  /** Navigation to the page counting every row, for the first page: it opens as the host starts (its first full scan included). */
  startLoadMs: number;
  /** The same for a second page, opened on the running host: the target's figure. */
  loadMs: number;
  /** The snapshot message: when it arrived (ms after navigation started, page time), its size, its handler's time. */
  snapshot: { arrivedMs: number; chars: number; handlerMs: number } | null;
  /** The host's VmRSS when the rows were counted, and its peak (VmHWM) until then. */
  rssMb: number;
  peakRssMb: number;
  /** % of one core, user + system, of the host process over the idle window with the page open. */
  idleCpuPercent: number;
  /** CPU time in seconds of the window with a burst (BURST_TICKS or more), and in the busiest second. */
  burstMs: number;
  busiestSecondMs: number;
  /** Patch messages the page got in the idle window, and of them those carrying srbchannel samples (the machine's own PulseAudio clients). */
  idlePatches: number;
  idleSamplePatches: number;
  /** Processes in /proc when the idle window began: the sweep reads each one's maps and fds. */
  processes: number;
  idleSeconds: number;
  /** % of one core over the SETTLE_MS before the idle window (not counted in it). */
  settleCpuPercent: number;
  loadAverage: { before: number; after: number };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('VmHWM:'));
  return Number(line?.replace(/[^0-9]/g, '') ?? NaN) / 1024;
}

/**
 * Polls the table bar's "N of M shown" until N counts at least `segments` rows, and
 * returns M. (An evaluate from the harness, not waitForFunction: the renderer's CSP
 * forbids the eval that one needs.)
 */
async function waitForCount(page: Page, segments: number): Promise<number> {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  const read = `(() => {
    const text = document.querySelector('[data-testid="shown-count"]')?.textContent ?? '';
    const match = /^(\\d+) of (\\d+) shown$/.exec(text.trim());
    return match ? [Number(match[1]), Number(match[2])] : null;
  })()`;
  for (;;) {
    const counts = (await page.evaluate(read)) as [number, number] | null;
    if (counts !== null && counts[0] >= segments) return counts[1];
    if (Date.now() > deadline) throw new Error(`the page did not count ${segments} rows within ${LOAD_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/**
 * Injected before the page's own scripts: notes when the first patch message (the full
 * snapshot) arrives, its size, and how long the page's handler takes with it (parse and
 * apply; React renders after), and counts patch messages and those with srbchannel
 * samples. Nothing is parsed twice: the figure must not cost the page.
 */
const FIRST_PATCH_SCRIPT = `(() => {
  const first = { arrivedMs: null, chars: 0, handlerMs: null, patches: 0, withSamples: 0 };
  Object.defineProperty(window, '__shmFirstPatch', { value: first });
  ${aroundOnmessage(`(handler, socket, event, isPatch) => {
    if (isPatch) {
      first.patches += 1;
      if (!event.data.includes('"samples":[]')) first.withSamples += 1;
    }
    const isFirst = isPatch && first.arrivedMs === null;
    if (!isFirst) return handler.call(socket, event);
    first.arrivedMs = performance.now();
    first.chars = event.data.length;
    try {
      return handler.call(socket, event);
    } finally {
      first.handlerMs = performance.now() - first.arrivedMs;
    }
  }`)}
})();`;

interface Running {
  server: ChildProcess | null;
  browser: Browser | null;
}

async function measure(root: string, fixture: Fixture, running: Running): Promise<PageFigure> {
  const loadBefore = os.loadavg()[0] ?? NaN;
  const cli = path.join(root, 'bin', 'shm-inspector');
  const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--dir', fixture.dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.server = server;
  const url = await startServer(cli, server);
  const pid = server.pid as number;

  const browser = await launchChromium();
  running.browser = browser;
  const context = await browser.newContext({ viewport: VIEWPORT });
  /** Opens the app in a new page and waits until it counts every row. */
  const open = async (): Promise<{ page: Page; ms: number; rows: number }> => {
    const opened = await context.newPage();
    await opened.addInitScript({ content: FIRST_PATCH_SCRIPT });
    const navigated = Date.now();
    await opened.goto(url, { waitUntil: 'commit', timeout: LOAD_TIMEOUT_MS });
    const counted = await waitForCount(opened, fixture.expected.segments);
    return { page: opened, ms: Date.now() - navigated, rows: counted };
  };
  // The first page opens while the host makes its first full scan; the second on the
  // running host, as a page opened on an inspector left running does: that one is measured.
  const starting = await open();
  const { page, ms: loadMs, rows } = await open();
  await starting.page.close();
  const rss = rssMb(pid);
  const peak = peakRssMb(pid);
  const first = (await page.evaluate('window.__shmFirstPatch')) as {
    arrivedMs: number | null;
    chars: number;
    handlerMs: number | null;
  };
  const snapshot =
    first.arrivedMs === null
      ? null
      : { arrivedMs: first.arrivedMs, chars: first.chars, handlerMs: first.handlerMs ?? NaN };

  const settling = cpuTicks(pid);
  await sleep(SETTLE_MS);
  const settleCpuPercent = (100 * (cpuTicks(pid) - settling)) / TICKS_PER_SECOND / (SETTLE_MS / 1000);
  const counted = (): Promise<[number, number]> =>
    page.evaluate('[window.__shmFirstPatch.patches, window.__shmFirstPatch.withSamples]') as Promise<[number, number]>;
  const [patchesBefore, samplesBefore] = await counted();
  const processes = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
  const startedAt = Date.now();
  const perSecond: number[] = [];
  let last = cpuTicks(pid);
  for (let second = 1; second <= IDLE_SECONDS; second++) {
    await sleep(startedAt + second * 1000 - Date.now());
    const now = cpuTicks(pid);
    perSecond.push(now - last);
    last = now;
  }
  const ticks = perSecond.reduce((sum, value) => sum + value, 0);
  const seconds = (Date.now() - startedAt) / 1000;
  const burstTicks = perSecond.filter((value) => value >= BURST_TICKS).reduce((sum, value) => sum + value, 0);
  const [patchesAfter, samplesAfter] = await counted();
  if (!isRunning(server)) throw new Error('the server exited while it was measured');
  return {
    segments: fixture.expected.segments,
    rows,
    startLoadMs: starting.ms,
    loadMs,
    snapshot,
    rssMb: rss,
    peakRssMb: peak,
    idleCpuPercent: (100 * ticks) / TICKS_PER_SECOND / seconds,
    burstMs: (1000 * burstTicks) / TICKS_PER_SECOND,
    busiestSecondMs: (1000 * Math.max(0, ...perSecond)) / TICKS_PER_SECOND,
    idlePatches: patchesAfter - patchesBefore,
    idleSamplePatches: samplesAfter - samplesBefore,
    processes,
    idleSeconds: seconds,
    settleCpuPercent,
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? NaN },
  };
}

async function stopAll(running: Running): Promise<void> {
  const browser = running.browser;
  running.browser = null;
  if (browser) await Promise.race([browser.close().catch(() => undefined), sleep(5_000)]);
  if (running.server) await stopChild(running.server, 'SIGTERM');
  running.server = null;
}

/** One fixture per size, in turn, each measured with its own server and browser. */
export async function benchPage(root: string, track: (dispose: () => void) => void): Promise<PageFigure[]> {
  const staticIndex = path.join(root, 'renderer', 'dist', 'index.html');
  if (!existsSync(staticIndex)) throw new Error(`${staticIndex} is missing: run npm run build:renderer first`);
  const figures: PageFigure[] = [];
  for (const count of SIZES) {
    const running: Running = { server: null, browser: null };
    const fixture = await createFixture({ count, mappers: 4, perMapper: 8 }, (dispose) =>
      track(() => {
        if (running.server && isRunning(running.server)) running.server.kill('SIGKILL');
        dispose();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${count} segments: no figure within ${DEADLINE_MS / 1000} s`)),
        DEADLINE_MS,
      );
    });
    try {
      figures.push(await Promise.race([measure(root, fixture, running), deadline]));
    } finally {
      clearTimeout(timer);
      await stopAll(running);
      fixture.dispose();
    }
  }
  return figures;
}

export function reportPage(figures: readonly PageFigure[]): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const sweep = `/proc sweep every ${DEFAULT_SETTINGS.rescanMs / 1000} s (the default)`;
  const lines = [
    `browser host with a page open: serve --dir, ${sweep}, chromium headless; the host's CPU time from /proc over ` +
      `${IDLE_SECONDS} s, one period of the 60 s safety full scan at 10,000 (at 100,000 they are spaced by their cost, ` +
      `minutes apart, and the window holds none: amortised they add at most 0.5% of a core)`,
  ];
  for (const figure of figures) {
    const target = figure.segments >= 100_000 ? PAGE_TARGETS.idle100k : PAGE_TARGETS.idle10k;
    lines.push(
      `  ${count(figure.segments)} segments (${count(figure.rows)} rows), load average ` +
        `${figure.loadAverage.before.toFixed(2)} -> ${figure.loadAverage.after.toFixed(2)}: all rows counted ` +
        `${count(figure.loadMs)} ms after navigating on the running host (${count(figure.startLoadMs)} ms for a page ` +
        `opened as the host started, its first full scan included); host RSS then ${figure.rssMb.toFixed(0)} MB ` +
        `(peak ${figure.peakRssMb.toFixed(0)} MB)`,
      figure.snapshot
        ? `  ${''.padEnd(LABEL_WIDTH)}the snapshot (${(figure.snapshot.chars / 1e6).toFixed(1)} M chars) arrived ` +
            `${count(Math.round(figure.snapshot.arrivedMs))} ms after navigating, its handler took ` +
            `${count(Math.round(figure.snapshot.handlerMs))} ms, then React rendered`
        : `  ${''.padEnd(LABEL_WIDTH)}the snapshot message was not seen by the page's WebSocket handler`,
      `  ${''.padEnd(LABEL_WIDTH)}of the idle CPU time, ${count(Math.round(figure.burstMs))} ms in seconds of ` +
        `${(1000 * BURST_TICKS) / TICKS_PER_SECOND} ms or more (the safety full scan, major GCs; the busiest ` +
        `${count(Math.round(figure.busiestSecondMs))} ms), the rest ${(
          (100 * (figure.idleCpuPercent * figure.idleSeconds * 10 - figure.burstMs)) /
          (1000 * figure.idleSeconds)
        ).toFixed(2)}% of a core; in the ${SETTLE_MS / 1000} s of settling before the window (not counted), ` +
        `${figure.settleCpuPercent.toFixed(2)}%`,
      `  ${''.padEnd(LABEL_WIDTH)}${figure.processes} processes on the machine (chromium's included); ` +
        `in the idle window the page got ${figure.idlePatches} patches, ` +
        `${figure.idleSamplePatches} with srbchannel samples (live PulseAudio channels on the machine: ` +
        `the sampler runs while a page listens)`,
      targetRow(
        `idle CPU, page open, ${count(figure.segments)}`,
        `${figure.idleCpuPercent.toFixed(2)}%`,
        `<= ${target}%`,
        figure.idleCpuPercent <= target,
      ),
    );
    if (figure.segments >= 100_000) {
      lines.push(
        targetRow(
          `page opened, counts ${count(figure.segments)}`,
          `${count(figure.loadMs)} ms`,
          `<= ${PAGE_TARGETS.firstSnapshot100kMs} ms`,
          figure.loadMs <= PAGE_TARGETS.firstSnapshot100kMs,
        ),
        `  ${'host RSS at 100,000 segments'.padEnd(LABEL_WIDTH)}${`${figure.rssMb.toFixed(0)} MB`.padStart(10)}   ` +
          `(reported; peak ${figure.peakRssMb.toFixed(0)} MB while the snapshot was sent)`,
      );
    }
  }
  return lines.join('\n');
}
