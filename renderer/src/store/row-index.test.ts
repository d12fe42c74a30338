import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InspectorItem, Patch } from '../../../protocol/channels';
import { REMOVAL_CLASSES, SEGMENT_STATES } from '../../../protocol/scan-result';
import { fullPatch, incrementalPatch, NOW, segment, segmentItem } from '../test-support/fixtures';
import { referenceView } from '../test-support/full-sort-reference';
import { clearFilter, setFilter, toggleSort } from './actions';
import { applyPatch } from './apply-patch';
import { createInspectorStore, type InspectorState } from './inspector-store';
import { indexFits } from './row-index';
import { NO_FILTER, ROW_KINDS, ROW_STATES, type RowFilter, type SortColumn } from './rows';
import { selectReclaimable, selectStateCounts, selectVisibleIds, selectVisibleRows } from './selectors';

// Few names, so that patches mostly change and remove rows that exist; among them names
// that differ only in case or accents, that the collation orders apart from their code units
// or cannot tell apart at all, and one shared by a segment and a deleted file.
const NAMES = ['pulse-shm-1', 'pulse-shm-10', 'pulse-shm-2', 'Pulse-shm-1', 'a', 'A', 'á', 'a\u0301', 'b-c', 'bc', ''];
const SORT_COLUMNS: readonly SortColumn[] = ['name', 'kind', 'size', 'state', 'owner', 'attached', 'mode', 'age'];

const attachment = fc.record({
  pid: fc.constantFrom(3349, 5000, 42),
  comm: fc.constantFrom('pulseaudio', 'paplay', 'Play', ''),
  access: fc.constantFrom('rw' as const, 'ro' as const),
  via: fc.constantFrom<('map' | 'fd')[]>(['map'], ['fd'], ['map', 'fd']),
});
const bytes = fc.constantFrom(0, 4096, 8192, 2 * 1024 * 1024);
const time = fc.option(fc.constantFrom(NOW - 1000, NOW - 5000, NOW), { nil: null });

const segmentItems = fc
  .record({
    name: fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 })),
    state: fc.constantFrom(...SEGMENT_STATES),
    size: bytes,
    allocated: bytes,
    mode: fc.constantFrom(0o600, 0o644, 0o700),
    birthTime: time,
    mtime: fc.constantFrom(NOW - 2000, NOW),
    owner: fc.option(fc.constantFrom(3349, 5000), { nil: null }),
    markerPid: fc.option(fc.constantFrom(4242, 3349), { nil: null }),
    attached: fc.array(attachment, { maxLength: 2 }),
    reason: fc.constantFrom('the owner runs', 'no process has PID 4242'),
    // The engine's judgement, independent of the other fields here: the UI counts it as sent.
    removal: fc.constantFrom(...REMOVAL_CLASSES),
  })
  .map(({ name, owner, markerPid, ...rest }) =>
    segmentItem(
      segment(name, {
        ...rest,
        owner: owner === null ? null : { pid: owner, comm: 'pulseaudio', state: 'S', startTime: NOW },
        marker: markerPid === null ? null : { valid: true, magic: 0xbeefcafe, pid: markerPid, hex: '' },
      }),
    ),
  );

const holder = attachment.map((p) => ({ ...p, uid: 1000 }));

const memfdItems = fc
  .record({ inode: fc.integer({ min: 1, max: 6 }), size: bytes, allocated: fc.option(bytes, { nil: null }) })
  .chain(({ inode, size, allocated }) =>
    fc.array(holder, { maxLength: 2 }).map((holders): InspectorItem => ({
      id: `memfd:1:${inode}`,
      type: 'memfd',
      memfd: { dev: 1, inode, name: 'pulseaudio', size, allocated, holders, unreadable: null, pool: null },
    })),
  );

const deletedItems = fc
  .record({
    inode: fc.integer({ min: 1, max: 4 }),
    path: fc.constantFrom('/dev/shm/a', '/dev/shm/b', 'a'),
    size: fc.option(bytes, { nil: null }),
    allocated: fc.option(bytes, { nil: null }),
    holders: fc.array(holder, { maxLength: 2 }),
  })
  .map(({ inode, ...rest }): InspectorItem => ({
    id: `deleted:1:${inode}`,
    type: 'deleted',
    deleted: { dev: 1, inode, ...rest },
  }));

const items = fc.oneof(
  { weight: 4, arbitrary: segmentItems },
  { weight: 1, arbitrary: memfdItems },
  { weight: 1, arbitrary: deletedItems },
);
const someId = fc.oneof(
  fc.constantFrom(...NAMES).map((name) => `seg:${name}`),
  fc.integer({ min: 1, max: 6 }).map((inode) => `memfd:1:${inode}`),
  fc.integer({ min: 1, max: 4 }).map((inode) => `deleted:1:${inode}`),
  fc.constant('seg:never-there'),
);

const filters: fc.Arbitrary<RowFilter> = fc.record({
  state: fc.constantFrom('all' as const, ...ROW_STATES),
  kind: fc.constantFrom('all' as const, ...ROW_KINDS),
  process: fc.constantFrom('', '3349', ' 5000 ', '500', 'play', 'PULSE', 'x'),
  search: fc.constantFrom('', 'pulse', 'SHM-1', 'stale', '0700', '4242', 'á', 'a', ' '),
});

type Step =
  | { kind: 'snapshot'; items: InspectorItem[] }
  // Up to 40 rows moved: both the splice and the merge path of the index.
  | { kind: 'patch'; upserts: InspectorItem[]; removals: string[] }
  | { kind: 'filter'; filter: Partial<RowFilter> }
  | { kind: 'clear-filter' }
  | { kind: 'sort'; column: SortColumn };

const steps: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.array(items, { maxLength: 40 }).map((list) => ({ kind: 'snapshot' as const, items: list })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        upserts: fc.oneof(fc.array(items, { maxLength: 2 }), fc.array(items, { maxLength: 25 })),
        removals: fc.oneof(fc.array(someId, { maxLength: 2 }), fc.array(someId, { maxLength: 15 })),
      })
      .map((change) => ({ kind: 'patch' as const, ...change })),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      filters.map((filter) => ({ kind: 'filter' as const, filter })),
      fc
        .record({ search: filters.map((f) => f.search) }, { requiredKeys: [] })
        .map((filter) => ({ kind: 'filter' as const, filter })),
      fc.constant({ kind: 'clear-filter' as const }),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...SORT_COLUMNS).map((column) => ({ kind: 'sort' as const, column })) },
);

function patchOf(step: Step, seq: number): Patch | null {
  if (step.kind === 'snapshot') return fullPatch(step.items, seq);
  if (step.kind === 'patch') return incrementalPatch(seq, { upserts: step.upserts, removals: step.removals });
  return null;
}

/** The store's index, and what the selectors read from it, against the reference computed from scratch. */
function expectSameAsReference(state: InspectorState): void {
  const { items, filter, sort, index } = state.segments;
  // The index kept in the store, not one the selectors would rebuild for a stale one.
  expect(indexFits(index, items, filter, sort)).toBe(true);
  const expected = referenceView(items, filter, sort);
  expect(selectVisibleIds(state)).toEqual(expected.visibleIds);
  expect(selectVisibleRows(state)).toEqual(expected.visibleRows);
  expect(index.sorted.map((row) => row.id)).toEqual(referenceView(items, NO_FILTER, sort).visibleIds);
  expect(selectStateCounts(state)).toEqual(expected.counts);
  expect(selectReclaimable(state)).toEqual(expected.reclaimable);
}

describe('the sorted, filtered row index', () => {
  it('after any sequence of patches, snapshots, filters and sorts, equals filtering and sorting every row from scratch', () => {
    fc.assert(
      fc.property(fc.array(items, { maxLength: 30 }), fc.array(steps, { maxLength: 25 }), (initial, sequence) => {
        const store = createInspectorStore();
        store.setState((state) => applyPatch(state, fullPatch(initial, 1)));
        expectSameAsReference(store.getState());
        sequence.forEach((step, i) => {
          const patch = patchOf(step, i + 2);
          if (patch) store.setState((state) => applyPatch(state, patch));
          else if (step.kind === 'filter') setFilter(store, step.filter);
          else if (step.kind === 'clear-filter') clearFilter(store);
          else if (step.kind === 'sort') toggleSort(store, step.column);
          expectSameAsReference(store.getState());
        });
      }),
      { numRuns: 300 },
    );
  });
});
