import { plural } from '../../../protocol/format';
import { clearFilter } from '../store/actions';
import { useInspector, useInspectorStore } from '../store/store-context';
import { ProblemState } from './problem-state';

/** Why the table has no rows, and what to do: wait, reconnect, create a segment, or clear the filters. */
export function TableEmpty() {
  const store = useInspectorStore();
  const status = useInspector((state) => state.connection.status);
  const directory = useInspector((state) => state.segments.directory);
  const total = useInspector((state) => state.segments.items.size);

  if (!directory) {
    const problem =
      status === 'disconnected'
        ? { title: 'No data yet', action: 'The table fills in as soon as the inspector host is reachable again.' }
        : {
            title: 'Waiting for the first scan…',
            action: 'The inspector host sends a snapshot as soon as it connects.',
          };
    return <ProblemState problem={problem} tone="info" />;
  }
  if (total === 0) {
    return (
      <ProblemState
        tone="info"
        problem={{
          title: `No shared memory in ${directory.dir}`,
          action:
            'Nothing is there, and no process maps a memfd pool. Use Create… to make a segment to experiment with.',
        }}
      />
    );
  }
  return (
    <ProblemState
      tone="info"
      problem={{ title: 'No segment matches the filters', action: `They hide ${plural(total, 'item')}.` }}
    >
      <button type="button" onClick={() => clearFilter(store)}>
        Clear filters
      </button>
    </ProblemState>
  );
}
