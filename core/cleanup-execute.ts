import { statSync } from 'node:fs';
import { NativeError, readProcessTable, scanEntryColumns, unlinkIfUnchanged, type UnlinkOutcome } from '../native';
import type { CleanupFailure, CleanupPlan, CleanupResult, PlannedRemoval } from '../protocol/cleanup';
import { decideRemoval } from './cleanup-plan';
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

/**
 * Re-judges one planned removal from a fresh read of the entry, then unlinks it only if
 * the name still refers to the same inode. Returns null when it was removed.
 */
function removeOne(
  plan: CleanupPlan,
  item: PlannedRemoval,
  processes: ProcessIndex,
  initialPidNamespace: boolean,
): CleanupFailure | null {
  const fresh = scanEntryColumns(plan.dir, item.name);
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
 * Carries out a plan. Every removal is re-checked right before its unlink against a
 * fresh process table and a fresh read of the entry: same inode, same verdict, still
 * removable under the plan's options. Names come only from the plan, which came from
 * reading the directory, and the unlink is relative to that directory. `onAttempt` hears
 * of each attempt at once (for the audit log), so a later failure cannot hide an
 * earlier removal.
 */
export function executeCleanup(plan: CleanupPlan, onAttempt: AttemptListener = () => {}): CleanupResult {
  const failed: CleanupFailure[] = [...plan.failed];
  const removed: CleanupResult['removed'] = [];
  if (plan.remove.length > 0) {
    const processes = indexProcesses(
      readProcessTable({ dev: statSync(fsPath(plan.dir)).dev, dir: plan.dir }),
      process.pid,
    );
    const initialPidNamespace = inInitialPidNamespace();
    for (const item of plan.remove) {
      let failure: CleanupFailure | null;
      try {
        failure = removeOne(plan, item, processes, initialPidNamespace);
      } catch (error) {
        if (!(error instanceof NativeError)) throw error;
        failure = { name: item.name, code: error.code, message: `${item.name}: ${error.message}` };
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
