// Types of build-targets.js, for the test suites that share its staleness check.
export type TargetName = 'addon' | 'cli' | 'app' | 'renderer';

export interface Target {
  what: string;
  output: string;
  remake: string;
}

export const TARGETS: Record<TargetName, Target>;

export function addonInputs(root: string): string[];

export function staleTargets(
  root: string,
  names: readonly TargetName[],
): (Target & { name: TargetName; reason: string })[];

export function writeBuildRecord(root: string, name: TargetName, startedAt: number, inputs: Iterable<string>): void;
