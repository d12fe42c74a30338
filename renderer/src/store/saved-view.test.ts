import { describe, expect, it } from 'vitest';
import { fullPatch, segment, segmentItem, staleSegment } from '../test-support/fixtures';
import { setFilter, toggleSort } from './actions';
import { DEFAULT_LAYOUT, withHidden, withWidth } from './column-layout';
import { createInspectorStore, initialState } from './inspector-store';
import { receivePatch } from './live-updates';
import { keepViewSaved, loadView, SAVED_VIEW_KEY, withView, type ViewStorage } from './saved-view';
import { selectVisibleIds } from './selectors';

function memoryStorage(initial: Record<string, string> = {}): ViewStorage & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return { values, getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

describe('the saved table view', () => {
  it('survives a reload: columns, sort and filters as the user left them', () => {
    const storage = memoryStorage();
    const store = createInspectorStore();
    keepViewSaved(store, storage);
    setFilter(store, { state: 'stale', search: 'pulse' });
    toggleSort(store, 'size');
    toggleSort(store, 'size');
    store.setState((state) => ({ columns: withHidden(withWidth(state.columns, 'owner', 200), 'mode', true) }));

    const reloaded = createInspectorStore(withView(initialState(), loadView(storage)));
    const state = reloaded.getState();
    expect(state.segments.filter).toEqual({ state: 'stale', kind: 'all', process: '', search: 'pulse' });
    expect(state.segments.sort).toEqual({ column: 'size', direction: 'desc' });
    expect(state.columns.widths.owner).toBe(200);
    expect(state.columns.hidden).toEqual(['mode']);
    // And the rows that come are shown under them.
    receivePatch(reloaded, fullPatch([segmentItem(segment('pulse-shm-1')), segmentItem(staleSegment('pulse-shm-2'))]));
    expect(selectVisibleIds(reloaded.getState())).toEqual(['seg:pulse-shm-2']);
  });

  it('ignores a value that is not JSON, of another version, or not a view, and uses the defaults', () => {
    const valid = {
      version: 1,
      columns: DEFAULT_LAYOUT,
      sort: { column: 'age', direction: 'asc' },
      filter: { state: 'all', kind: 'all', process: '', search: 'x' },
    };
    expect(loadView(memoryStorage({ [SAVED_VIEW_KEY]: JSON.stringify(valid) }))?.filter.search).toBe('x');
    for (const bad of [
      '{"version":1,',
      'null',
      JSON.stringify({ ...valid, version: 0 }),
      JSON.stringify({ ...valid, version: 2 }),
      JSON.stringify({ ...valid, sort: { column: 'colour', direction: 'asc' } }),
      JSON.stringify({ ...valid, filter: { ...valid.filter, state: 'gone' } }),
      JSON.stringify({ ...valid, columns: { ...DEFAULT_LAYOUT, hidden: ['name'] } }),
      JSON.stringify({ ...valid, columns: { widths: { name: 100 }, hidden: [] } }),
    ]) {
      expect(loadView(memoryStorage({ [SAVED_VIEW_KEY]: bad })), bad).toBeNull();
    }
    expect(withView(initialState(), null)).toEqual(initialState());
  });

  it('keeps saved widths within bounds, and survives a storage that throws', () => {
    const huge = {
      version: 1,
      columns: { widths: { ...DEFAULT_LAYOUT.widths, name: 1, age: 1e9 }, hidden: [] },
      sort: { column: 'name', direction: 'asc' },
      filter: { state: 'all', kind: 'all', process: '', search: '' },
    };
    const view = loadView(memoryStorage({ [SAVED_VIEW_KEY]: JSON.stringify(huge) }));
    expect(view?.columns.widths.name).toBe(140);
    expect(view?.columns.widths.age).toBe(1600);
    const throwing: ViewStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadView(throwing)).toBeNull();
    const store = createInspectorStore();
    keepViewSaved(store, throwing);
    expect(() => setFilter(store, { search: 'a' })).not.toThrow();
  });
});
