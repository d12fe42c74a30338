/**
 * Cleanup plans a host made and may execute: kept under a random id so a host can only
 * execute a plan the engine itself made, never one it sends.
 */
import { randomUUID } from 'node:crypto';
import type { CleanupPlan } from '../../protocol/cleanup';

/** Plans kept: a user reviews one or two at a time; older ones must be made again. */
export const KEPT_PLANS = 20;

export class PlanStore {
  private readonly plans = new Map<string, CleanupPlan>();

  constructor(private readonly limit = KEPT_PLANS) {}

  add(plan: CleanupPlan): string {
    const id = randomUUID();
    this.plans.set(id, plan);
    for (const oldest of this.plans.keys()) {
      if (this.plans.size <= this.limit) break;
      this.plans.delete(oldest);
    }
    return id;
  }

  /**
   * The next `limit` removals of a plan (all of them without a limit) as a plan of their
   * own, with what the plan keeps and its failures in the first batch only. The rest stays
   * under the same id; the last batch removes the plan: each removal is executed at most once.
   */
  takeBatch(id: string, limit: number | undefined): { plan: CleanupPlan; remaining: number } | null {
    const plan = this.plans.get(id);
    if (!plan) return null;
    if (limit === undefined || limit >= plan.remove.length) {
      this.plans.delete(id);
      return { plan, remaining: 0 };
    }
    const rest = plan.remove.slice(limit);
    this.plans.set(id, { ...plan, remove: rest, keep: [], failed: [] });
    return { plan: { ...plan, remove: plan.remove.slice(0, limit) }, remaining: rest.length };
  }
}
