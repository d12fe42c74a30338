import type { InspectorHost } from '../../../protocol/channels';
import { setHostError } from './actions';
import type { InspectorStore } from './inspector-store';

/** Asks the host to scan now (the Rescan button, R in the table); one scan at a time. */
export async function rescan(store: InspectorStore, host: InspectorHost): Promise<void> {
  if (store.getState().live.scanning) return;
  const setScanning = (scanning: boolean) => store.setState((state) => ({ live: { ...state.live, scanning } }));
  setScanning(true);
  const result = await host.request('scan-now', {});
  setScanning(false);
  // A lost connection has its own banner, and must not outlive the reconnect.
  setHostError(store, result.ok || result.error.code === 'disconnected' ? null : result.error);
}
