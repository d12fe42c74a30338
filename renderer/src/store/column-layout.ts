/**
 * The table's columns as the user arranged them: each one's width, and which are hidden.
 * Saved with the sort and the filters (saved-view.ts), so they survive a reload.
 */
import { derive } from './derive';
import type { InspectorState } from './inspector-store';
import type { SortColumn } from './rows';

/** Each column sorts by its own key. */
export type ColumnKey = SortColumn;

export const COLUMN_KEYS: readonly ColumnKey[] = ['name', 'kind', 'size', 'state', 'owner', 'attached', 'mode', 'age'];

/**
 * Widths in CSS pixels, for the 14 px text of theme.css. Together they fit the table's
 * share of a 1280-pixel window (layout.css gives the detail pane a quarter of it) with
 * room for a vertical scroll bar; the name column takes whatever space is left.
 */
export const DEFAULT_WIDTHS: Readonly<Record<ColumnKey, number>> = {
  name: 140,
  kind: 92,
  size: 160,
  state: 132,
  owner: 124,
  attached: 96,
  mode: 118,
  age: 72,
};

/** Narrow enough for a short column, wide enough that the name column still shows its tail. */
export const MIN_WIDTHS: Readonly<Record<ColumnKey, number>> = {
  name: 140,
  kind: 40,
  size: 40,
  state: 40,
  owner: 40,
  attached: 40,
  mode: 40,
  age: 40,
};

export const MAX_WIDTH = 1600;

export interface ColumnLayout {
  widths: Readonly<Record<ColumnKey, number>>;
  /** Never the name: it is what a row is. */
  hidden: readonly ColumnKey[];
}

export const DEFAULT_LAYOUT: ColumnLayout = { widths: DEFAULT_WIDTHS, hidden: [] };

export const canHide = (key: ColumnKey): boolean => key !== 'name';

export function clampWidth(key: ColumnKey, width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTHS[key], width)));
}

export function withWidth(layout: ColumnLayout, key: ColumnKey, width: number): ColumnLayout {
  const clamped = clampWidth(key, width);
  if (layout.widths[key] === clamped) return layout;
  return { ...layout, widths: { ...layout.widths, [key]: clamped } };
}

export function withHidden(layout: ColumnLayout, key: ColumnKey, hidden: boolean): ColumnLayout {
  if (!canHide(key) || layout.hidden.includes(key) === hidden) return layout;
  const next = hidden ? [...layout.hidden, key] : layout.hidden.filter((other) => other !== key);
  // In the table's order, so that two layouts that show the same columns are equal.
  return { ...layout, hidden: COLUMN_KEYS.filter((other) => next.includes(other)) };
}

/** The columns shown, in the table's order. */
export function shownColumns(layout: ColumnLayout): readonly ColumnKey[] {
  return COLUMN_KEYS.filter((key) => !layout.hidden.includes(key));
}

/** The rows' `grid-template-columns`: each column at its width, the name column growing into the space left. */
export function gridTemplate(layout: ColumnLayout): string {
  return shownColumns(layout)
    .map((key) => (key === 'name' ? `minmax(${layout.widths.name}px, 1fr)` : `${layout.widths[key]}px`))
    .join(' ');
}

/** The width the shown columns need, in pixels: wider than the table, it scrolls sideways. */
export function layoutWidth(layout: ColumnLayout): number {
  return shownColumns(layout).reduce((sum, key) => sum + layout.widths[key], 0);
}

/** The shown columns of the store's layout, the same array while the layout is the same. */
export const selectShownColumns = derive(
  (state: InspectorState) => [state.columns] as const,
  (layout): readonly ColumnKey[] => shownColumns(layout),
);
