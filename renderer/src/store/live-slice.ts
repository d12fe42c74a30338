import type { Patch } from '../../../protocol/channels';

/** Whether the table follows the host's patches, and when it last did. */
export interface LiveSlice {
  /** While paused, patches are kept (merged into `pending`) instead of applied. */
  paused: boolean;
  /** The patches received while paused, merged into one (merge-patches.ts); null when none came. */
  pending: Patch | null;
  /** How many patches `pending` holds. */
  pendingCount: number;
  /** When the last patch applied arrived (browser clock, ms since the epoch); null before the first. */
  refreshedAt: number | null;
  /** When the last patch held in `pending` arrived: the state shown on resume is as of then. */
  pendingAt: number | null;
  /** Whether a scan asked for (Rescan, R) is under way. */
  scanning: boolean;
}

export const initialLive: LiveSlice = {
  paused: false,
  pending: null,
  pendingCount: 0,
  refreshedAt: null,
  pendingAt: null,
  scanning: false,
};
