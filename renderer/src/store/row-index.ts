/**
 * The table's rows kept sorted and filtered from one state to the next. A patch moves only
 * the rows it changes, each to the place a binary search finds, so a one-segment patch
 * among 10,000 rows costs a few comparisons and an array copy instead of a sort of every
 * row. A new sort orders every row again; a new filter passes over the sorted rows once.
 */
import type { InspectorItem } from '../../../protocol/channels';
import {
  rowComparator,
  rowMatcher,
  sameFilter,
  sameSort,
  toRow,
  type Row,
  type RowFilter,
  type RowSort,
  type RowState,
} from './rows';

export type StateCounts = Readonly<Partial<Record<RowState, number>>>;

export interface Reclaimable {
  count: number;
  bytes: number;
}

export interface RowIndex {
  /** What the index was made for: a reader checks them before trusting it. */
  items: ReadonlyMap<string, InspectorItem>;
  filter: RowFilter;
  sort: RowSort;
  /** Every row, in the sort's order. */
  sorted: readonly Row[];
  /** The rows that pass the filter, in the same order; `sorted` itself when the filter passes every row. */
  visible: readonly Row[];
  counts: StateCounts;
  reclaimable: Reclaimable;
}

type Compare = (a: Row, b: Row) => number;

/** Each item's row, kept while the item is: a patch replaces the items it changes and keeps the others. */
const rowOf = new WeakMap<InspectorItem, Row>();
export function rowOfItem(item: InspectorItem): Row {
  let row = rowOf.get(item);
  if (!row) rowOf.set(item, (row = toRow(item)));
  return row;
}

/** What a default cleanup frees: the entries the engine judges it removes (Segment.removal). */
function reclaimableBytes(item: InspectorItem): number | null {
  if (item.type !== 'segment' || item.segment.removal !== 'default') return null;
  return item.segment.allocated;
}

export function buildRowIndex(items: ReadonlyMap<string, InspectorItem>, filter: RowFilter, sort: RowSort): RowIndex {
  const sorted = Array.from(items.values(), rowOfItem).sort(rowComparator(sort));
  const counts: Partial<Record<RowState, number>> = {};
  for (const row of sorted) counts[row.state] = (counts[row.state] ?? 0) + 1;
  const reclaimable = { count: 0, bytes: 0 };
  for (const item of items.values()) {
    const bytes = reclaimableBytes(item);
    if (bytes === null) continue;
    reclaimable.count += 1;
    reclaimable.bytes += bytes;
  }
  return { items, filter, sort, sorted, visible: filterRows(sorted, filter), counts, reclaimable };
}

function filterRows(sorted: readonly Row[], filter: RowFilter): readonly Row[] {
  const match = rowMatcher(filter);
  return match === null ? sorted : sorted.filter(match);
}

/** Whether `index` was made for exactly these items, filter and sort. */
export function indexFits(
  index: RowIndex,
  items: ReadonlyMap<string, InspectorItem>,
  filter: RowFilter,
  sort: RowSort,
): boolean {
  return index.items === items && sameFilter(index.filter, filter) && sameSort(index.sort, sort);
}

/**
 * The index of `items` under `filter` and `sort`, made from `previous`. `changed` names
 * every id whose item may differ between `previous.items` and `items` (a patch's upserts
 * and removals); null when that is not known, which sorts every row again. Parts that do
 * not change keep their identity, so memoized readers and React skip their work.
 */
export function updateRowIndex(
  previous: RowIndex,
  items: ReadonlyMap<string, InspectorItem>,
  filter: RowFilter,
  sort: RowSort,
  changed: Iterable<string> | null,
): RowIndex {
  const itemsChanged = items !== previous.items;
  if (!sameSort(previous.sort, sort) || (itemsChanged && changed === null)) return buildRowIndex(items, filter, sort);
  const filterChanged = !sameFilter(previous.filter, filter);
  if (!itemsChanged && !filterChanged) return previous;

  let { sorted, visible, counts, reclaimable } = previous;
  if (itemsChanged && changed !== null) {
    const removed: Row[] = [];
    const added: Row[] = [];
    const countChanges = new Map<RowState, number>();
    let reclaimCount = 0;
    let reclaimBytes = 0;
    for (const id of new Set(changed)) {
      const before = previous.items.get(id);
      const after = items.get(id);
      if (before === after) continue;
      if (before) {
        const row = rowOfItem(before);
        removed.push(row);
        countChanges.set(row.state, (countChanges.get(row.state) ?? 0) - 1);
        const bytes = reclaimableBytes(before);
        if (bytes !== null) [reclaimCount, reclaimBytes] = [reclaimCount - 1, reclaimBytes - bytes];
      }
      if (after) {
        const row = rowOfItem(after);
        added.push(row);
        countChanges.set(row.state, (countChanges.get(row.state) ?? 0) + 1);
        const bytes = reclaimableBytes(after);
        if (bytes !== null) [reclaimCount, reclaimBytes] = [reclaimCount + 1, reclaimBytes + bytes];
      }
    }
    const compare = rowComparator(sort);
    sorted = replaceRows(sorted, removed, added, compare);
    if (!filterChanged) {
      const match = rowMatcher(filter);
      visible = match === null ? sorted : replaceRows(visible, removed.filter(match), added.filter(match), compare);
    }
    counts = adjustCounts(counts, countChanges);
    if (reclaimCount !== 0 || reclaimBytes !== 0) {
      reclaimable = { count: reclaimable.count + reclaimCount, bytes: reclaimable.bytes + reclaimBytes };
    }
  }
  if (filterChanged) visible = filterRows(sorted, filter);
  return { items, filter, sort, sorted, visible, counts, reclaimable };
}

function adjustCounts(counts: StateCounts, changes: ReadonlyMap<RowState, number>): StateCounts {
  let next: Partial<Record<RowState, number>> | null = null;
  for (const [state, change] of changes) {
    if (change === 0) continue;
    next ??= { ...counts };
    const count = (next[state] ?? 0) + change;
    if (count === 0) delete next[state];
    else next[state] = count;
  }
  return next ?? counts;
}

/**
 * Up to this many rows moved, each is spliced in at its binary-searched place; beyond, the
 * kept rows and the new ones, sorted, are merged in one pass.
 */
const SPLICE_LIMIT = 16;

/** `rows` (sorted by `compare`) without `removed` and with `added`, still sorted; `rows` itself when neither has any. */
function replaceRows(
  rows: readonly Row[],
  removed: readonly Row[],
  added: readonly Row[],
  compare: Compare,
): readonly Row[] {
  if (removed.length === 0 && added.length === 0) return rows;
  if (removed.length + added.length <= SPLICE_LIMIT) {
    const next = rows.slice();
    for (const row of removed) {
      const at = placeOf(next, row, compare);
      if (next[at] === row) next.splice(at, 1);
    }
    for (const row of added) next.splice(placeOf(next, row, compare), 0, row);
    return next;
  }
  const gone = new Set(removed);
  const fresh = [...added].sort(compare);
  const next: Row[] = [];
  let i = 0;
  for (const row of rows) {
    if (gone.has(row)) continue;
    while (i < fresh.length && compare(fresh[i] as Row, row) < 0) next.push(fresh[i++] as Row);
    next.push(row);
  }
  while (i < fresh.length) next.push(fresh[i++] as Row);
  return next;
}

/** The first index whose row does not sort before `row`: where it is, or where it goes. */
function placeOf(rows: readonly Row[], row: Row, compare: Compare): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(rows[middle] as Row, row) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
