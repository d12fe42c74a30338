import { ROW_STATES } from '../store/rows';
import { selectStateCounts } from '../store/selectors';
import { useInspector } from '../store/store-context';
import { StateBadge } from './state-badge';

/** How many items are in each state; states with none are left out. */
export function StateCounts() {
  const counts = useInspector(selectStateCounts);
  const present = ROW_STATES.filter((state) => (counts[state] ?? 0) > 0);
  if (present.length === 0) return <span className="state-counts">No segments</span>;
  return (
    <ul className="state-counts" aria-label="Segments by state">
      {present.map((state) => (
        <li key={state} data-testid={`state-count-${state}`}>
          <StateBadge state={state} /> {counts[state]}
        </li>
      ))}
    </ul>
  );
}
