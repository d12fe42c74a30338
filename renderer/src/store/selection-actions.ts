/**
 * Selecting several rows, as file managers and GNOME System Monitor do: Ctrl toggles one,
 * Shift takes the range from the anchor, Ctrl+A takes every row shown. `ids` are the rows
 * as the table shows them (filtered and sorted), so a range is what the user sees.
 */
import type { InspectorStore } from './inspector-store';
import { singleSelection, type SelectionSlice } from './selection-slice';

/** Adds or takes out one row (Ctrl-click, Space); it becomes the current row and the anchor. */
export function toggleSelected(store: InspectorStore, id: string): void {
  store.setState((state) => {
    const selectedIds = new Set(state.selection.selectedIds);
    if (selectedIds.has(id)) selectedIds.delete(id);
    else selectedIds.add(id);
    return { selection: { selectedId: id, selectedIds, anchorId: id } };
  });
}

/** The rows from the anchor (or the current row) to `id`, as shown (Shift-click, Shift+arrows). */
export function selectRange(store: InspectorStore, ids: readonly string[], id: string): void {
  store.setState((state) => ({ selection: rangeSelection(state.selection, ids, id) }));
}

function rangeSelection(selection: SelectionSlice, ids: readonly string[], id: string): SelectionSlice {
  const anchor = selection.anchorId ?? selection.selectedId;
  const from = anchor === null ? -1 : ids.indexOf(anchor);
  const to = ids.indexOf(id);
  if (from < 0 || to < 0) return singleSelection(id);
  const [low, high] = from <= to ? [from, to] : [to, from];
  return { selectedId: id, selectedIds: new Set(ids.slice(low, high + 1)), anchorId: anchor };
}

/** Every row shown (Ctrl+A); the current row stays. */
export function selectAll(store: InspectorStore, ids: readonly string[]): void {
  store.setState((state) => ({
    selection: {
      selectedId: state.selection.selectedId ?? ids[0] ?? null,
      selectedIds: new Set(ids),
      anchorId: state.selection.anchorId ?? ids[0] ?? null,
    },
  }));
}

/**
 * The ids an action applies to, in the table's order where shown: the selected rows, or
 * the current row alone when Ctrl-click left none selected.
 */
export function actionIds(selection: SelectionSlice): string[] {
  if (selection.selectedIds.size > 0) return [...selection.selectedIds];
  return selection.selectedId === null ? [] : [selection.selectedId];
}
