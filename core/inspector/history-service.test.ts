import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../../native';
import type { Patch } from '../../protocol/channels';
import { mergeHistory, type History } from '../../protocol/history';
import type { InspectorApi, PatchSink } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { IPC, sleep, waitFor } from './service-test-support';

const MiB = 1024 * 1024;

/** A sink that keeps the history as a page would: the full patch's, then each update appended. */
class HistorySink implements PatchSink {
  readonly patches: Patch[] = [];
  history: History | null = null;
  send(patch: Patch): void {
    this.patches.push(patch);
    if (patch.history) this.history = patch.full ? patch.history : mergeHistory(this.history, patch.history);
  }
  ready(): boolean {
    return true;
  }
}

let dir: string;
const started: InspectorApi[] = [];
function start(options: InspectorOptions): InspectorApi {
  const inspector = createInspector({ dir, auditLog: path.join(`${dir}-audit`, 'audit.jsonl'), ...options });
  started.push(inspector);
  return inspector;
}

beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-history-test-');
});
afterEach(() => {
  for (const inspector of started.splice(0)) inspector.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-audit`, { recursive: true, force: true });
});

/** A segment whose data is written, so that tmpfs allocates it: the filesystem's use grows by `bytes`. */
function writtenSegment(bytes: number): string {
  const { name } = createSegment({ dir, dataSize: bytes, mode: 0o600 });
  const fd = openSync(path.join(dir, name), 'r+');
  try {
    writeSync(fd, Buffer.alloc(bytes, 0xa5), 0, bytes, 0);
  } finally {
    closeSync(fd);
  }
  return name;
}

describe('Inspector service: history at a glance', () => {
  it("takes a point every interval, the shm filesystem's use growing as segments are written", async () => {
    const inspector = start({ historyMs: 100, rescanMs: 250 });
    const sink = new HistorySink();
    inspector.subscribe(sink);
    // The snapshot comes when the first full scan ends.
    const first = await waitFor(() => sink.patches[0]);
    expect(first?.full).toBe(true);
    // The first point is taken when the service starts: a page opened at once has it.
    expect(first?.history?.times.length).toBeGreaterThanOrEqual(1);
    const startUsed = first?.history?.shmUsed.at(-1) ?? Number.NaN;

    for (let i = 0; i < 4; i++) {
      writtenSegment(4 * MiB);
      await sleep(400);
    }
    const grown = await waitFor(() => {
      const used = sink.history?.shmUsed.at(-1) ?? 0;
      // 16 MiB written; others' segments in /dev/shm may come and go meanwhile: most of it is enough.
      return used - startUsed >= 12 * MiB && sink.history;
    });
    expect(grown.times.length).toBeGreaterThan(10);
    expect(grown.intervalMs).toBe(100);
    // Points in time order, one per interval (timers may run late, never early by much).
    const gaps = grown.times.slice(1).map((time, i) => time - (grown.times[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    // Later patches carry only the new points: never the whole history again.
    const updates = sink.patches.filter((patch) => !patch.full && patch.history);
    expect(updates.length).toBeGreaterThan(5);
    expect(Math.max(...updates.map((patch) => patch.history?.times.length ?? 0))).toBe(1);

    // A page opened now sees the slope at once, the same points as the page that watched.
    const late = new HistorySink();
    inspector.subscribe(late);
    const whole = late.patches[0]?.history;
    expect(whole?.times.length).toBeGreaterThanOrEqual(grown.times.length);
    expect(whole?.times.slice(0, grown.times.length)).toEqual(grown.times);
    expect(whole?.shmUsed.slice(0, grown.shmUsed.length)).toEqual(grown.shmUsed);
  });

  it('keeps a series of slots in use per pool, and drops it when the pool goes', async () => {
    const inspector = start({ historyMs: 100, rescanMs: 250 });
    const sink = new HistorySink();
    inspector.subscribe(sink);
    const made = await inspector.handle('lab-pool', { slots: 8, allocated: 3, freed: 1, memfd: false }, IPC);
    if (!made.ok) throw new Error(made.error.message);
    const id = `seg:${made.value.name}`;
    const series = await waitFor(() => {
      const pool = sink.history?.pools.find((entry) => entry.id === id);
      return pool && pool.inUse.length >= 3 && pool;
    });
    expect(series.slotCount).toBe(8);
    expect(new Set(series.inUse)).toEqual(new Set([3]));

    const stopped = await inspector.handle('lab-stop', { id: made.value.id, keep: false }, IPC);
    expect(stopped).toMatchObject({ ok: true, value: { stopped: true } });
    await waitFor(() => !sink.history?.pools.some((entry) => entry.id === id));
    const late = new HistorySink();
    inspector.subscribe(late);
    expect(late.patches[0]?.history?.pools.some((entry) => entry.id === id)).toBe(false);
  });

  it('sends no history when it takes no point: a patch of nothing new stays small', async () => {
    const inspector = start({ historyMs: 60_000, rescanMs: 250, watch: false });
    const sink = new HistorySink();
    inspector.subscribe(sink);
    await waitFor(() => sink.patches[0]);
    createSegment({ dir, dataSize: 4096, mode: 0o600 });
    await inspector.handle('scan-now', {}, IPC);
    const later = sink.patches.filter((patch) => !patch.full);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((patch) => !('history' in patch))).toBe(true);
  });

  it('refuses a history interval longer than its window', () => {
    expect(() => start({ historyMs: 10_000, historyWindowMs: 5000 })).toThrow(RangeError);
  });
});
