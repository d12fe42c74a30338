import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorValue, RequestOf, ResponseOf } from '../../../protocol/channels';
import { useHost } from '../host/host-context';
import { CleanupPlanView, type KeptWords } from './cleanup-plan-view';
import { CleanupSteps } from './cleanup-steps';
import { ProblemState } from './problem-state';
import { useCleanupRun, type CleanupRun } from './use-cleanup-run';

type Plan = ResponseOf<'plan-cleanup'>;
type PlanRequest = RequestOf<'plan-cleanup'>;

export interface PlannedCleanup {
  /** The last plan the engine answered, which may be for an earlier request. */
  plan: Plan | null;
  /** Whether `plan` (or `error`) answers the current request: only such a plan may be confirmed. */
  fresh: boolean;
  error: ErrorValue | null;
  run: CleanupRun | null;
  start: (plan: Plan) => Promise<void>;
  cancel: () => void;
}

/**
 * The flow both cleanup dialogs share: the engine plans `request` (memoize it: a new object
 * plans again), the user confirms, and the plan runs in batches (useCleanupRun).
 */
export function usePlannedCleanup(request: PlanRequest): PlannedCleanup {
  const host = useHost();
  const [answer, setAnswer] = useState<{ request: PlanRequest; plan: Plan | null; error: ErrorValue | null } | null>(
    null,
  );
  const { run, start, cancel } = useCleanupRun(host);

  useEffect(() => {
    let current = true;
    void host.request('plan-cleanup', request).then((result) => {
      // A newer request or a closed dialog makes this answer moot.
      if (!current) return;
      setAnswer(
        result.ok ? { request, plan: result.value, error: null } : { request, plan: null, error: result.error },
      );
    });
    return () => {
      current = false;
    };
  }, [host, request]);

  const fresh = answer?.request === request;
  return { plan: answer?.plan ?? null, fresh, error: fresh ? answer.error : null, run, start, cancel };
}

/**
 * A cleanup dialog's body: "Planning…" until the engine answers, `beforePlan` (what the
 * user may still change), the plan, then the steps (confirm, progress, summary).
 */
export function PlannedCleanupBody({
  flow,
  planning,
  beforePlan,
  keptWords,
  onClose,
}: {
  flow: PlannedCleanup;
  /** What the engine is judging, for the "Planning…" state. */
  planning: string;
  beforePlan?: ReactNode;
  keptWords: KeptWords;
  onClose: () => void;
}) {
  const { plan, fresh, error, run, start, cancel } = flow;
  const confirmable = fresh ? plan : null;
  return (
    <>
      {!fresh && <ProblemState tone="info" problem={{ title: 'Planning…', action: planning }} />}
      {plan && run === null && beforePlan}
      {confirmable && run === null && <CleanupPlanView plan={confirmable} keptWords={keptWords} />}
      <CleanupSteps
        plan={confirmable}
        run={run}
        error={error}
        onConfirm={(confirmed) => void start(confirmed)}
        onCancelRun={cancel}
        onClose={onClose}
        keptWords={keptWords}
      />
    </>
  );
}
