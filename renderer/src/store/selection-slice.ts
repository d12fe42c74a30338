export interface SelectionSlice {
  /** The current row: the one the detail pane shows and the keyboard moves from. */
  selectedId: string | null;
  /** The rows an action (Remove, Copy) applies to; the current row among them unless Ctrl-click took it out. */
  selectedIds: ReadonlySet<string>;
  /** Where a Shift range starts: the last row clicked or moved to without Shift. */
  anchorId: string | null;
}

const none: ReadonlySet<string> = new Set();

export const initialSelection: SelectionSlice = { selectedId: null, selectedIds: none, anchorId: null };

/** One row selected alone (or none with null): a plain click, an arrow key. */
export function singleSelection(id: string | null): SelectionSlice {
  return { selectedId: id, selectedIds: id === null ? none : new Set([id]), anchorId: id };
}

/** The selection without the items that are gone. */
export function withoutGone(selection: SelectionSlice, exists: (id: string) => boolean): SelectionSlice {
  const gone = [...selection.selectedIds].some((id) => !exists(id));
  const current = selection.selectedId !== null && !exists(selection.selectedId);
  const anchor = selection.anchorId !== null && !exists(selection.anchorId);
  if (!gone && !current && !anchor) return selection;
  return {
    selectedId: current ? null : selection.selectedId,
    selectedIds: gone ? new Set([...selection.selectedIds].filter(exists)) : selection.selectedIds,
    anchorId: anchor ? null : selection.anchorId,
  };
}
