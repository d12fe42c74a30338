import type { ErrorValue } from '../../../protocol/channels';
import type { HostStatus } from '../host/host-status';

export interface ConnectionSlice {
  status: HostStatus;
  /** When the host will try again, while disconnected. */
  retryInMs: number | null;
  /** The `seq` of the last patch applied. */
  lastSeq: number | null;
  /** The last failure the engine reported for the directory as a whole (no shm directory, permission denied). */
  hostError: ErrorValue | null;
  /** Whether the host refuses every change (`serve --read-only`); null until it has said. */
  readOnly: boolean | null;
}

export const initialConnection: ConnectionSlice = {
  status: 'connecting',
  retryInMs: null,
  lastSeq: null,
  hostError: null,
  readOnly: null,
};
