import { useHost } from '../host/host-context';
import { rescan } from '../store/rescan';
import { useInspector, useInspectorStore } from '../store/store-context';
import { actionsOffReason } from './describe-problem';
import { RESCAN_KEY_HINT } from './table-keys';

/** The actions that change something: create, clean up stale segments, rescan now. */
export function Toolbar({ onCreate, onClean }: { onCreate: () => void; onClean: () => void }) {
  const host = useHost();
  const store = useInspectorStore();
  const connected = useInspector((state) => state.connection.status === 'connected');
  const changesOff = useInspector((state) => actionsOffReason(state.connection.status, state.connection.readOnly));
  const scanning = useInspector((state) => state.live.scanning);

  return (
    <div className="toolbar">
      <button
        type="button"
        data-testid="create-button"
        onClick={onCreate}
        disabled={changesOff !== null}
        title={changesOff ?? undefined}
      >
        Create…
      </button>
      <button
        type="button"
        data-testid="clean-stale-button"
        onClick={onClean}
        disabled={changesOff !== null}
        title={changesOff ?? undefined}
      >
        Clean stale…
      </button>
      <button
        type="button"
        data-testid="rescan-button"
        onClick={() => void rescan(store, host)}
        disabled={!connected || scanning}
        title={`Scan the directory and /proc now (${RESCAN_KEY_HINT})`}
      >
        {scanning ? 'Scanning…' : 'Rescan'}
      </button>
    </div>
  );
}
