import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../../native';
import type { InspectorItem, Patch } from '../../protocol/channels';
import { mergeHistory, type History } from '../../protocol/history';
import type { InspectorApi, PatchSink } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { IPC, sleep, waitFor } from './service-test-support';

const MiB = 1024 * 1024;

/** Maps the pool read-write; on a line in, frees slot 0 (the lab pool's first in-use block) by zeroing its refcount. */
const FREE_FIRST_SLOT = `
import mmap, struct, sys
with open(sys.argv[1], 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0)
print('mapped', flush=True)
sys.stdin.readline()
assert struct.unpack_from('<i', m, 0)[0] > 0
struct.pack_into('<i', m, 0, 0)
print('freed', flush=True)
sys.stdin.read()
`;

/** A sink that keeps the history as a page would: the full patch's, then each update appended. */
class HistorySink implements PatchSink {
  readonly patches: Patch[] = [];
  history: History | null = null;
  readonly items = new Map<string, InspectorItem>();
  send(patch: Patch): void {
    this.patches.push(patch);
    for (const item of patch.upserts) this.items.set(item.id, item);
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
    // Points in time order, about one per interval: a late tick shortens the gap after it
    // (the timer keeps its schedule), so only the median is held to the interval.
    const gaps = grown.times.slice(1).map((time, i) => time - (grown.times[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
    expect(median).toBeGreaterThanOrEqual(90);
    expect(median).toBeLessThan(200);
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

  it('follows a POSIX pool whose slots change through a mapping (no file event): at the next sweep, not the safety scan', async () => {
    const inspector = start({ historyMs: 100, rescanMs: 250 });
    const sink = new HistorySink();
    inspector.subscribe(sink);
    const made = await inspector.handle('lab-pool', { slots: 8, allocated: 3, freed: 1, memfd: false }, IPC);
    if (!made.ok) throw new Error(made.error.message);
    const id = `seg:${made.value.name}`;
    await waitFor(() => sink.history?.pools.find((entry) => entry.id === id)?.inUse.includes(3));
    // Another process maps the pool and frees an in-use slot by writing its refcount through
    // the mapping, as a PulseAudio client releasing a block does: no write(), no inotify event.
    const mapper = spawn('python3', ['-c', FREE_FIRST_SLOT, path.join(dir, made.value.name)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = readline.createInterface({ input: mapper.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('mapped');
      // The mapper is seen as a holder first (a change of holders rejudges the pool anyway).
      await waitFor(() => {
        const item = sink.items.get(id);
        return item?.type === 'segment' && item.segment.attached.some((holder) => holder.pid === mapper.pid);
      });
      mapper.stdin.write('free\n');
      expect((await lines.next()).value).toBe('freed');
      const series = await waitFor(() => {
        const pool = sink.history?.pools.find((entry) => entry.id === id);
        return pool?.inUse.at(-1) === 2 && pool;
      });
      expect(series.inUse.at(-1)).toBe(2);
    } finally {
      mapper.kill();
    }
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
