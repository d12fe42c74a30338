import type { ScanResult } from '../protocol/scan-result';
import type { FixtureExpectation } from './fixture';

/** What is wrong with a scan's judgement of the fixture (nothing: []); a wrong answer makes the run fail. */
export function scanProblems(
  what: string,
  result: Pick<ScanResult, 'segments'>,
  expected: FixtureExpectation,
): string[] {
  const count = (state: string): number => result.segments.filter((segment) => segment.state === state).length;
  const attached = result.segments.filter((segment) => segment.attached.length > 0).length;
  const seen = { segments: result.segments.length, stale: count('stale'), live: count('live'), attached };
  return (Object.keys(expected) as (keyof FixtureExpectation)[])
    .filter((key) => seen[key] !== expected[key])
    .map((key) => `${what}: expected ${expected[key]} ${key} segments, saw ${seen[key]}`);
}
