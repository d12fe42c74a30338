import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorValue, InspectorHost, ResponseOf } from '../../../protocol/channels';
import type { CleanupFailure, CleanupResult, KeptSegment } from '../../../protocol/cleanup';
import { noteCleanupRun } from '../store/audit-actions';
import { useInspectorStore } from '../store/store-context';

type Plan = ResponseOf<'plan-cleanup'>;

/**
 * Removals per request: small enough that progress moves and Cancel answers within a
 * fraction of a second, large enough that 5,000 segments take a few dozen requests (each
 * re-reads the process table and rescans).
 */
export const BATCH = 100;

export interface CleanupRun {
  /** Removals attempted so far, of `total`. */
  done: number;
  total: number;
  removed: CleanupResult['removed'];
  failed: CleanupFailure[];
  kept: KeptSegment[];
  bytesFreed: number;
  /** running: between requests or in one; cancelled: stopped by the user before the end. */
  phase: 'running' | 'finished' | 'cancelled' | 'failed';
  /** Why the run stopped early (the host refused a batch), or null. */
  error: ErrorValue | null;
}

function started(plan: Plan): CleanupRun {
  return {
    done: 0,
    total: plan.remove.length,
    removed: [],
    failed: [],
    kept: [],
    bytesFreed: 0,
    phase: 'running',
    error: null,
  };
}

function withBatch(run: CleanupRun, batch: ResponseOf<'execute-cleanup'>): CleanupRun {
  const removed = [...run.removed, ...batch.removed];
  const failed = [...run.failed, ...batch.failed];
  return {
    ...run,
    removed,
    failed,
    kept: [...run.kept, ...batch.kept],
    bytesFreed: run.bytesFreed + batch.bytesFreed,
    done: run.total - batch.remaining,
    phase: batch.remaining === 0 ? 'finished' : run.phase,
  };
}

/**
 * Executes a plan in batches of BATCH, so that the dialog can show "n of N" and the bytes
 * freed as they grow, and stop between two batches when the user cancels. The engine
 * re-checks and audits every removal in every batch as it would in one.
 */
export function useCleanupRun(host: InspectorHost): {
  run: CleanupRun | null;
  start: (plan: Plan) => Promise<void>;
  cancel: () => void;
} {
  const store = useInspectorStore();
  const [run, setRun] = useState<CleanupRun | null>(null);
  const cancelled = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      // A dialog closed mid-run stops the run, as Cancel does.
      mounted.current = false;
      cancelled.current = true;
    };
  }, []);

  const start = useCallback(
    async (plan: Plan) => {
      cancelled.current = false;
      let current = started(plan);
      setRun(current);
      for (;;) {
        const answer = await host.request('execute-cleanup', { planId: plan.planId, limit: BATCH });
        if (!mounted.current) {
          noteCleanupRun(store);
          return;
        }
        if (!answer.ok) {
          current = { ...current, phase: 'failed', error: answer.error };
        } else {
          current = withBatch(current, answer.value);
          if (current.phase === 'running' && cancelled.current) current = { ...current, phase: 'cancelled' };
        }
        setRun(current);
        if (current.phase !== 'running') {
          // Whatever it removed is in the audit log now: the Audit log tab reads it again.
          noteCleanupRun(store);
          return;
        }
      }
    },
    [host, store],
  );

  const cancel = useCallback(() => {
    cancelled.current = true;
  }, []);

  return { run, start, cancel };
}
