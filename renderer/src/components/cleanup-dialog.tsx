import { useEffect, useState } from 'react';
import type { ErrorValue, ResponseOf } from '../../../protocol/channels';
import type { CleanupResult } from '../../../protocol/cleanup';
import { useHost } from '../host/host-context';
import { CleanupPlanView } from './cleanup-plan-view';
import { CleanupResultView } from './cleanup-result-view';
import { describeProblem } from './describe-problem';
import { Dialog } from './dialog';
import { ProblemState } from './problem-state';

type Plan = ResponseOf<'plan-cleanup'>;

type Step =
  | { step: 'planning' }
  | { step: 'plan'; plan: Plan }
  | { step: 'executing'; plan: Plan }
  | { step: 'done'; result: CleanupResult }
  | { step: 'failed'; error: ErrorValue };

/**
 * Cleanup in two steps, as the CLI does it: the engine plans (what goes, what stays and
 * why, the bytes freed), the user confirms, the engine executes that plan, re-judging
 * each segment before it removes it, and the dialog shows what happened.
 */
export function CleanupDialog({ onClose }: { onClose: () => void }) {
  const host = useHost();
  const [includeZombie, setIncludeZombie] = useState(false);
  const [includeReused, setIncludeReused] = useState(false);
  const [step, setStep] = useState<Step>({ step: 'planning' });

  useEffect(() => {
    let current = true;
    setStep({ step: 'planning' });
    void host.request('plan-cleanup', { includeZombie, includeReused, force: [] }).then((result) => {
      // A newer plan (the options changed) or a closed dialog makes this answer moot.
      if (current) setStep(result.ok ? { step: 'plan', plan: result.value } : { step: 'failed', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [host, includeZombie, includeReused]);

  const confirm = async (plan: Plan) => {
    setStep({ step: 'executing', plan });
    const result = await host.request('execute-cleanup', { planId: plan.planId });
    setStep(result.ok ? { step: 'done', result: result.value } : { step: 'failed', error: result.error });
  };

  const planning = step.step === 'planning' || step.step === 'plan';
  return (
    <Dialog title="Clean up stale segments" testId="cleanup-dialog" onClose={onClose}>
      {planning && (
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
      {step.step === 'planning' && (
        <ProblemState tone="info" problem={{ title: 'Planning…', action: 'The engine is judging every segment.' }} />
      )}
      {(step.step === 'plan' || step.step === 'executing') && <CleanupPlanView plan={step.plan} />}
      {step.step === 'done' && <CleanupResultView result={step.result} />}
      {step.step === 'failed' && <ProblemState tone="error" problem={describeProblem(step.error, null)} />}
      <div className="dialog__buttons">
        <button type="button" onClick={onClose}>
          {step.step === 'done' ? 'Close' : 'Cancel'}
        </button>
        {(step.step === 'plan' || step.step === 'executing') && (
          <button
            type="button"
            className="danger"
            data-testid="cleanup-confirm"
            disabled={step.step === 'executing' || step.plan.remove.length === 0}
            onClick={() => void confirm(step.plan)}
          >
            {step.step === 'executing' ? 'Removing…' : `Remove ${step.plan.remove.length}`}
          </button>
        )}
      </div>
    </Dialog>
  );
}
