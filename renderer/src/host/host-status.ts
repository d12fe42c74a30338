/** Where a host's link to the engine stands. An Electron host is always connected. */
export type HostStatus = 'connecting' | 'connected' | 'disconnected';

export interface HostStatusEvent {
  status: HostStatus;
  /** While disconnected: when the next attempt starts. */
  retryInMs: number | null;
}
