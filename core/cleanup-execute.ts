import { statSync } from 'node:fs';
import {
  EntryColumns,
  NativeError,
  readProcessTable,
  scanEntryColumns,
  unlinkIfUnchanged,
  type UnlinkOutcome,
} from '../native';
import type { CleanupFailure, CleanupPlan, CleanupResult, PlannedRemoval } from '../protocol/cleanup';
import { decideRemoval } from './cleanup-plan';
import { markerOf } from './marker';
import { inInitialPidNamespace } from './pid-namespace';
import { indexProcesses, type ProcessIndex } from './process-index';
import { toSegment } from './scan-shm';
import { fsPath } from './fs-path';

/** What a plan would do, reported in the shape of a result and touching nothing. */
export function dryRunResult(plan: CleanupPlan): CleanupResult {
  return {
    dryRun: true,
    removed: plan.remove.map(({ name, bytes, size, reason }) => ({ name, bytes, size, reason })),
    kept: plan.keep,
    failed: plan.failed,
    bytesFreed: plan.remove.reduce((sum, item) => sum + item.bytes, 0),
  };
}

function changed(name: string, message: string): CleanupFailure {
  return { name, code: 'CHANGED', message: `${name}: ${message}; not removed` };
}

function nativeFailure(name: string, error: unknown): CleanupFailure {
  if (!(error instanceof NativeError)) throw error;
  return { name, code: error.code, message: `${name}: ${error.message}` };
}

/** A planned entry read again, or why it could not be. */
function readFresh(dir: string, name: string): EntryColumns | CleanupFailure {
  try {
    return scanEntryColumns(dir, name);
  } catch (error) {
    return nativeFailure(name, error);
  }
}

/** The PID a fresh entry's valid marker names, if any: its owner, looked up by PID in the fresh table. */
function ownerPidOf(fresh: EntryColumns | CleanupFailure): number[] {
  if (!(fresh instanceof EntryColumns)) return [];
  const marker = markerOf(fresh.tail(0));
  return marker?.valid ? [marker.pid] : [];
}

/**
 * Re-judges one planned removal from a fresh read of the entry, then unlinks it only if
 * the name still refers to the same inode. Returns null when it was removed.
 */
function removeOne(
  plan: CleanupPlan,
  item: PlannedRemoval,
  fresh: EntryColumns,
  processes: ProcessIndex,
  initialPidNamespace: boolean,
): CleanupFailure | null {
  if (fresh.dev(0) !== item.dev || fresh.inode(0) !== item.inode || fresh.birthTimeMs(0) !== item.birthTime) {
    return changed(item.name, 'replaced by another file since the plan was made');
  }
  const segment = toSegment(fresh, 0, processes, { initialPidNamespace });
  const decision = decideRemoval(segment, plan.options);
  if (!decision.remove) return changed(item.name, `no longer removable: ${decision.reason}`);
  if (segment.state !== item.state) return changed(item.name, `state changed from ${item.state} to ${segment.state}`);
  const outcome = unlinkIfUnchanged(plan.dir, item.name, {
    dev: item.dev,
    inode: item.inode,
    birthTimeMs: item.birthTime,
  });
  return unlinkFailure(item.name, outcome);
}

/** What an unlinkIfUnchanged outcome other than `removed` means as a failure; null when it was removed. */
export function unlinkFailure(name: string, outcome: UnlinkOutcome): CleanupFailure | null {
  switch (outcome) {
    case 'removed':
      return null;
    case 'missing':
      return { name, code: 'ENOENT', message: `${name} disappeared before it could be removed` };
    case 'changed':
      return changed(name, 'replaced by another file at the moment of removal');
    case 'not-regular':
      return changed(name, 'is no longer a regular file');
  }
}

/** Told of every removal attempted, as soon as it is decided: `failure` is null when it was removed. */
export type AttemptListener = (item: PlannedRemoval, failure: CleanupFailure | null) => void;

/**
 * Carries out a plan. Every removal is re-checked before its unlink against a fresh read
 * of the entry and a process table read after it (with the owners the fresh markers
 * name looked up by PID, as a scan does): same inode, same verdict, still removable
 * under the plan's options. A table that cannot be read for want of resources (EMFILE)
 * throws before anything is removed. Names come only from the plan, which came from
 * reading the directory, and the unlink is relative to that directory. `onAttempt` hears
 * of each attempt at once (for the audit log), so a later failure cannot hide an
 * earlier removal.
 */
export function executeCleanup(plan: CleanupPlan, onAttempt: AttemptListener = () => {}): CleanupResult {
  const failed: CleanupFailure[] = [...plan.failed];
  const removed: CleanupResult['removed'] = [];
  if (plan.remove.length > 0) {
    // Entries first, then the table: a live owner of an entry read is then in the table.
    const fresh = plan.remove.map((item) => ({ item, entry: readFresh(plan.dir, item.name) }));
    const owners = fresh.flatMap(({ entry }) => ownerPidOf(entry));
    const processes = indexProcesses(
      readProcessTable({ dev: statSync(fsPath(plan.dir)).dev, dir: plan.dir }, owners),
      process.pid,
    );
    const initialPidNamespace = inInitialPidNamespace();
    for (const { item, entry } of fresh) {
      let failure: CleanupFailure | null;
      if (!(entry instanceof EntryColumns)) {
        failure = entry;
      } else {
        try {
          failure = removeOne(plan, item, entry, processes, initialPidNamespace);
        } catch (error) {
          failure = nativeFailure(item.name, error);
        }
      }
      if (failure) failed.push(failure);
      else removed.push({ name: item.name, bytes: item.bytes, size: item.size, reason: item.reason });
      onAttempt(item, failure);
    }
  }
  return {
    dryRun: false,
    removed,
    kept: plan.keep,
    failed,
    bytesFreed: removed.reduce((sum, item) => sum + item.bytes, 0),
  };
}
