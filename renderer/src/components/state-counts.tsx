import { setFilter } from '../store/actions';
import { ROW_STATES } from '../store/rows';
import { selectStateCounts } from '../store/selectors';
import { useInspector, useInspectorStore } from '../store/store-context';
import { StateBadge } from './state-badge';

/**
 * How many items are in each state; states with none are left out. Each is a button that
 * shows only that state in the table (the State filter), and a second press shows all again.
 */
export function StateCounts() {
  const store = useInspectorStore();
  const counts = useInspector(selectStateCounts);
  const filtered = useInspector((state) => state.segments.filter.state);
  const present = ROW_STATES.filter((state) => (counts[state] ?? 0) > 0);
  if (present.length === 0) return <span className="state-counts">No segments</span>;
  return (
    <ul className="state-counts" aria-label="Segments by state">
      {present.map((state) => {
        const active = filtered === state;
        return (
          <li key={state}>
            <button
              type="button"
              className="state-count"
              data-testid={`state-count-${state}`}
              aria-pressed={active}
              title={active ? 'Show every state again' : `Show only ${state} items`}
              onClick={() => setFilter(store, { state: active ? 'all' : state })}
            >
              <StateBadge state={state} /> {counts[state]}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
