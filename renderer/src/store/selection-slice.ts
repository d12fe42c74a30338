export interface SelectionSlice {
  /** The item the detail pane shows. */
  selectedId: string | null;
}

export const initialSelection: SelectionSlice = { selectedId: null };
