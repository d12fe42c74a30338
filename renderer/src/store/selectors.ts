/** What components read from the store; derived lists are memoized so they keep their identity. */
import type { InspectorItem } from '../../../protocol/channels';
import type { Finding } from '../../../protocol/memory';
import { derive } from './derive';
import type { InspectorState } from './inspector-store';
import { compareRows, matchesFilter, toRow, type Row, type RowState } from './rows';

/** Each item's row, kept while the item is: a patch replaces the items it changes and keeps the others. */
const rowOf = new WeakMap<InspectorItem, Row>();
function cachedRow(item: InspectorItem): Row {
  let row = rowOf.get(item);
  if (!row) rowOf.set(item, (row = toRow(item)));
  return row;
}

export const selectRows = derive(
  (state: InspectorState) => [state.segments.items] as const,
  (items): readonly Row[] => [...items.values()].map(cachedRow),
);

/** The rows the table shows: filtered, then sorted. */
export const selectVisibleRows = derive(
  (state: InspectorState) => [selectRows(state), state.segments.filter, state.segments.sort] as const,
  (rows, filter, sort): readonly Row[] =>
    rows.filter((row) => matchesFilter(row, filter)).sort((a, b) => compareRows(a, b, sort)),
);

export const selectVisibleIds = derive(
  (state: InspectorState) => [selectVisibleRows(state)] as const,
  (rows): readonly string[] => rows.map((row) => row.id),
);

export type StateCounts = Readonly<Partial<Record<RowState, number>>>;

export const selectStateCounts = derive(
  (state: InspectorState) => [selectRows(state)] as const,
  (rows): StateCounts => {
    const counts: Partial<Record<RowState, number>> = {};
    for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
    return counts;
  },
);

export interface Reclaimable {
  count: number;
  bytes: number;
}

/**
 * What a default cleanup frees: the allocated bytes of `stale` directory entries that no
 * live process holds (README "States": zombie, reused and held segments need an option).
 */
export const selectReclaimable = derive(
  (state: InspectorState) => [state.segments.items] as const,
  (items): Reclaimable => {
    let count = 0;
    let bytes = 0;
    for (const item of items.values()) {
      if (item.type !== 'segment' || item.segment.state !== 'stale' || item.segment.attached.length > 0) continue;
      count += 1;
      bytes += item.segment.allocated;
    }
    return { count, bytes };
  },
);

export const selectSelectedItem = (state: InspectorState): InspectorItem | null => {
  const id = state.selection.selectedId;
  return id === null ? null : (state.segments.items.get(id) ?? null);
};

const NO_FINDINGS: readonly Finding[] = [];

/** The findings about one subject (a segment name or `memfd:<name>:<inode>`). */
export const selectFindingsFor =
  (subject: string) =>
  (state: InspectorState): readonly Finding[] => {
    const findings = state.segments.directory?.findings.filter((finding) => finding.subject === subject);
    return findings && findings.length > 0 ? findings : NO_FINDINGS;
  };
