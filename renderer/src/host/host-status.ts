/**
 * Where a host's link to the engine stands. An Electron host is always connected.
 * `refused`: the browser host answers but refuses this page (it was restarted, with a new
 * token): retrying cannot help, only the new address can.
 */
export type HostStatus = 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface HostStatusEvent {
  status: HostStatus;
  /** While disconnected: when the next attempt starts. */
  retryInMs: number | null;
}
