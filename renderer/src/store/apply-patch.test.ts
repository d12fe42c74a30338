import { describe, expect, it } from 'vitest';
import { singleSelection } from './selection-slice';
import {
  fullPatch,
  HEADER,
  incrementalPatch,
  memfdItem,
  samples,
  segment,
  segmentItem,
  staleSegment,
  NOW,
} from '../test-support/fixtures';
import { applyPatch } from './apply-patch';
import { MAX_SERIES_POINTS, recentTraffic, SERIES_WINDOW_MS } from './channel-series';
import { initialState, type InspectorState } from './inspector-store';

const apply = (...patches: Parameters<typeof applyPatch>[1][]): InspectorState =>
  patches.reduce(applyPatch, initialState());

describe('applyPatch', () => {
  it('a full patch replaces every item, the directory facts and the lab, and marks the host connected', () => {
    const lab = [
      { id: 'lab-1', kind: 'pool' as const, storage: 'posix' as const, name: 'pulse-shm-9', inode: 9, slots: 16 },
    ];
    const state = apply(
      fullPatch([segmentItem(segment('pulse-shm-1')), segmentItem(segment('pulse-shm-2'))], 1),
      fullPatch([segmentItem(segment('pulse-shm-3'))], 7, { ...HEADER, dir: '/tmp/shm', lab }),
    );
    expect([...state.segments.items.keys()]).toEqual(['seg:pulse-shm-3']);
    expect(state.segments.directory?.dir).toBe('/tmp/shm');
    expect(state.lab.items).toEqual(lab);
    expect(state.connection).toMatchObject({ status: 'connected', lastSeq: 7 });
  });

  it('an incremental patch upserts and removes, keeping the rest and the directory facts', () => {
    const state = apply(
      fullPatch([segmentItem(segment('a')), segmentItem(segment('b'))]),
      incrementalPatch(2, {
        upserts: [segmentItem(staleSegment('b')), memfdItem(77)],
        removals: ['seg:a'],
      }),
    );
    expect([...state.segments.items.keys()]).toEqual(['seg:b', 'memfd:1:77']);
    const b = state.segments.items.get('seg:b');
    expect(b?.type === 'segment' && b.segment.state).toBe('stale');
    expect(state.segments.directory).toEqual({
      dir: HEADER.dir,
      capacity: HEADER.capacity,
      initialPidNamespace: true,
      findings: [],
    });
    expect(state.connection.lastSeq).toBe(2);
  });

  it('keeps the items map itself when a patch changes no item (selectors stay memoized)', () => {
    const before = apply(fullPatch([segmentItem(segment('a'))]));
    const after = applyPatch(before, incrementalPatch(2, { samples: [samples('seg:a#64', NOW, 1, 100)] }));
    expect(after.segments.items).toBe(before.segments.items);
  });

  it('clears the selection when the selected item is removed', () => {
    const state = apply(fullPatch([segmentItem(segment('a'))]));
    const selected = { ...state, selection: singleSelection('seg:a') };
    expect(applyPatch(selected, incrementalPatch(2, {})).selection.selectedId).toBe('seg:a');
    expect(applyPatch(selected, incrementalPatch(2, { removals: ['seg:a'] })).selection.selectedId).toBeNull();
  });

  it('appends traffic intervals to each channel in arrival order', () => {
    const state = apply(
      fullPatch([segmentItem(segment('a'))]),
      incrementalPatch(2, { samples: [samples('seg:a#64', NOW, 3, 100)] }),
      incrementalPatch(3, { samples: [samples('seg:a#64', NOW + 300, 2, 100, (i) => 10 + i)] }),
    );
    const series = state.segments.series.get('seg:a#64');
    expect(series?.times).toEqual([NOW, NOW + 100, NOW + 200, NOW + 300, NOW + 400]);
    expect(series?.ms).toEqual([100, 100, 100, 100, 100]);
    expect(series?.readBytes).toEqual([0, 1, 2, 10, 11]);
    expect(series?.writeBytes).toEqual([0, 2, 4, 20, 22]);
    expect(series?.peak).toEqual([0, 2, 4, 20, 22]);
    expect(series?.last?.readCount).toBe(11);
    expect(series?.capacity).toBe(32712);
  });

  it('sums the last 5 s of intervals into the current rate, each ring apart', () => {
    const state = apply(
      fullPatch([segmentItem(segment('a'))]),
      // 10 s of 100 ms intervals: 1000 B each into the read ring until the last 5 s, 0 after.
      incrementalPatch(2, { samples: [samples('seg:a#64', NOW, 100, 100, (i) => (i < 50 ? 1000 : 0))] }),
    );
    const series = state.segments.series.get('seg:a#64');
    if (!series) throw new Error('no series');
    expect(recentTraffic(series)).toEqual({ readRate: 0, writeRate: 0, peak: 0, wakeups: 50 });
    expect(recentTraffic(series, 6_000)).toMatchObject({
      readRate: (1000 * 10) / 6,
      writeRate: (2000 * 10) / 6,
      peak: 2000,
    });
  });

  it('keeps only the last 60 s of samples, measured from the newest one', () => {
    const state = apply(
      fullPatch([segmentItem(segment('a'))]),
      // 90 s at 1 Hz: the first 30 s fall out of the window.
      incrementalPatch(2, { samples: [samples('seg:a#64', NOW, 91, 1000)] }),
    );
    const times = state.segments.series.get('seg:a#64')?.times ?? [];
    expect(times[0]).toBe(NOW + 30_000);
    expect(times[times.length - 1]).toBe(NOW + 90_000);
    expect((times[times.length - 1] ?? 0) - (times[0] ?? 0)).toBeLessThanOrEqual(SERIES_WINDOW_MS);
  });

  it('caps a channel at a fixed number of points however fast samples arrive', () => {
    let state = apply(fullPatch([segmentItem(segment('a'))]));
    // 1 kHz for 20 s: well inside the window, far past the cap.
    for (let batch = 0; batch < 20; batch += 1) {
      state = applyPatch(
        state,
        incrementalPatch(2 + batch, { samples: [samples('seg:a#64', NOW + batch * 1000, 1000, 1)] }),
      );
    }
    const series = state.segments.series.get('seg:a#64');
    expect(series?.times).toHaveLength(MAX_SERIES_POINTS);
    expect(series?.readBytes).toHaveLength(MAX_SERIES_POINTS);
    expect(series?.times[MAX_SERIES_POINTS - 1]).toBe(NOW + 19_999);
  });

  it('drops the series of a removed item, and of items missing from a new snapshot', () => {
    const withSamples = apply(
      fullPatch([segmentItem(segment('a')), segmentItem(segment('b'))]),
      incrementalPatch(2, { samples: [samples('seg:a#64', NOW, 2, 100), samples('seg:b#64', NOW, 2, 100)] }),
    );
    const removed = applyPatch(withSamples, incrementalPatch(3, { removals: ['seg:a'] }));
    expect([...removed.segments.series.keys()]).toEqual(['seg:b#64']);
    const snapshot = applyPatch(withSamples, fullPatch([segmentItem(segment('a'))], 4));
    expect([...snapshot.segments.series.keys()]).toEqual(['seg:a#64']);
  });
});
