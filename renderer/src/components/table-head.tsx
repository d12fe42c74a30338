import { toggleSort } from '../store/actions';
import { selectShownColumns } from '../store/column-layout';
import { useInspector, useInspectorStore } from '../store/store-context';
import { ColumnResizer } from './column-resizer';
import { COLUMN_BY_KEY } from './table-columns';

/** The header row; a click on a column sorts by it, a second click reverses; its right edge resizes it. */
export function TableHead() {
  const store = useInspectorStore();
  const sort = useInspector((state) => state.segments.sort);
  const columns = useInspector(selectShownColumns);
  return (
    <div role="rowgroup" className="grid__head">
      <div role="row" aria-rowindex={1} className="grid__row grid__row--head">
        {columns.map((key) => {
          const column = COLUMN_BY_KEY[key];
          const sorted = sort.column === key;
          return (
            <div
              key={key}
              role="columnheader"
              className="cell cell--head"
              data-column={key}
              aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button
                type="button"
                className="sort-button"
                data-testid={`sort-${key}`}
                title={column.sortHint}
                onClick={() => toggleSort(store, key)}
              >
                {column.label}
                <span aria-hidden="true">{sorted ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
              <ColumnResizer column={key} label={column.label} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
