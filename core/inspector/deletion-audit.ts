/**
 * What the Inspector reports for every removal it attempts, for an audit log: which
 * file, through which interface, why, and what happened.
 */
import type { CleanupPlan, CleanupResult } from '../../protocol/cleanup';
import type { RequestContext } from './inspector-api';

export interface DeletionEntry {
  /** ms since the epoch, when the execution finished. */
  time: number;
  via: RequestContext['via'];
  name: string;
  dev: number;
  inode: number;
  /** Why the plan removes it. */
  reason: string;
  /** Bytes it had allocated when planned (what removing it frees). */
  bytes: number;
  /** `removed`, or the failure's code: CHANGED, ENOENT, EACCES... */
  outcome: string;
  /** The failure's message, or null when it was removed. */
  message: string | null;
}

export type DeletionListener = (entry: DeletionEntry) => void;

/** One entry per planned removal, with the outcome the execution reported for it. */
export function deletionEntries(
  plan: CleanupPlan,
  result: CleanupResult,
  via: RequestContext['via'],
  time: number,
): DeletionEntry[] {
  const removed = new Set(result.removed.map((item) => item.name));
  const failures = new Map(result.failed.map((failure) => [failure.name, failure]));
  return plan.remove.map(({ name, dev, inode, reason, bytes }) => {
    const failure = removed.has(name) ? undefined : failures.get(name);
    return {
      time,
      via,
      name,
      dev,
      inode,
      reason,
      bytes,
      outcome: removed.has(name) ? 'removed' : (failure?.code ?? 'not-attempted'),
      message: failure?.message ?? null,
    };
  });
}
