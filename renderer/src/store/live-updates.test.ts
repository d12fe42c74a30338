import { describe, expect, it } from 'vitest';
import {
  fullPatch,
  incrementalPatch,
  NOW,
  samples,
  segment,
  segmentItem,
  staleSegment,
} from '../test-support/fixtures';
import { applyPatch } from './apply-patch';
import { createInspectorStore, initialState } from './inspector-store';
import { pauseUpdates, receivePatch, resumeUpdates } from './live-updates';
import { MAX_PENDING_SAMPLE_BATCHES, mergePatches } from './merge-patches';
import { selectVisibleIds } from './selectors';

const names = (state: ReturnType<typeof initialState>) => selectVisibleIds(state);

describe('pausing live updates', () => {
  it('records when the last patch applied arrived', () => {
    const store = createInspectorStore();
    receivePatch(store, fullPatch([segmentItem(segment('a'))]), NOW);
    expect(store.getState().live.refreshedAt).toBe(NOW);
    receivePatch(store, incrementalPatch(2, {}), NOW + 2000);
    expect(store.getState().live.refreshedAt).toBe(NOW + 2000);
  });

  it('while paused the table keeps its rows; on resume it shows what applying every patch would have', () => {
    const store = createInspectorStore();
    receivePatch(store, fullPatch([segmentItem(segment('a')), segmentItem(segment('b'))]), NOW);
    pauseUpdates(store);
    const paused = [
      incrementalPatch(2, { upserts: [segmentItem(segment('c'))], removals: ['seg:a'] }),
      incrementalPatch(3, { upserts: [segmentItem(staleSegment('b'))] }),
      incrementalPatch(4, { upserts: [segmentItem(segment('a'))], removals: ['seg:c'] }),
    ];
    paused.forEach((patch, i) => receivePatch(store, patch, NOW + 1000 * (i + 1)));
    expect(names(store.getState())).toEqual(['seg:a', 'seg:b']);
    expect(store.getState().segments.items.get('seg:b')).toEqual(segmentItem(segment('b')));
    expect(store.getState().live).toMatchObject({ paused: true, pendingCount: 3, refreshedAt: NOW });

    resumeUpdates(store);
    const expected = [fullPatch([segmentItem(segment('a')), segmentItem(segment('b'))]), ...paused].reduce(
      applyPatch,
      initialState(),
    );
    expect(names(store.getState())).toEqual(names(expected));
    expect([...store.getState().segments.items.values()]).toEqual([...expected.segments.items.values()]);
    expect(store.getState().live).toMatchObject({
      paused: false,
      pending: null,
      pendingCount: 0,
      refreshedAt: NOW + 3000,
    });
  });

  it('a snapshot that arrives while paused replaces what came before it', () => {
    const store = createInspectorStore();
    receivePatch(store, fullPatch([segmentItem(segment('a'))]), NOW);
    pauseUpdates(store);
    receivePatch(store, incrementalPatch(2, { upserts: [segmentItem(segment('b'))] }));
    receivePatch(store, fullPatch([segmentItem(segment('c'))], 3));
    receivePatch(store, incrementalPatch(4, { upserts: [segmentItem(segment('d'))], removals: ['seg:c'] }));
    resumeUpdates(store);
    expect(names(store.getState())).toEqual(['seg:d']);
    expect(store.getState().connection.lastSeq).toBe(4);
  });
});

describe('mergePatches', () => {
  it('removes what was upserted then removed, and keeps what was removed then upserted', () => {
    const merged = mergePatches(
      incrementalPatch(2, { upserts: [segmentItem(segment('x'))], removals: ['seg:y'] }),
      incrementalPatch(3, { upserts: [segmentItem(segment('y'))], removals: ['seg:x'] }),
    );
    expect(merged.upserts.map((item) => item.id)).toEqual(['seg:y']);
    expect(merged.removals.sort()).toEqual(['seg:x', 'seg:y']);
    expect(merged.seq).toBe(3);
  });

  it('keeps the later process view, or the earlier when the later patch has none', () => {
    const view = (reason: string) => ({ processes: [], pulseNames: { available: false as const, reason } });
    const both = mergePatches(
      { ...incrementalPatch(2, {}), processes: view('a') },
      { ...incrementalPatch(3, {}), processes: view('b') },
    );
    expect(both.processes).toEqual(view('b'));
    const earlierOnly = mergePatches({ ...incrementalPatch(2, {}), processes: view('a') }, incrementalPatch(3, {}));
    expect(earlierOnly.processes).toEqual(view('a'));
  });

  it('keeps every sample batch in order, up to a bound', () => {
    const batch = (i: number) => samples('seg:a#64', NOW + i, 1, 1);
    let merged = incrementalPatch(1, { samples: [batch(0)] });
    for (let i = 1; i < MAX_PENDING_SAMPLE_BATCHES + 10; i += 1) {
      merged = mergePatches(merged, incrementalPatch(i + 1, { samples: [batch(i)] }));
    }
    expect(merged.samples).toHaveLength(MAX_PENDING_SAMPLE_BATCHES);
    expect(merged.samples[merged.samples.length - 1]).toEqual(batch(MAX_PENDING_SAMPLE_BATCHES + 9));
  });
});
