import { setHostError } from '../store/actions';
import { useInspector, useInspectorStore } from '../store/store-context';
import { describeProblem, disconnectedProblem, REFUSED_PROBLEM } from './describe-problem';
import { ProblemState } from './problem-state';

/**
 * What stands between the user and a live view: a lost connection (the table keeps the
 * last state received) or a failure of the whole directory (no shm directory, no permission).
 */
export function HostProblemBanner() {
  const store = useInspectorStore();
  const status = useInspector((state) => state.connection.status);
  const retryInMs = useInspector((state) => state.connection.retryInMs);
  const hostError = useInspector((state) => state.connection.hostError);
  const dir = useInspector((state) => state.segments.directory?.dir ?? null);

  if (status === 'refused') return <ProblemState problem={REFUSED_PROBLEM} tone="error" />;
  if (status === 'disconnected') return <ProblemState problem={disconnectedProblem(retryInMs)} tone="error" />;
  if (!hostError) return null;
  return (
    <ProblemState problem={describeProblem(hostError, dir)} tone="error">
      <button type="button" onClick={() => setHostError(store, null)}>
        Dismiss
      </button>
    </ProblemState>
  );
}
