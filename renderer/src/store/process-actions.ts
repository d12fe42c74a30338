/** What the UI does to the process view and between it and the segments: plain functions on the store. */
import type { InspectorStore } from './inspector-store';
import type { AppView, ProcessSortColumn } from './processes-slice';
import { NO_FILTER } from './rows';
import { updateRowIndex } from './row-index';
import { singleSelection } from './selection-slice';

export function showView(store: InspectorStore, view: AppView): void {
  store.setState((state) => ({ processes: { ...state.processes, view } }));
}

export function selectProcess(store: InspectorStore, pid: number | null): void {
  store.setState((state) => ({ processes: { ...state.processes, selectedPid: pid } }));
}

/** Sorts the process table by `column`; a second time reverses. Names and numbers start descending where "most" is what one looks for. */
export function toggleProcessSort(store: InspectorStore, column: ProcessSortColumn): void {
  store.setState((state) => {
    const sort = state.processes.sort;
    const first = column === 'count' || column === 'bytes' || column === 'rw' || column === 'created' ? 'desc' : 'asc';
    const direction = sort.column === column ? (sort.direction === 'asc' ? 'desc' : 'asc') : first;
    return { processes: { ...state.processes, sort: { column, direction } } };
  });
}

/** The Processes tab with this process selected (a link from a segment's owner or holders). */
export function showProcess(store: InspectorStore, pid: number): void {
  store.setState((state) => ({ processes: { ...state.processes, view: 'processes', selectedPid: pid } }));
}

/**
 * The Segments tab with this item selected (a link from a process). A filter that hides
 * the item is cleared, so that the selected row is in the table.
 */
export function showSegment(store: InspectorStore, id: string): void {
  store.setState((state) => {
    const { items, index, sort } = state.segments;
    const hidden = items.has(id) && !index.visible.some((row) => row.id === id);
    const segments = hidden
      ? { ...state.segments, filter: NO_FILTER, index: updateRowIndex(index, items, NO_FILTER, sort, null) }
      : state.segments;
    return {
      segments,
      selection: singleSelection(id),
      processes: { ...state.processes, view: 'segments' },
    };
  });
}
