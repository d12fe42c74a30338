import { describe, expect, it } from 'vitest';
import type { InspectorItem } from '../../protocol/channels';
import { mergeHistory } from '../../protocol/history';
import type { Pool } from '../../protocol/pool';
import { HistoryRing, poolCounts, type PoolCount } from './history-ring';

const capacity = (used: number) => ({ total: 1000, used, free: 1000 - used });
const pools = (entries: [string, number][]): Map<string, PoolCount> =>
  new Map(entries.map(([id, inUse]) => [id, { slotCount: 8, inUse }]));

describe('HistoryRing', () => {
  it('keeps one point per sample, oldest first, and returns each new point as an update', () => {
    const ring = new HistoryRing(5000, 60_000);
    ring.record(1000, capacity(10), pools([['a', 1]]));
    const update = ring.record(6000, capacity(20), pools([['a', 2]]));
    expect(update).toEqual({
      intervalMs: 5000,
      windowMs: 60_000,
      times: [6000],
      shmUsed: [20],
      shmTotal: [1000],
      pools: [{ id: 'a', slotCount: 8, inUse: [2] }],
    });
    expect(ring.snapshot()).toMatchObject({
      times: [1000, 6000],
      shmUsed: [10, 20],
      pools: [{ id: 'a', inUse: [1, 2] }],
    });
  });

  it('keeps at most a window of points (fixed memory), for the filesystem and each pool', () => {
    const ring = new HistoryRing(5000, 15_000);
    expect(ring.limit).toBe(3);
    for (let i = 0; i < 10; i++) ring.record(i * 5000, capacity(i), pools([['a', i]]));
    const snapshot = ring.snapshot();
    expect(snapshot.times).toEqual([35_000, 40_000, 45_000]);
    expect(snapshot.shmUsed).toEqual([7, 8, 9]);
    expect(snapshot.pools).toEqual([{ id: 'a', slotCount: 8, inUse: [7, 8, 9] }]);
  });

  it('drops a pool whose item is gone, and starts a new pool at its first point', () => {
    const ring = new HistoryRing(5000, 60_000);
    ring.record(0, capacity(1), pools([['a', 1]]));
    ring.record(5000, capacity(1), pools([['b', 3]]));
    expect(ring.snapshot().pools).toEqual([{ id: 'b', slotCount: 8, inUse: [3] }]);
  });

  it('refuses an interval longer than its window, or out of bounds', () => {
    expect(() => new HistoryRing(10_000, 5000)).toThrow(RangeError);
    expect(() => new HistoryRing(0)).toThrow(RangeError);
    expect(() => new HistoryRing(50)).toThrow(RangeError);
    expect(() => new HistoryRing(5000, 60 * 60_000)).toThrow(RangeError);
  });

  it("appended through mergeHistory, its updates give the ring's own snapshot", () => {
    const ring = new HistoryRing(5000, 20_000);
    let seen = ring.snapshot();
    for (let i = 0; i < 9; i++) {
      const present: [string, number][] = i < 4 ? [['a', i]] : [['b', i]];
      seen = mergeHistory(seen, ring.record(i * 5000, capacity(i * 10), pools(present)));
    }
    expect(seen).toEqual(ring.snapshot());
  });
});

describe('mergeHistory', () => {
  it('ends a pool that a later update has at only some of its times', () => {
    const ring = new HistoryRing(1000, 60_000);
    const start = ring.snapshot();
    const first = ring.record(0, capacity(0), pools([['a', 1]]));
    // Two updates coalesced: the pool is gone at 1000 and back (the same id) at 2000.
    const gap = mergeHistory(
      ring.record(1000, capacity(0), pools([])),
      ring.record(2000, capacity(0), pools([['a', 5]])),
    );
    expect(mergeHistory(mergeHistory(start, first), gap).pools).toEqual([{ id: 'a', slotCount: 8, inUse: [5] }]);
  });
});

describe('poolCounts', () => {
  it("counts the slots in use of every item that decodes as a pool, as the engine's decode says", () => {
    const pool = { slotCount: 4, inUse: 3 } as Pool;
    const items = [
      { id: 'segment:p', type: 'segment', segment: { pool: { pool, notPool: null } } },
      { id: 'segment:x', type: 'segment', segment: { pool: { pool: null, notPool: 'too small' } } },
      { id: 'memfd:1', type: 'memfd', memfd: { pool: { pool, notPool: null } } },
      { id: 'deleted:1', type: 'deleted', deleted: {} },
    ] as InspectorItem[];
    expect([...poolCounts(items)]).toEqual([
      ['segment:p', { slotCount: 4, inUse: 3 }],
      ['memfd:1', { slotCount: 4, inUse: 3 }],
    ]);
  });
});
