import type { ErrorValue, ResponseOf } from '../../../protocol/channels';
import type { KeptWords } from './cleanup-plan-view';
import { CleanupProgress, CleanupResultView } from './cleanup-result-view';
import { describeProblem } from './describe-problem';
import { ProblemState } from './problem-state';
import type { CleanupRun } from './use-cleanup-run';

type Plan = ResponseOf<'plan-cleanup'>;

/**
 * The part of a cleanup dialog below its plan: progress while it runs, the summary at the
 * end, and the buttons (Remove while planning, Cancel while running, Close at the end).
 */
export function CleanupSteps({
  plan,
  run,
  error,
  onConfirm,
  onCancelRun,
  onClose,
  keptWords,
}: {
  keptWords: KeptWords;
  plan: Plan | null;
  run: CleanupRun | null;
  error: ErrorValue | null;
  onConfirm: (plan: Plan) => void;
  onCancelRun: () => void;
  onClose: () => void;
}) {
  const running = run?.phase === 'running';
  const ended = run !== null && !running;
  return (
    <>
      {running && <CleanupProgress run={run} />}
      {ended && <CleanupResultView run={run} keptWords={keptWords} />}
      {run?.error && <ProblemState tone="error" problem={describeProblem(run.error, null)} />}
      {error && <ProblemState tone="error" problem={describeProblem(error, null)} />}
      <div className="dialog__buttons">
        {running ? (
          <button type="button" data-testid="cleanup-cancel-run" onClick={onCancelRun}>
            Cancel
          </button>
        ) : (
          <button type="button" onClick={onClose}>
            {ended ? 'Close' : 'Cancel'}
          </button>
        )}
        {plan && run === null && (
          <button
            type="button"
            className="danger"
            data-testid="cleanup-confirm"
            disabled={plan.remove.length === 0}
            onClick={() => onConfirm(plan)}
          >
            Remove {plan.remove.length}
          </button>
        )}
      </div>
    </>
  );
}
