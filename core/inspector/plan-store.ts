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

  /** The plan, removed from the store: a plan is executed at most once. */
  take(id: string): CleanupPlan | null {
    const plan = this.plans.get(id) ?? null;
    this.plans.delete(id);
    return plan;
  }
}
