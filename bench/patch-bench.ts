/**
 * The live-state part of `npm run bench`, in Node: with 10,000 segments watched by the
 * Inspector service, what one change of one segment costs on the way to the renderer.
 * - patch size: the JSON of the patch a real filesystem change (a segment created, one
 *   removed, one marker's PID rewritten with a pwrite) makes the service send, against
 *   the target of under 2 KB;
 * - latency: from the change to the patch reaching a subscriber's sink (no target: it
 *   is the watcher's debounce plus a full scan of the directory);
 * - apply time: the renderer's own applyPatch (renderer/src/store, loaded in Node by
 *   renderer-store.ts) on a state holding the 10,000 items, alone and followed by the
 *   selectors the table and the header derive from every new state, against a target of
 *   2 ms median; beside it, as the baseline, the same patch followed by filtering and
 *   sorting every row from scratch (what the selectors did before the sorted index,
 *   renderer/src/test-support/full-sort-reference.ts).
 * The directory is the benchmark's fixture; every segment made here is removed again.
 */
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PatchSink } from '../core/inspector/inspector-api';
import { createInspector } from '../core/inspector/inspector-service';
import { segmentId } from '../core/inspector/item-diff';
import { createSegment } from '../native';
import type { Patch } from '../protocol/channels';
import { MARKER_SIZE } from '../protocol/limits';
import { encodeServerMessage } from '../protocol/websocket-messages';
import { SEGMENT_DATA_SIZE, type Fixture } from './fixture';
import { loadRendererStore, type RendererState, type RendererStore } from './renderer-store';
import {
  betweenRounds,
  cell,
  infoRatioRow,
  LABEL_WIDTH,
  median,
  nowMs,
  percentile,
  targetRow,
  timeMs,
  timing,
  timingHeader,
  timingRow,
  type Timing,
} from './stats';

/** Patches measured per kind of change. */
const ROUNDS = 10;
/** Rounds at most, when other processes' changes land in some of the patches (see classify). */
const MAX_ROUNDS = 25;
/** Far above debounce + scan of 10,000 segments (about 250 ms): a change that shows nothing is a wrong answer. */
const PATCH_TIMEOUT_MS = 5_000;
/** After a patch, how long to watch for more: a change split over several patches would show here. */
const SETTLE_MS = 120;
/** Only the watcher makes patches while this runs: no periodic rescan lands in a measurement. */
const RESCAN_MS = 60_000;
export const PATCH_TARGET_BYTES = 2048;
const APPLY_WARMUP = 20;
const APPLY_RUNS = 200;
/** Rounds of the full re-sort baseline: tens of milliseconds each at 10,000 rows. */
const BASELINE_RUNS = 30;
/** Issue 13: applyPatch + selectors for a one-segment patch at 10,000 rows, median. */
export const RENDER_TARGET_MS = 2;

export type ChangeKind = 'create' | 'remove' | 'marker';
const CHANGE_KINDS: readonly ChangeKind[] = ['create', 'remove', 'marker'];
const CHANGE_LABELS: Record<ChangeKind, string> = {
  create: 'create one segment',
  remove: 'remove one segment',
  marker: "rewrite one marker's PID",
};

export interface ChangeResult {
  kind: ChangeKind;
  /** Of the clean patches (the change and nothing else): bytes of the JSON, as the browser host sends it inside {"type":"patch","patch":...}. */
  patchBytes: { median: number; max: number; runs: number };
  /** Patches of this change that carried the directory header (capacity changed); its bytes and findings in the largest. */
  withHeader: number;
  headerBytes: number;
  headerFindings: number;
  /** Bytes of the upserted items and removed ids in the largest patch. */
  itemBytes: number;
  /** Patches that also carried other processes' concurrent changes: left out of every number above and below. */
  mixed: { runs: number; maxBytes: number };
  /** Patches beyond the first within SETTLE_MS of a change (0 when every change makes one patch). */
  extraPatches: number;
  /** Filesystem change to the patch in the sink. */
  latency: Timing;
  /** The renderer's applyPatch on a state of all the items. */
  applyPatch: Timing;
  /** applyPatch, then the table's and the header's selectors on the new state. */
  applyAndDerive: SpreadTiming;
  /** The baseline: applyPatch, then every row filtered and sorted from scratch, with counts and reclaimable bytes. */
  applyAndFullSort: SpreadTiming;
  target: { maxBytes: number; pass: boolean };
  renderTarget: { maxMedianMs: number; pass: boolean };
}

export interface PatchBenchResult {
  segments: number;
  /** Bytes of the snapshot's JSON, and of the message the browser host sends with it (its items packed). */
  snapshot: { items: number; bytes: number; wireBytes: number };
  changes: ChangeResult[];
  loadAverage: { before: number; after: number };
}

/** A timing with the 90th percentile: a patch that is cheap in the median can still stall a frame now and then. */
export type SpreadTiming = Timing & { p90Ms: number };

function spreadTiming(values: readonly number[]): SpreadTiming {
  return { ...timing(values), p90Ms: percentile(values, 0.9) };
}

interface Arrival {
  patch: Patch;
  at: number;
}

/** The sink of a subscriber that is always ready: records every patch with the time it arrived. */
class PatchCollector implements PatchSink {
  private readonly arrivals: Arrival[] = [];
  private wake: (() => void) | null = null;

  send(patch: Patch): void {
    this.arrivals.push({ patch, at: nowMs() });
    this.wake?.();
  }

  ready(): boolean {
    return true;
  }

  /** The next patch not taken yet, waiting up to `timeoutMs` for it. */
  async next(timeoutMs: number, what: string): Promise<Arrival> {
    const deadline = nowMs() + timeoutMs;
    while (this.arrivals.length === 0) {
      const left = deadline - nowMs();
      if (left <= 0) throw new Error(`no patch within ${timeoutMs} ms of ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.arrivals.shift() as Arrival;
  }

  /** Takes every patch not taken yet. */
  drain(): Arrival[] {
    return this.arrivals.splice(0);
  }
}

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  patch: Patch;
  bytes: number;
  latencyMs: number;
  extra: number;
}

/** Runs `use` on a segment opened read-write, with the offset of its marker's PID (after the 4-byte magic). */
function withMarkerPid<T>(file: string, use: (fd: number, offset: number) => T): T {
  const fd = openSync(file, 'r+');
  try {
    return use(fd, fstatSync(fd).size - MARKER_SIZE + 4);
  } finally {
    closeSync(fd);
  }
}

function readMarkerPid(file: string): number {
  return withMarkerPid(file, (fd, offset) => {
    const buffer = Buffer.alloc(4);
    if (readSync(fd, buffer, 0, 4, offset) !== 4) throw new Error(`${file}: short read of the marker`);
    return buffer.readInt32LE(0);
  });
}

/** The change itself: one pwrite of 4 bytes. */
function writeMarkerPid(file: string, pid: number): void {
  withMarkerPid(file, (fd, offset) => {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(pid, 0);
    if (writeSync(fd, buffer, 0, 4, offset) !== 4) throw new Error(`${file}: short write of the marker`);
  });
}

/** Makes one change, waits for its patch, then watches SETTLE_MS for more. */
async function measureChange(collector: PatchCollector, what: string, change: () => void): Promise<Sample> {
  collector.drain();
  const start = nowMs();
  change();
  const arrival = await collector.next(PATCH_TIMEOUT_MS, what);
  await sleep(SETTLE_MS);
  return {
    patch: arrival.patch,
    bytes: bytesOf(arrival.patch),
    latencyMs: arrival.at - start,
    extra: collector.drain().length,
  };
}

type Verdict = 'clean' | 'mixed' | { wrong: string };

/**
 * Whether a change's patch holds that change (a patch without it is a wrong answer of the
 * benchmark), and nothing else ("clean") or also changes other processes made at the same
 * time ("mixed": items of theirs, or a header the change cannot have caused, as when a
 * browser elsewhere on the machine maps or drops memfds and the findings about them
 * change within the same rescan). A created or removed segment changes the capacity, so
 * its patch carries the header, whole, findings included.
 */
function classify(patch: Patch, upserts: readonly string[], removals: readonly string[], header: boolean): Verdict {
  const upserted = new Set(patch.upserts.map((item) => item.id));
  const removed = new Set(patch.removals);
  if (upserts.some((id) => !upserted.has(id)) || removals.some((id) => !removed.has(id))) {
    const ids = (list: Iterable<string>): string => {
      const all = [...list];
      return `[${all.slice(0, 5).join(', ')}${all.length > 5 ? `, ... ${all.length} in all` : ''}]`;
    };
    return {
      wrong: `expected upserts ${ids(upserts)} and removals ${ids(removals)}, saw ${ids(upserted)} and ${ids(removed)}`,
    };
  }
  const own = upserted.size === upserts.length && removed.size === removals.length;
  return own && (header || patch.header === null) ? 'clean' : 'mixed';
}

interface Measured {
  /** Patches that held the change and nothing else. */
  clean: Record<ChangeKind, Sample[]>;
  /** Patches that also held other processes' concurrent changes: counted, not measured. */
  mixed: Record<ChangeKind, Sample[]>;
  snapshot: Patch;
}

/**
 * Rounds of: create a segment, remove it, rewrite another's marker PID; until each kind
 * has ROUNDS clean patches, or MAX_ROUNDS rounds have run.
 */
async function measurePatches(fixture: Fixture, problems: string[]): Promise<Measured> {
  // It deletes nothing through the service: no audit log (and none created in the user's data directory).
  const inspector = createInspector({ dir: fixture.dir, watch: true, rescanMs: RESCAN_MS, auditLog: null });
  const collector = new PatchCollector();
  const unsubscribe = inspector.subscribe(collector);
  try {
    const snapshot = await collector.next(PATCH_TIMEOUT_MS, 'subscribing');
    if (!snapshot.patch.full) throw new Error('the first patch of a subscriber is not a full snapshot');
    // Nothing changes yet: anything arriving now would be noise in the first measurement.
    await sleep(SETTLE_MS);
    collector.drain();

    const clean: Record<ChangeKind, Sample[]> = { create: [], remove: [], marker: [] };
    const mixed: Record<ChangeKind, Sample[]> = { create: [], remove: [], marker: [] };
    const target = snapshot.patch.upserts.find((item) => item.type === 'segment');
    if (!target || target.type !== 'segment') throw new Error('the snapshot holds no segment');
    const targetFile = path.join(fixture.dir, target.segment.name);
    const pids = [process.pid, fixture.deadPid];
    const record = (kind: ChangeKind, sample: Sample, upserts: string[], removals: string[]): void => {
      const verdict = classify(sample.patch, upserts, removals, kind !== 'marker');
      if (typeof verdict === 'object') problems.push(`${CHANGE_LABELS[kind]}: ${verdict.wrong}`);
      else (verdict === 'clean' ? clean : mixed)[kind].push(sample);
    };
    const done = (): boolean => CHANGE_KINDS.every((kind) => clean[kind].length >= ROUNDS);
    for (let round = 0; round < MAX_ROUNDS && !done(); round++) {
      await betweenRounds();
      let created = '';
      const create = await measureChange(collector, CHANGE_LABELS.create, () => {
        created = createSegment({ dir: fixture.dir, dataSize: SEGMENT_DATA_SIZE, mode: 0o700 }).name;
      });
      record('create', create, [segmentId(created)], []);
      const remove = await measureChange(collector, CHANGE_LABELS.remove, () =>
        unlinkSync(path.join(fixture.dir, created)),
      );
      record('remove', remove, [], [segmentId(created)]);
      const pid = readMarkerPid(targetFile) === pids[0] ? pids[1] : pids[0];
      const marker = await measureChange(collector, CHANGE_LABELS.marker, () =>
        writeMarkerPid(targetFile, pid ?? process.pid),
      );
      record('marker', marker, [target.id], []);
      const upserted = marker.patch.upserts.find((item) => item.id === target.id);
      if (upserted?.type === 'segment' && upserted.segment.marker?.pid !== pid) {
        problems.push(`${CHANGE_LABELS.marker}: the patch has marker PID ${upserted.segment.marker?.pid}, not ${pid}`);
      }
    }
    for (const kind of CHANGE_KINDS) {
      if (clean[kind].length === 0) {
        throw new Error(
          `${CHANGE_LABELS[kind]}: none of ${MAX_ROUNDS} patches held that change alone ` +
            '(other processes changed memfds or the directory in every rescan)',
        );
      }
    }
    return { clean, mixed, snapshot: snapshot.patch };
  } finally {
    unsubscribe();
    inspector.close();
  }
}

interface ApplyTimings {
  applyPatch: Timing;
  applyAndDerive: SpreadTiming;
  applyAndFullSort: SpreadTiming;
}

/**
 * The renderer's applyPatch on a state holding every item of the snapshot, each kind of
 * patch in turn round by round, alone and then with the selectors; in the first rounds,
 * also with the baseline's full filter and sort (fewer rounds: it sorts every row).
 */
async function measureApply(
  store: RendererStore,
  measured: Measured,
  problems: string[],
): Promise<Record<ChangeKind, ApplyTimings>> {
  const state0 = store.applyPatch(store.initialState(), measured.snapshot);
  const items = state0.segments.items.size;
  if (items !== measured.snapshot.upserts.length) {
    problems.push(`applyPatch of the snapshot: ${items} items, the snapshot has ${measured.snapshot.upserts.length}`);
  }
  const last = (kind: ChangeKind): Patch => {
    const sample = measured.clean[kind].at(-1);
    if (!sample) throw new Error(`no clean ${kind} patch was measured`);
    return sample.patch;
  };
  // A removal applies to a state that has the removed segment: the one its creation's patch made.
  const removal = last('remove');
  const creation = [...measured.clean.create, ...measured.mixed.create].find((sample) =>
    sample.patch.upserts.some((item) => removal.removals.includes(item.id)),
  );
  if (!creation) throw new Error(`no patch created ${removal.removals.join(', ')}`);
  const withCreated = store.applyPatch(state0, creation.patch);
  const cases: Record<ChangeKind, { base: RendererState; patch: Patch; items: number }> = {
    create: { base: state0, patch: last('create'), items: items + 1 },
    remove: { base: withCreated, patch: removal, items: withCreated.segments.items.size - 1 },
    marker: { base: state0, patch: last('marker'), items },
  };
  for (const kind of CHANGE_KINDS) {
    const { base, patch, items: expected } = cases[kind];
    const size = store.applyPatch(base, patch).segments.items.size;
    if (size !== expected) problems.push(`applyPatch, ${CHANGE_LABELS[kind]}: ${size} items, expected ${expected}`);
  }

  const derive = (state: RendererState): void => {
    for (const selector of store.selectors) selector(state);
  };
  const apply: Record<ChangeKind, number[]> = { create: [], remove: [], marker: [] };
  const applyDerive: Record<ChangeKind, number[]> = { create: [], remove: [], marker: [] };
  const applyFullSort: Record<ChangeKind, number[]> = { create: [], remove: [], marker: [] };
  for (let i = 0; i < APPLY_WARMUP; i++) {
    for (const kind of CHANGE_KINDS) {
      derive(store.applyPatch(cases[kind].base, cases[kind].patch));
      if (i < 3) store.fullSort(store.applyPatch(cases[kind].base, cases[kind].patch));
    }
  }
  for (let round = 0; round < APPLY_RUNS; round++) {
    await betweenRounds();
    for (let k = 0; k < CHANGE_KINDS.length; k++) {
      const kind = CHANGE_KINDS[(round + k) % CHANGE_KINDS.length] as ChangeKind;
      const { base, patch } = cases[kind];
      apply[kind].push(timeMs(() => store.applyPatch(base, patch)));
      applyDerive[kind].push(timeMs(() => derive(store.applyPatch(base, patch))));
      if (round < BASELINE_RUNS) applyFullSort[kind].push(timeMs(() => store.fullSort(store.applyPatch(base, patch))));
    }
  }
  const result = {} as Record<ChangeKind, ApplyTimings>;
  for (const kind of CHANGE_KINDS) {
    result[kind] = {
      applyPatch: timing(apply[kind]),
      applyAndDerive: spreadTiming(applyDerive[kind]),
      applyAndFullSort: spreadTiming(applyFullSort[kind]),
    };
  }
  return result;
}

function summarize(kind: ChangeKind, clean: readonly Sample[], mixed: readonly Sample[], apply: ApplyTimings) {
  const sizes = clean.map((sample) => sample.bytes);
  const largest = clean.reduce<Sample | undefined>((a, b) => (!a || b.bytes > a.bytes ? b : a), undefined);
  const max = Math.max(...sizes);
  const result: ChangeResult = {
    kind,
    patchBytes: { median: median(sizes), max, runs: sizes.length },
    withHeader: clean.filter((sample) => sample.patch.header !== null).length,
    headerBytes: largest?.patch.header ? bytesOf(largest.patch.header) : 0,
    headerFindings: largest?.patch.header?.findings.length ?? 0,
    itemBytes: largest ? bytesOf(largest.patch.upserts) + bytesOf(largest.patch.removals) : 0,
    mixed: { runs: mixed.length, maxBytes: Math.max(0, ...mixed.map((sample) => sample.bytes)) },
    extraPatches: [...clean, ...mixed].reduce((sum, sample) => sum + sample.extra, 0),
    latency: timing(clean.map((sample) => sample.latencyMs)),
    ...apply,
    target: { maxBytes: PATCH_TARGET_BYTES, pass: max < PATCH_TARGET_BYTES },
    renderTarget: { maxMedianMs: RENDER_TARGET_MS, pass: apply.applyAndDerive.medianMs <= RENDER_TARGET_MS },
  };
  return result;
}

/** Runs on the fixture's directory, which it leaves as it found it. */
export async function benchPatches(root: string, fixture: Fixture, problems: string[]): Promise<PatchBenchResult> {
  const loadBefore = os.loadavg()[0] ?? NaN;
  const store = loadRendererStore(root);
  const measured = await measurePatches(fixture, problems);
  const apply = await measureApply(store, measured, problems);
  return {
    segments: fixture.expected.segments,
    snapshot: {
      items: measured.snapshot.upserts.length,
      bytes: bytesOf(measured.snapshot),
      wireBytes: Buffer.byteLength(encodeServerMessage({ type: 'patch', patch: measured.snapshot })),
    },
    changes: CHANGE_KINDS.map((kind) => summarize(kind, measured.clean[kind], measured.mixed[kind], apply[kind])),
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? NaN },
  };
}

export function reportPatches(result: PatchBenchResult): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const bytesRow = (label: string, values: (number | string)[]): string =>
    `  ${label.padEnd(LABEL_WIDTH)}${values.map((value) => cell(typeof value === 'number' ? String(Math.round(value)) : value, 10)).join('')}`;
  const lines = [
    `live patches: one change among ${count(result.segments)} segments, createInspector({ watch: true }) ` +
      `and a subscriber, load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)}`,
    `  full snapshot: ${count(result.snapshot.items)} items, ${(result.snapshot.bytes / 1e6).toFixed(2)} MB of patch JSON, ` +
      `${(result.snapshot.wireBytes / 1e6).toFixed(2)} MB as the browser host sends it (items packed)`,
    bytesRow('patch size (bytes of JSON)', ['median', 'max', 'runs', 'header', 'items', 'w/ header']),
  ];
  for (const c of result.changes) {
    lines.push(
      bytesRow(CHANGE_LABELS[c.kind], [
        c.patchBytes.median,
        c.patchBytes.max,
        c.patchBytes.runs,
        c.headerBytes,
        c.itemBytes,
        `${c.withHeader}/${c.patchBytes.runs}`,
      ]),
    );
  }
  lines.push(timingHeader('time (ms)'));
  for (const c of result.changes) lines.push(timingRow(`change -> patch, ${c.kind}`, c.latency));
  for (const c of result.changes) lines.push(timingRow(`applyPatch(), ${c.kind}`, c.applyPatch));
  for (const c of result.changes) {
    lines.push(targetRow(`one-segment patch, ${c.kind}, largest`, `${c.patchBytes.max} B`, '< 2 KB', c.target.pass));
  }
  const spreadRow = (label: string, t: SpreadTiming): string =>
    `  ${label.padEnd(LABEL_WIDTH)}${cell(t.medianMs, 10)}${cell(t.p90Ms, 10)}${cell(String(t.runs), 6)}`;
  lines.push(
    `  ${`renderer, ${count(result.snapshot.items)} rows (ms)`.padEnd(LABEL_WIDTH)}${cell('median', 10)}${cell('p90', 10)}${cell('runs', 6)}`,
  );
  for (const c of result.changes) lines.push(spreadRow(`applyPatch() + selectors, ${c.kind}`, c.applyAndDerive));
  for (const c of result.changes) lines.push(spreadRow(`  baseline, full re-sort, ${c.kind}`, c.applyAndFullSort));
  for (const c of result.changes) {
    const ms = c.applyAndDerive.medianMs;
    lines.push(
      targetRow(
        `apply + selectors, ${c.kind}, median`,
        `${ms.toFixed(2)} ms`,
        `<= ${RENDER_TARGET_MS} ms`,
        c.renderTarget.pass,
      ),
    );
  }
  for (const c of result.changes) {
    lines.push(
      infoRatioRow(`full re-sort / index, ${c.kind}, median`, c.applyAndFullSort.medianMs / c.applyAndDerive.medianMs),
    );
  }
  const extra = result.changes.reduce((sum, c) => sum + c.extraPatches, 0);
  const mixed = result.changes.filter((c) => c.mixed.runs > 0);
  const findings = Math.max(...result.changes.map((c) => c.headerFindings));
  lines.push(
    `  ${'  notes:'.padEnd(LABEL_WIDTH)}change -> patch is inotify's event, a rescan of the named entry only ` +
      `and the patch; ${extra} extra patch(es) after a change; header with up to ${findings} finding(s)`,
  );
  if (mixed.length > 0) {
    const text = mixed.map((c) => `${c.kind} ${c.mixed.runs} (up to ${c.mixed.maxBytes} B)`).join(', ');
    lines.push(`  ${''.padEnd(LABEL_WIDTH)}left out, patches with other processes' concurrent changes: ${text}`);
  }
  return lines.join('\n');
}
