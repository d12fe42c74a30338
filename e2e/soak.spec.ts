/**
 * Soak: 10,000 segments churned for a minute while the browser host streams to a page.
 * Afterwards the host's memory is back near where it started, the page shows exactly
 * what is in the directory, and nothing the test made is left behind.
 *
 * The load comes from its own process (support/segment-churner.js), so the host's
 * memory is the host's alone. Memory is compared after a full garbage collection, forced
 * from outside (the host's inspector protocol, the page's DevTools protocol): without it
 * a reading says mostly when the collector last ran (the host's resident set swings by
 * 100 MiB between collections under this load). No timing is asserted: the page is
 * waited for, generously.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { ScanResult, SegmentState } from '../protocol/scan-result';
import { expect, openApp, SCRATCH_PREFIX, segmentRow, test as base, type InspectorServer } from './support/fixtures';
import { Children } from './support/processes';
import {
  Churner,
  mib,
  pageHeap,
  residentMemory,
  startInspectedServer,
  type Churned,
  type ChurnState,
  type Filled,
  type Final,
  type NodeInspector,
} from './support/soak-probes';

const SEGMENTS = 10_000;
const CHURN_SECONDS = 60;
/** How long the page gets to show a phase's result: far beyond what it needs on an idle machine. */
const PAGE_TIMEOUT_MS = 90_000;
/** Quiet time before a memory reading, so the host's last scans and sends are done. */
const SETTLE_MS = 3_000;

/**
 * The host's resident set after a collection may stay above where it was: V8 and the
 * allocator keep some pages they grew into under load. Its live heap may not: it holds
 * 300 items at the end against 10,000 at the start, and no more than an empty directory's
 * heap plus HEAP_SLACK (a leak of 120 bytes per churned segment would exceed it).
 */
const RSS_FACTOR = 1.25;
const RSS_SLACK = 32 * 2 ** 20;
const HEAP_SLACK = 8 * 2 ** 20;

const STATES_MADE: readonly ChurnState[] = ['live', 'stale', 'no-marker', 'foreign'];
const STATES_NOT_MADE: readonly SegmentState[] = ['stale-zombie', 'stale-pid-reused', 'unverifiable'];

interface Soak {
  /** A fresh directory under /dev/shm with its own prefix, so that the test can tell its leftovers. */
  dir: string;
  /** `shm-inspector scan` runs. */
  children: Children;
  churner: Churner | null;
  host: { server: InspectorServer; inspector: NodeInspector } | null;
}

/** Stops and removes everything here too, when the test failed before doing it itself. */
const test = base.extend<{ soak: Soak }>({
  // Playwright reads a fixture's dependencies from its first parameter: this one has none.
  // eslint-disable-next-line no-empty-pattern
  soak: async ({}, use) => {
    const dir = await mkdtemp(path.join('/dev/shm', `${SCRATCH_PREFIX}soak-`));
    const soak: Soak = { dir, children: new Children(), churner: null, host: null };
    try {
      await use(soak);
    } finally {
      await soak.host?.inspector.close();
      await soak.churner?.stop();
      await soak.host?.server.process.stop();
      await soak.children.stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  },
});

/** The page's count of entries in `state` (the header's "Segments by state"); a state with none is not shown. */
async function expectStateCount(page: Page, state: SegmentState, count: number): Promise<void> {
  const item = page.getByTestId(`state-count-${state}`);
  if (count === 0) await expect(item).toHaveCount(0, { timeout: PAGE_TIMEOUT_MS });
  else await expect(item).toHaveText(`${state} ${count}`, { timeout: PAGE_TIMEOUT_MS });
}

/** The number of rows the table announces (its ARIA row count, less the header row). */
async function expectRowCount(page: Page, rows: number): Promise<void> {
  await expect(page.getByTestId('segment-table')).toHaveAttribute('aria-rowcount', String(rows + 1), {
    timeout: PAGE_TIMEOUT_MS,
  });
}

function countStates(states: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

interface HostMemory {
  /** Resident set as it was, then right after a full collection; V8 heap in use after it. */
  rss: number;
  rssCollected: number;
  heapCollected: number;
}

async function hostMemory(pid: number, inspector: NodeInspector): Promise<HostMemory> {
  const { rss } = residentMemory(pid);
  const heapCollected = await inspector.heapAfterCollection();
  return { rss, rssCollected: residentMemory(pid).rss, heapCollected };
}

const describeHost = (memory: HostMemory): string =>
  `RSS ${mib(memory.rss)}, ${mib(memory.rssCollected)} after GC; heap ${mib(memory.heapCollected)} after GC`;

test.setTimeout(6 * 60_000);

test('10,000 segments churned for a minute: host memory returns, the page shows the final set, nothing is left', async ({
  page,
  soak,
}) => {
  const { dir, children } = soak;
  const note = (type: string, description: string): void => {
    test.info().annotations.push({ type, description });
  };

  soak.host = await startInspectedServer(dir);
  const { server, inspector } = soak.host;
  const hostPid = server.process.pid;
  await openApp(page, server);
  // PulseAudio names only: the table also lists every memfd of every process, the browser's own included.
  await page.getByTestId('filter-kind').selectOption('pulse');
  await page.waitForTimeout(SETTLE_MS);
  const empty = await hostMemory(hostPid, inspector);
  note('host, empty directory', describeHost(empty));

  // 10,000 segments, and the page shows them all.
  soak.churner = new Churner(dir, SEGMENTS, CHURN_SECONDS);
  const churner = soak.churner;
  const filled = await churner.event<Filled>('filled', 60_000);
  expect(filled.count).toBe(SEGMENTS);
  expect(readdirSync(dir)).toHaveLength(SEGMENTS);
  await expectRowCount(page, SEGMENTS - filled.states.foreign);
  for (const state of STATES_MADE) await expectStateCount(page, state, filled.states[state]);

  await page.waitForTimeout(SETTLE_MS);
  const before = await hostMemory(hostPid, inspector);
  const heapBefore = await pageHeap(page, true);
  note('host, 10,000 segments shown', describeHost(before));
  note('page, 10,000 segments shown', `JS heap ${mib(heapBefore)} after GC`);

  // A minute of churn; the host's resident set and the page's heap are sampled as it goes.
  churner.startChurn();
  let peakRss = before.rss;
  let peakHeap = heapBefore;
  let churned: Churned | null = null;
  const churnDeadline = Date.now() + (CHURN_SECONDS + 120) * 1000;
  while (churned === null) {
    try {
      churned = await churner.event<Churned>('churned', 2_000);
    } catch (error) {
      if (!churner.process.running || Date.now() > churnDeadline) throw error;
      peakRss = Math.max(peakRss, residentMemory(hostPid).rss);
      peakHeap = Math.max(peakHeap, await pageHeap(page, false));
    }
  }
  const final = await churner.event<Final>('final', 60_000);
  const finalAt = Date.now();
  note(
    'churn',
    `${churned.seconds} s, ${churned.inFlight} segments in flight: ${final.created} created, ` +
      `${final.removed} removed, ${final.remarked} re-marked in place`,
  );
  note('peaks during the churn', `host RSS ${mib(peakRss)}, page JS heap ${mib(peakHeap)} (no GC)`);

  // The directory holds exactly the final set the churner reports, and it accounts for all it made.
  const expected = new Map<string, ChurnState>();
  for (const state of STATES_MADE) for (const name of final.final[state]) expected.set(name, state);
  const expectedNames = [...expected.keys()].sort();
  expect(final.created - final.removed, 'what the churner made less what it removed').toBe(expected.size);
  expect(readdirSync(dir).sort()).toEqual(expectedNames);

  // The test's own scan agrees with the churner, entry by entry.
  const scan = await children.start(['scan', '--json', '--all', '--dir', dir]).json<ScanResult>(60_000);
  expect(scan.initialPidNamespace, 'a dead owner is "stale" only in the initial PID namespace').toBe(true);
  expect(new Map(scan.segments.map((segment) => [segment.name, segment.state]))).toEqual(expected);
  const scanCounts = countStates(scan.segments.map((segment) => segment.state));

  // The page shows the same: counts by state, rows by kind, and sampled names.
  for (const state of STATES_MADE) await expectStateCount(page, state, scanCounts[state] ?? 0);
  note('page caught up', `showed the final counts ${Date.now() - finalAt} ms after the churner reported them`);
  for (const state of STATES_NOT_MADE) await expectStateCount(page, state, 0);
  await expectRowCount(page, scan.segments.filter((segment) => segment.pulse).length);
  await page.getByTestId('filter-kind').selectOption('other');
  await expectRowCount(page, scanCounts.foreign ?? 0);
  await page.getByTestId('filter-kind').selectOption('all');

  const search = page.getByTestId('filter-search');
  for (const state of STATES_MADE) {
    for (const name of final.final[state].slice(0, 3)) {
      await search.fill(name);
      await expect(segmentRow(page, name).getByTestId('state-badge')).toHaveText(state);
    }
  }
  for (const name of final.removedSamples) {
    await search.fill(name);
    // Once the table shows what matches (nothing, unless a present name contains this one)...
    await expectRowCount(page, scan.segments.filter((segment) => segment.name.includes(name)).length);
    await expect(segmentRow(page, name), `${name} was removed during the churn`).toHaveCount(0);
  }
  await search.fill('');
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');

  // Memory once things are quiet again.
  await page.waitForTimeout(SETTLE_MS);
  const after = await hostMemory(hostPid, inspector);
  const heapAfter = await pageHeap(page, true);
  note('host, final set shown', `${describeHost(after)}; RSS high-water mark ${mib(residentMemory(hostPid).peak)}`);
  note('page, final set shown', `JS heap ${mib(heapAfter)} after GC`);

  expect(
    after.rssCollected,
    `host RSS after GC: ${mib(after.rssCollected)} at the end, ${mib(before.rssCollected)} with 10,000 segments`,
  ).toBeLessThanOrEqual(before.rssCollected * RSS_FACTOR + RSS_SLACK);
  expect(
    after.heapCollected,
    `host heap after GC: ${mib(after.heapCollected)} at the end, ${mib(before.heapCollected)} with 10,000 segments`,
  ).toBeLessThanOrEqual(before.heapCollected);
  expect(
    after.heapCollected,
    `host heap after GC: ${mib(after.heapCollected)} at the end, ${mib(empty.heapCollected)} with an empty directory`,
  ).toBeLessThanOrEqual(empty.heapCollected + HEAP_SLACK);
  expect(
    heapAfter,
    `page heap after GC: ${mib(heapAfter)} with ${expected.size} entries, ${mib(heapBefore)} with 10,000`,
  ).toBeLessThanOrEqual(heapBefore);

  // The churner leaves exactly its final set when it goes; the test removes that and the directory.
  await inspector.close();
  expect(await churner.stop()).toMatchObject({ code: 0, signal: null });
  expect(readdirSync(dir).sort()).toEqual(expectedNames);
  expect(await server.process.stop('SIGINT'), `serve exits by itself: ${server.process.describe()}`).toMatchObject({
    code: 0,
    signal: null,
  });
  await rm(dir, { recursive: true });
  const leftovers = readdirSync('/dev/shm').filter(
    (name) => name === path.basename(dir) || expected.has(name) || final.removedSamples.includes(name),
  );
  expect(leftovers, 'nothing the test made is left in /dev/shm').toEqual([]);
  expect(existsSync(dir)).toBe(false);
});
