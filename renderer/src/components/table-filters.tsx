import { useId } from 'react';
import { setFilter } from '../store/actions';
import { ROW_KINDS, ROW_STATES, type RowKind, type RowState } from '../store/rows';
import { useInspector, useInspectorStore } from '../store/store-context';
import { KIND_LABELS } from './table-columns';
import { SEARCH_FIELD_ID, SEARCH_KEY_HINT } from './table-keys';

/** State, kind, process and text filters for the table, each with its label; Escape goes back to the table. */
export function TableFilters() {
  const store = useInspectorStore();
  const filter = useInspector((state) => state.segments.filter);
  const id = useId();
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter segments"
      data-escape-to-table
      onSubmit={(event) => event.preventDefault()}
    >
      <label htmlFor={`${id}-state`}>State</label>
      <select
        id={`${id}-state`}
        data-testid="filter-state"
        value={filter.state}
        onChange={(event) => setFilter(store, { state: event.target.value as RowState | 'all' })}
      >
        <option value="all">all</option>
        {ROW_STATES.map((state) => (
          <option key={state} value={state}>
            {state}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-kind`}>Kind</label>
      <select
        id={`${id}-kind`}
        data-testid="filter-kind"
        value={filter.kind}
        onChange={(event) => setFilter(store, { kind: event.target.value as RowKind | 'all' })}
      >
        <option value="all">all</option>
        {ROW_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {KIND_LABELS[kind]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-process`}>Process</label>
      <input
        id={`${id}-process`}
        data-testid="filter-process"
        type="text"
        placeholder="PID or program: owner or holder"
        value={filter.process}
        onChange={(event) => setFilter(store, { process: event.target.value })}
      />
      <label htmlFor={SEARCH_FIELD_ID}>Search</label>
      <input
        id={SEARCH_FIELD_ID}
        data-testid="filter-search"
        title={`Search (${SEARCH_KEY_HINT}); Escape goes back to the table`}
        aria-keyshortcuts="/ Control+F"
        type="search"
        placeholder="name, state, mode, PID, process"
        value={filter.search}
        onChange={(event) => setFilter(store, { search: event.target.value })}
      />
    </form>
  );
}
