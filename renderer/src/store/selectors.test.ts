import { describe, expect, it } from 'vitest';
import {
  fullPatch,
  incrementalPatch,
  memfdItem,
  segment,
  segmentItem,
  staleSegment,
  NOW,
} from '../test-support/fixtures';
import { setFilter } from './actions';
import { applyPatch } from './apply-patch';
import { createInspectorStore, initialState, type InspectorState } from './inspector-store';
import { NO_FILTER, type RowFilter, type RowSort } from './rows';
import { selectReclaimable, selectRows, selectStateCounts, selectVisibleIds, selectVisibleRows } from './selectors';

const MiB = 1024 * 1024;

const state = applyPatch(
  initialState(),
  fullPatch([
    segmentItem(segment('pulse-shm-1', { allocated: 4 * MiB, birthTime: NOW - 10_000 })),
    segmentItem(staleSegment('pulse-shm-2', { allocated: 8 * MiB, birthTime: NOW - 90_000 })),
    // Stale, but a live process still maps it: a default cleanup keeps it.
    segmentItem(
      staleSegment('pulse-shm-3', {
        allocated: 16 * MiB,
        attached: [{ pid: 5000, comm: 'paplay', access: 'ro', via: ['map'] }],
        removal: 'named',
        birthTime: NOW - 50_000,
      }),
    ),
    segmentItem(
      segment('pulse-shm-4', {
        state: 'stale-zombie',
        owner: null,
        allocated: 32 * MiB,
        birthTime: null,
        mtime: NOW - 20_000,
      }),
    ),
    segmentItem(
      segment('.org.chromium.Chromium.x', {
        state: 'foreign',
        reason: 'not a PulseAudio segment name',
        marker: null,
        owner: null,
        attached: [],
        allocated: MiB,
      }),
    ),
    memfdItem(77),
  ]),
);

const view = (filter: Partial<RowFilter>, sort: RowSort = { column: 'name', direction: 'asc' }): InspectorState => ({
  ...state,
  segments: { ...state.segments, filter: { ...NO_FILTER, ...filter }, sort },
});
const names = (s: InspectorState) => selectVisibleRows(s).map((row) => row.name);

describe('selectors', () => {
  it('counts items by state, memfd pools and deleted segments as held', () => {
    expect(selectStateCounts(state)).toEqual({ live: 1, stale: 2, 'stale-zombie': 1, foreign: 1, held: 1 });
  });

  it('reclaimable bytes are the allocated bytes of the segments the engine says a plain cleanup removes', () => {
    expect(selectReclaimable(state)).toEqual({ count: 1, bytes: 8 * MiB });
  });

  it('returns the same derived list while its inputs are unchanged', () => {
    expect(selectRows(state)).toBe(selectRows(state));
    const s = view({});
    expect(selectVisibleRows(s)).toBe(selectVisibleRows(s));
  });

  it('filters by state and by kind', () => {
    expect(names(view({ state: 'stale' }))).toEqual(['pulse-shm-2', 'pulse-shm-3']);
    expect(names(view({ kind: 'memfd' }))).toEqual(['memfd:pulseaudio:77']);
    expect(names(view({ kind: 'other' }))).toEqual(['.org.chromium.Chromium.x']);
  });

  it('filters by process PID (exactly) or program name (in part), owners and attached processes alike', () => {
    expect(names(view({ process: '5000' }))).toEqual(['memfd:pulseaudio:77', 'pulse-shm-3']);
    expect(names(view({ process: '500' }))).toEqual([]);
    expect(names(view({ process: 'PLAY' }))).toEqual(['memfd:pulseaudio:77', 'pulse-shm-3']);
  });

  it('searches names, states, modes, PIDs and process names, case-insensitively, but not the reasons', () => {
    expect(names(view({ search: 'CHROMIUM' }))).toEqual(['.org.chromium.Chromium.x']);
    expect(names(view({ search: '4242' }))).toEqual(['pulse-shm-2', 'pulse-shm-3']);
    expect(names(view({ search: 'zombie' }))).toEqual(['pulse-shm-4']);
    expect(names(view({ search: '0700' }))).toHaveLength(5); // every entry but the memfd pool (no mode)
    // A foreign entry's reason says it is not a PulseAudio segment: "pulse" must not find it.
    expect(names(view({ search: 'pulse' }))).not.toContain('.org.chromium.Chromium.x');
  });

  it('finds a name by what the table shows for it: an undecodable byte as \\xNN, U+202E as \\u202e', () => {
    const odd = applyPatch(
      initialState(),
      fullPatch([
        segmentItem(segment('odd\udcff', { state: 'foreign', marker: null, owner: null })),
        segmentItem(segment('odd\udcfe', { state: 'foreign', marker: null, owner: null })),
        segmentItem(segment('x\u202egpj.exe', { state: 'foreign', marker: null, owner: null })),
      ]),
    );
    const search = (text: string) =>
      selectVisibleRows({ ...odd, segments: { ...odd.segments, filter: { ...NO_FILTER, search: text } } }).map(
        (row) => row.name,
      );
    expect(search('odd\\xff')).toEqual(['odd\udcff']);
    expect(search('\\u202egpj')).toEqual(['x\u202egpj.exe']);
  });

  it('sorts by a column in either direction, unknown values last', () => {
    const bySize = names(view({ kind: 'pulse' }, { column: 'size', direction: 'desc' }));
    expect(bySize).toEqual(['pulse-shm-4', 'pulse-shm-3', 'pulse-shm-2', 'pulse-shm-1']);
    // Ascending age: the youngest first.
    expect(names(view({ kind: 'pulse' }, { column: 'age', direction: 'asc' }))).toEqual([
      'pulse-shm-1',
      'pulse-shm-4',
      'pulse-shm-3',
      'pulse-shm-2',
    ]);
    const byOwner = names(view({}, { column: 'owner', direction: 'desc' }));
    expect(byOwner.slice(-2)).toEqual(['.org.chromium.Chromium.x', 'memfd:pulseaudio:77']);
  });

  it('a patch that changes only rows the filter hides keeps the shown rows, their ids, the counts and the reclaimable bytes', () => {
    const store = createInspectorStore(state);
    setFilter(store, { state: 'stale' });
    const before = store.getState();
    // A live segment's size changes: hidden by the filter, still live, never reclaimable.
    const patch = incrementalPatch(2, { upserts: [segmentItem(segment('pulse-shm-1', { allocated: 5 * MiB }))] });
    const after = applyPatch(before, patch);
    expect(after.segments.items).not.toBe(before.segments.items);
    expect(selectVisibleRows(after)).toBe(selectVisibleRows(before));
    expect(selectVisibleIds(after)).toBe(selectVisibleIds(before));
    expect(selectStateCounts(after)).toBe(selectStateCounts(before));
    expect(selectReclaimable(after)).toBe(selectReclaimable(before));
  });

  it('a filter set to what it already is keeps the shown rows', () => {
    const store = createInspectorStore(state);
    setFilter(store, { search: 'pulse' });
    const before = selectVisibleRows(store.getState());
    setFilter(store, { search: 'pulse' });
    expect(selectVisibleRows(store.getState())).toBe(before);
  });
});
