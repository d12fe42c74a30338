import { formatBytes, plural } from '../../../protocol/format';
import { visibleText } from '../../../protocol/visible-text';
import type { KeptWords } from './cleanup-plan-view';
import type { CleanupRun } from './use-cleanup-run';
import { VirtualList } from './virtual-list';
import { VisibleText } from './visible-text';

/** While a cleanup runs: how many of how many, the bytes freed so far; a bar a screen reader reads too. */
export function CleanupProgress({ run }: { run: CleanupRun }) {
  return (
    <div className="cleanup-progress" data-testid="cleanup-progress" role="status">
      <progress max={run.total} value={run.done} aria-label="Removed so far" />
      <p>
        Removing… {run.done} of {run.total}, {formatBytes(run.bytesFreed)} freed
        {run.failed.length > 0 && `, ${plural(run.failed.length, 'failure')}`}
      </p>
    </div>
  );
}

/**
 * What the cleanup did, at the end or when it was stopped: removed, kept after the
 * re-check, failed (with the errno or CHANGED), and, if cancelled, how many were left.
 */
export function CleanupResultView({ run, keptWords }: { run: CleanupRun; keptWords: KeptWords }) {
  const left = run.total - run.done;
  return (
    <div className="cleanup-result" data-testid="cleanup-result" role="status">
      <p>
        {run.phase === 'cancelled' && `Cancelled: ${plural(left, 'segment')} of the plan left in place. `}
        Removed {plural(run.removed.length, 'segment')}, freed {formatBytes(run.bytesFreed)}.
        {run.failed.length > 0 && ` ${plural(run.failed.length, 'segment')} could not be removed.`}
      </p>
      {run.failed.length > 0 && (
        <VirtualList
          items={run.failed}
          keyOf={(failure) => failure.name}
          label="Failed"
          renderRow={(failure) => (
            <span className="plan-row__reason cleanup-failed" title={visibleText(failure.message)}>
              <VisibleText text={failure.name} name />:{' '}
              {failure.code === 'CHANGED' ? 'changed since the plan, left alone' : failure.code} (
              <VisibleText text={failure.message} />)
            </span>
          )}
        />
      )}
      {run.removed.length > 0 && (
        <details open={run.removed.length <= 20}>
          <summary>Removed: {plural(run.removed.length, 'segment')}</summary>
          <VirtualList
            items={run.removed}
            keyOf={(removed) => removed.name}
            label="Removed"
            renderRow={(removed) => (
              <span className="plan-row__reason">
                <VisibleText text={removed.name} name />: {formatBytes(removed.bytes)}
              </span>
            )}
          />
        </details>
      )}
      {run.kept.length > 0 && (
        <details>
          <summary>Kept: {plural(run.kept.length, 'segment')}</summary>
          <VirtualList
            items={run.kept}
            keyOf={(kept) => kept.name}
            label="Kept"
            renderRow={(kept) => (
              <span className="plan-row__reason">
                <VisibleText text={kept.name} name />: <VisibleText text={keptWords(kept)} />
              </span>
            )}
          />
        </details>
      )}
    </div>
  );
}
