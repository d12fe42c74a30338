import { useState } from 'react';
import { useHost } from '../host/host-context';
import { setHostError } from '../store/actions';
import { useInspector, useInspectorStore } from '../store/store-context';
import { actionsOffReason } from './describe-problem';

/** The actions that change something: create, clean up stale segments, rescan now. */
export function Toolbar({ onCreate, onClean }: { onCreate: () => void; onClean: () => void }) {
  const host = useHost();
  const store = useInspectorStore();
  const connected = useInspector((state) => state.connection.status === 'connected');
  const changesOff = useInspector((state) => actionsOffReason(state.connection.status, state.connection.readOnly));
  const [scanning, setScanning] = useState(false);

  const rescan = async () => {
    setScanning(true);
    const result = await host.request('scan-now', {});
    setScanning(false);
    // A lost connection has its own banner, and must not outlive the reconnect.
    setHostError(store, result.ok || result.error.code === 'disconnected' ? null : result.error);
  };

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
      <button type="button" data-testid="rescan-button" onClick={() => void rescan()} disabled={!connected || scanning}>
        {scanning ? 'Scanning…' : 'Rescan'}
      </button>
    </div>
  );
}
