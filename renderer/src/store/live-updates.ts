/**
 * The host's patches reaching the table, or held back while the user pauses it: a paused
 * table keeps every patch (merged into one), and applies them on resume, so it then shows
 * the current state without asking the host for a new snapshot.
 */
import type { Patch } from '../../../protocol/channels';
import { applyPatch } from './apply-patch';
import type { InspectorStore } from './inspector-store';
import { mergePatches } from './merge-patches';

/** Applies `patch`, or keeps it while paused; `now` is when it arrived. */
export function receivePatch(store: InspectorStore, patch: Patch, now: number = Date.now()): void {
  store.setState((state) => {
    if (!state.live.paused) return { ...applyPatch(state, patch), live: { ...state.live, refreshedAt: now } };
    const { pending, pendingCount } = state.live;
    return {
      // A patch is the host's sign of life, paused or not.
      connection: { ...state.connection, status: 'connected', retryInMs: null },
      live: {
        ...state.live,
        pending: pending ? mergePatches(pending, patch) : patch,
        pendingCount: pendingCount + 1,
        pendingAt: now,
      },
    };
  });
}

export function pauseUpdates(store: InspectorStore): void {
  store.setState((state) => (state.live.paused ? state : { live: { ...state.live, paused: true } }));
}

/** Applies what came while paused, in one step, and follows the host again. */
export function resumeUpdates(store: InspectorStore): void {
  store.setState((state) => {
    const { pending, pendingAt, refreshedAt } = state.live;
    const live = {
      ...state.live,
      paused: false,
      pending: null,
      pendingCount: 0,
      pendingAt: null,
      refreshedAt: pendingAt ?? refreshedAt,
    };
    return pending ? { ...applyPatch(state, pending), live } : { live };
  });
}
