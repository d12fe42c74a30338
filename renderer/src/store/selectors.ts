/** What components read from the store; derived lists are memoized so they keep their identity. */
import type { InspectorItem } from '../../../protocol/channels';
import type { Finding } from '../../../protocol/memory';
import { derive } from './derive';
import type { InspectorState } from './inspector-store';
import { indexFits, rowOfItem, updateRowIndex, type Reclaimable, type RowIndex, type StateCounts } from './row-index';
import type { Row } from './rows';

export type { Reclaimable, StateCounts } from './row-index';

/** Every item's row, in the items' order. */
export const selectRows = derive(
  (state: InspectorState) => [state.segments.items] as const,
  (items): readonly Row[] => Array.from(items.values(), rowOfItem),
);

/**
 * The table's index: the one applyPatch and the actions keep in the store, or, for a state
 * assembled some other way (a test's), one brought up to its items, filter and sort.
 */
export const selectRowIndex = derive(
  (state: InspectorState) =>
    [state.segments.index, state.segments.items, state.segments.filter, state.segments.sort] as const,
  (index, items, filter, sort): RowIndex =>
    indexFits(index, items, filter, sort) ? index : updateRowIndex(index, items, filter, sort, null),
);

/** The rows the table shows: filtered, then sorted. */
export const selectVisibleRows = (state: InspectorState): readonly Row[] => selectRowIndex(state).visible;

export const selectVisibleIds = derive(
  (state: InspectorState) => [selectVisibleRows(state)] as const,
  (rows): readonly string[] => rows.map((row) => row.id),
);

export const selectStateCounts = (state: InspectorState): StateCounts => selectRowIndex(state).counts;

/**
 * What a default cleanup frees: the allocated bytes of `stale` directory entries that no
 * live process holds (README "States": zombie, reused and held segments need an option).
 */
export const selectReclaimable = (state: InspectorState): Reclaimable => selectRowIndex(state).reclaimable;

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
