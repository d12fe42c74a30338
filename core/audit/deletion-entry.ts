/**
 * What is recorded for every removal a cleanup attempts, whichever interface asked for
 * it: which file, why, and what happened.
 */
import type { AuditRecord } from '../../protocol/audit';
import type { CleanupFailure, PlannedRemoval } from '../../protocol/cleanup';
import { unlinkFailure } from '../cleanup-execute';
import type { LabRemoval } from '../lab/lab';

/** The interface a request came through. */
export type Interface = 'ipc' | 'websocket' | 'cli';

/**
 * What the log gets for one attempted removal: a record as protocol/audit.ts reads it back
 * (one definition of the fields), with the interface under its line's own key, `interface`,
 * and who removed it always known when written.
 */
export type DeletionEntry = Omit<AuditRecord, 'via' | 'uid' | 'pid'> & {
  interface: Interface;
  /** Who removed it: the user ID and PID of the process that did (the CLI, the browser host, the app). */
  uid: number;
  pid: number;
};

export type DeletionListener = (entry: DeletionEntry) => void;

/** The entry for one attempted removal: `failure` is null when the file was removed. */
export function deletionEntry(
  dir: string,
  item: Pick<PlannedRemoval, 'name' | 'dev' | 'inode' | 'reason' | 'bytes'>,
  failure: CleanupFailure | null,
  via: Interface,
  time: number,
): DeletionEntry {
  const { name, dev, inode, reason, bytes } = item;
  return {
    time,
    interface: via,
    uid: process.getuid?.() ?? -1,
    pid: process.pid,
    dir,
    name,
    dev,
    inode,
    reason,
    bytes,
    outcome: failure ? failure.code : 'removed',
    message: failure ? failure.message : null,
  };
}

/** The entry for a file the lab made and removed when the object was stopped. */
export function labDeletionEntry(dir: string, removal: LabRemoval, via: Interface, time: number): DeletionEntry {
  const { name, dev, inode, bytes, outcome } = removal;
  const reason = 'made by the lab, removed when its object stopped';
  return deletionEntry(dir, { name, dev, inode, reason, bytes }, unlinkFailure(name, outcome), via, time);
}
