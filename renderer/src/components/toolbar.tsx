import { useHost } from '../host/host-context';
import { rescan } from '../store/rescan';
import { useInspector, useInspectorStore } from '../store/store-context';
import { RESCAN_KEY_HINT } from './table-keys';
import { ChangeButton } from './change-button';

/** The actions that change something: create, clean up stale segments, rescan now. */
export function Toolbar({ onCreate, onClean }: { onCreate: () => void; onClean: () => void }) {
  const host = useHost();
  const store = useInspectorStore();
  const connected = useInspector((state) => state.connection.status === 'connected');
  const scanning = useInspector((state) => state.live.scanning);

  return (
    <div className="toolbar">
      <ChangeButton data-testid="create-button" onClick={onCreate}>
        Create…
      </ChangeButton>
      <ChangeButton data-testid="clean-stale-button" onClick={onClean}>
        Clean stale…
      </ChangeButton>
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
