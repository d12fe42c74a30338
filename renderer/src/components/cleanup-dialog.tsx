import { useEffect, useState } from 'react';
import type { ErrorValue, ResponseOf } from '../../../protocol/channels';
import type { KeptSegment } from '../../../protocol/cleanup';
import { useHost } from '../host/host-context';
import { CleanupPlanView } from './cleanup-plan-view';
import { CleanupSteps } from './cleanup-steps';
import { Dialog } from './dialog';
import { ProblemState } from './problem-state';
import { useCleanupRun } from './use-cleanup-run';

type Plan = ResponseOf<'plan-cleanup'>;

/**
 * A kept entry in this UI's words: the engine's cause, and for one that only a user's
 * say-so would remove, how to do that here (select it, then Remove), not the command line's --force.
 */
export function keptInUiWords(kept: KeptSegment): string {
  return kept.forceable ? `${kept.cause}; to remove it anyway, select its row and choose Remove…` : kept.cause;
}

/**
 * Cleanup in two steps, as the CLI does it: the engine plans (what goes, what stays and
 * why, the bytes freed), the user confirms, the engine executes that plan in batches,
 * re-judging each segment before it removes it, and the dialog shows the progress and
 * what happened.
 */
export function CleanupDialog({ onClose }: { onClose: () => void }) {
  const host = useHost();
  const [includeZombie, setIncludeZombie] = useState(false);
  const [includeReused, setIncludeReused] = useState(false);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<ErrorValue | null>(null);
  const { run, start, cancel } = useCleanupRun(host);

  useEffect(() => {
    let current = true;
    setPlan(null);
    setError(null);
    void host.request('plan-cleanup', { includeZombie, includeReused, force: [] }).then((result) => {
      // A newer plan (the options changed) or a closed dialog makes this answer moot.
      if (!current) return;
      if (result.ok) setPlan(result.value);
      else setError(result.error);
    });
    return () => {
      current = false;
    };
  }, [host, includeZombie, includeReused]);

  return (
    <Dialog title="Clean up stale segments" testId="cleanup-dialog" onClose={onClose}>
      {run === null && (
        <fieldset className="cleanup-options">
          <legend>Also remove</legend>
          <label className="choice">
            <input type="checkbox" checked={includeZombie} onChange={(e) => setIncludeZombie(e.target.checked)} />
            segments whose owner is a zombie (stale-zombie)
          </label>
          <label className="choice">
            <input type="checkbox" checked={includeReused} onChange={(e) => setIncludeReused(e.target.checked)} />
            segments whose owner PID was reused (stale-pid-reused)
          </label>
        </fieldset>
      )}
      {plan === null && error === null && (
        <ProblemState tone="info" problem={{ title: 'Planning…', action: 'The engine is judging every segment.' }} />
      )}
      {plan && run === null && <CleanupPlanView plan={plan} keptWords={keptInUiWords} />}
      <CleanupSteps
        plan={plan}
        run={run}
        error={error}
        onConfirm={(confirmed) => void start(confirmed)}
        onCancelRun={cancel}
        onClose={onClose}
        keptWords={keptInUiWords}
      />
    </Dialog>
  );
}
