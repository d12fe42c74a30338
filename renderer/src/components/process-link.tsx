import { showProcess } from '../store/process-actions';
import { useInspectorStore } from '../store/store-context';

/** A PID as a link to its process in the Processes tab. */
export function ProcessLink({ pid }: { pid: number }) {
  const store = useInspectorStore();
  return (
    <button
      type="button"
      className="link-button"
      data-testid={`process-link-${pid}`}
      title="Show this process in the Processes tab"
      onClick={() => showProcess(store, pid)}
    >
      PID {pid}
    </button>
  );
}
