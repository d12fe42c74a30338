/** What the UI does to the store: plain functions, callable from components and from host listeners alike. */
import type { ErrorValue, InspectorHost } from '../../../protocol/channels';
import type { HostStatusEvent } from '../host/host-status';
import type { InspectorState, InspectorStore } from './inspector-store';
import { receivePatch } from './live-updates';
import { updateRowIndex } from './row-index';
import { singleSelection } from './selection-slice';
import { DEFAULT_SORT, NO_FILTER, type RowFilter, type RowSort, type SortColumn } from './rows';

/**
 * Feeds the host's patches into the store; returns the unsubscribe function. Each
 * connection starts with a full snapshot: then the host is asked what it allows (a
 * restarted host may allow something else).
 */
export function connectStore(store: InspectorStore, host: InspectorHost): () => void {
  return host.subscribe((patch) => {
    receivePatch(store, patch);
    if (patch.full) void loadHostInfo(store, host);
  });
}

async function loadHostInfo(store: InspectorStore, host: InspectorHost): Promise<void> {
  const info = await host.request('host-info', {});
  if (info.ok) store.setState((state) => ({ connection: { ...state.connection, readOnly: info.value.readOnly } }));
}

export function setHostStatus(store: InspectorStore, event: HostStatusEvent): void {
  store.setState((state) => ({
    connection: { ...state.connection, status: event.status, retryInMs: event.retryInMs },
  }));
}

/** Records a failure of the directory as a whole (ENOENT, EACCES...), or clears it with null. */
export function setHostError(store: InspectorStore, error: ErrorValue | null): void {
  store.setState((state) => ({ connection: { ...state.connection, hostError: error } }));
}

/** Selects one row alone (or nothing with null). */
export function select(store: InspectorStore, id: string | null): void {
  store.setState({ selection: singleSelection(id) });
}

/**
 * Moves the selection within `ids` (the rows as shown): by `delta`, or to the first or
 * last with -Infinity / Infinity. With nothing selected, any move selects the first row.
 */
export function moveSelection(store: InspectorStore, ids: readonly string[], delta: number): string | null {
  if (ids.length === 0) return null;
  const current = store.getState().selection.selectedId;
  const index = current === null ? -1 : ids.indexOf(current);
  const target =
    index < 0
      ? 0
      : Number.isFinite(delta)
        ? Math.min(ids.length - 1, Math.max(0, index + delta))
        : delta < 0
          ? 0
          : ids.length - 1;
  const id = ids[target] ?? null;
  select(store, id);
  return id;
}

/** The segments slice under a new filter or sort, its index filtered or sorted again to match. */
function viewed(state: InspectorState, filter: RowFilter, sort: RowSort): Pick<InspectorState, 'segments'> {
  const { items, index } = state.segments;
  return { segments: { ...state.segments, filter, sort, index: updateRowIndex(index, items, filter, sort, null) } };
}

export function setFilter(store: InspectorStore, change: Partial<RowFilter>): void {
  store.setState((state) => viewed(state, { ...state.segments.filter, ...change }, state.segments.sort));
}

export function clearFilter(store: InspectorStore): void {
  store.setState((state) => viewed(state, NO_FILTER, state.segments.sort));
}

/** Sorts by `column`; a second click on the same column reverses the order. */
export function toggleSort(store: InspectorStore, column: SortColumn): void {
  store.setState((state) => {
    const sort = state.segments.sort;
    const next =
      sort.column === column
        ? { column, direction: sort.direction === 'asc' ? ('desc' as const) : ('asc' as const) }
        : { ...DEFAULT_SORT, column };
    return viewed(state, state.segments.filter, next);
  });
}
