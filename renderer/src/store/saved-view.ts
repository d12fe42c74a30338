/**
 * The table's view (column layout, sort, filters) kept across reloads in the page's
 * storage. The value carries a version: a value of another version, or one that does not
 * read back as a view (edited by hand, written by a bug), is ignored, never half used.
 */
import { z } from 'zod';
import { COLUMN_KEYS, DEFAULT_WIDTHS, clampWidth, type ColumnKey, type ColumnLayout } from './column-layout';
import type { InspectorState, InspectorStore } from './inspector-store';
import { buildRowIndex } from './row-index';
import { ROW_KINDS, ROW_STATES, type RowFilter, type RowSort } from './rows';

export const SAVED_VIEW_KEY = 'shm-inspector.table-view';
export const SAVED_VIEW_VERSION = 1;

/** What the page's storage offers (window.localStorage; a Map-backed one in tests). */
export type ViewStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface SavedView {
  columns: ColumnLayout;
  sort: RowSort;
  filter: RowFilter;
}

const columnKey = z.enum(COLUMN_KEYS as [ColumnKey, ...ColumnKey[]]);
/** Longer text than anyone types in a filter is not a filter. */
const filterText = z.string().max(1_000);

const savedViewSchema = z.object({
  version: z.literal(SAVED_VIEW_VERSION),
  columns: z.object({
    widths: z.object(
      Object.fromEntries(COLUMN_KEYS.map((key) => [key, z.number().finite()])) as Record<ColumnKey, z.ZodNumber>,
    ),
    hidden: z.array(columnKey).refine((hidden) => !hidden.includes('name'), 'the name column always shows'),
  }),
  sort: z.object({ column: columnKey, direction: z.enum(['asc', 'desc']) }),
  filter: z.object({
    state: z.enum(['all', ...ROW_STATES]),
    kind: z.enum(['all', ...ROW_KINDS]),
    process: filterText,
    search: filterText,
  }),
});

/** The saved view, or null when there is none, or none this version can use. */
export function loadView(storage: ViewStorage | null): SavedView | null {
  let text: string | null;
  try {
    text = storage?.getItem(SAVED_VIEW_KEY) ?? null;
  } catch {
    return null;
  }
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = savedViewSchema.safeParse(value);
  if (!parsed.success) return null;
  const { columns, sort, filter } = parsed.data;
  const widths = { ...DEFAULT_WIDTHS };
  for (const key of COLUMN_KEYS) widths[key] = clampWidth(key, columns.widths[key]);
  return {
    columns: { widths, hidden: COLUMN_KEYS.filter((key) => columns.hidden.includes(key)) },
    sort,
    filter,
  };
}

/** `state` under a saved view: before the first snapshot, so its index is of no rows yet. */
export function withView(state: InspectorState, view: SavedView | null): InspectorState {
  if (!view) return state;
  const { items } = state.segments;
  return {
    ...state,
    columns: view.columns,
    segments: {
      ...state.segments,
      sort: view.sort,
      filter: view.filter,
      index: buildRowIndex(items, view.filter, view.sort),
    },
  };
}

/** Saves the view whenever the columns, the sort or the filters change; returns the unsubscribe function. */
export function keepViewSaved(store: InspectorStore, storage: ViewStorage | null): () => void {
  if (!storage) return () => {};
  return store.subscribe((state, previous) => {
    const { columns, segments } = state;
    if (
      columns === previous.columns &&
      segments.sort === previous.segments.sort &&
      segments.filter === previous.segments.filter
    ) {
      return;
    }
    const saved = { version: SAVED_VIEW_VERSION, columns, sort: segments.sort, filter: segments.filter };
    try {
      storage.setItem(SAVED_VIEW_KEY, JSON.stringify(saved));
    } catch {
      // Storage full or turned off: the view just does not outlive the page.
    }
  });
}

/** The page's storage, or null where it is turned off (reading `localStorage` then throws). */
export function pageStorage(): ViewStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
