import { formatTime, plural } from '../../../protocol/format';
import { pauseUpdates, resumeUpdates } from '../store/live-updates';
import { useInspector, useInspectorStore } from '../store/store-context';

/**
 * When the table was last refreshed (the arrival of the last patch it applied), and Pause:
 * the table stops changing under the reader; the patches that come meanwhile are kept and
 * applied on Resume, which then shows the current state.
 */
export function LiveStatus() {
  const store = useInspectorStore();
  const { paused, pendingCount, refreshedAt } = useInspector((state) => state.live);
  const when = refreshedAt === null ? null : formatTime(refreshedAt);
  return (
    <div className="live-status">
      <span data-testid="last-refresh" title="When the last update from the host was applied">
        {when === null
          ? paused
            ? 'Paused before the first update'
            : 'No update yet'
          : paused
            ? `Paused, showing ${when}`
            : `Updated ${when}`}
        {paused && pendingCount > 0 && ` (${plural(pendingCount, 'update')} waiting)`}
      </span>
      <button
        type="button"
        data-testid="pause-button"
        aria-pressed={paused}
        title={
          paused
            ? 'Apply what changed meanwhile and follow the host again'
            : 'Stop the table changing while you read it'
        }
        onClick={() => (paused ? resumeUpdates(store) : pauseUpdates(store))}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}
