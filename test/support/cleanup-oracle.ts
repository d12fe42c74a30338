/**
 * What a cleanup may do to a generated fixture, worked out from the design (README
 * "States" and "clean"), and the checks every cleanup property makes after a run.
 */
import { expect } from 'vitest';
import type { CleanupOptions } from '../../protocol/cleanup';
import { describeEntries, type BuiltEntry, type CleanupWorld, type Fixture } from './cleanup-world';

/**
 * Whether the rules allow removing `entry` under `options`: only regular files, never a
 * live one; a forced name goes whatever else holds it; otherwise only unheld stale
 * segments, and zombie or reused owners when included.
 */
export function removableUnder(entry: BuiltEntry, options: CleanupOptions): boolean {
  if (!entry.regular || entry.state === 'live') return false;
  if (options.force.includes(entry.name)) return true;
  if (entry.held) return false;
  return (
    entry.state === 'stale' ||
    (entry.state === 'stale-zombie' && options.includeZombie) ||
    (entry.state === 'stale-pid-reused' && options.includeReused)
  );
}

/** The names a correct cleanup of the `present` entries removes under `options`, sorted. */
export function expectedRemovals(fixture: Fixture, present: ReadonlySet<string>, options: CleanupOptions): string[] {
  return fixture.entries
    .filter((entry) => present.has(entry.name) && removableUnder(entry, options))
    .map((entry) => entry.name)
    .sort();
}

/** The state of the world before a run, to compare with after it. */
export interface Before {
  outside: Map<string, string>;
  scratch: Map<string, string>;
}

export function snapshot(world: CleanupWorld): Before {
  return { outside: world.describeOutside(), scratch: describeEntries(world.scratch) };
}

export interface AfterRun {
  /** Names that are gone from the scratch directory (not replaced: gone). */
  gone: string[];
  /** Names that appeared. */
  added: string[];
}

/**
 * The checks after every run: nothing outside the scratch directory changed (sentinel
 * files, links' targets, the working directory), nothing left in it changed, and every
 * entry that went is one `mayRemove` allows.
 */
export function checkAfterRun(
  world: CleanupWorld,
  before: Before,
  mayRemove: (name: string) => boolean,
  mayAdd: (name: string) => boolean = () => false,
): AfterRun {
  expect(world.describeOutside(), 'the sentinel directory changed').toEqual(before.outside);
  const after = describeEntries(world.scratch);
  const gone: string[] = [];
  for (const [name, description] of before.scratch) {
    const now = after.get(name);
    if (now === undefined) {
      gone.push(name);
      expect(mayRemove(name), `${JSON.stringify(name)} was removed, and nothing allowed it`).toBe(true);
    } else {
      expect(now, `${JSON.stringify(name)} was kept, but changed`).toBe(description);
    }
  }
  const added = [...after.keys()].filter((name) => !before.scratch.has(name));
  for (const name of added) expect(mayAdd(name), `${JSON.stringify(name)} appeared`).toBe(true);
  return { gone: gone.sort(), added };
}
