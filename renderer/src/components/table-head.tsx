import { toggleSort } from '../store/actions';
import { useInspector, useInspectorStore } from '../store/store-context';
import { COLUMNS } from './table-columns';

/** The header row; a click on a column sorts by it, a second click reverses. */
export function TableHead() {
  const store = useInspectorStore();
  const sort = useInspector((state) => state.segments.sort);
  return (
    <div role="rowgroup" className="grid__head">
      <div role="row" aria-rowindex={1} className="grid__row grid__row--head">
        {COLUMNS.map((column) => {
          const sorted = sort.column === column.key;
          return (
            <div
              key={column.key}
              role="columnheader"
              className="cell"
              aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button
                type="button"
                className="sort-button"
                data-testid={`sort-${column.key}`}
                title={column.sortHint}
                onClick={() => toggleSort(store, column.key)}
              >
                {column.label}
                <span aria-hidden="true">{sorted ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
