/**
 * Properties of the cleanup engine (plan, then execute) on real files in a scratch
 * directory on /dev/shm: whatever the directory holds and whatever the options say,
 * nothing outside the directory changes and nothing the rules do not allow is removed.
 */
import fc from 'fast-check';
import { rmSync, symlinkSync, unlinkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeCleanup } from '../../core/cleanup-execute';
import { planCleanup } from '../../core/cleanup-plan';
import { scanShm } from '../../core/scan-shm';
import type { CleanupPlan, PlannedRemoval } from '../../protocol/cleanup';
import { SEGMENT_STATES } from '../../protocol/scan-result';
import { fixtureSpecs, namePick, optionPicks, resolveName, resolveOptions } from '../support/cleanup-arbitraries';
import { checkAfterRun, expectedRemovals, removableUnder, snapshot } from '../support/cleanup-oracle';
import { cleanupWorldForFile, type CleanupWorld, isLink } from '../support/cleanup-world';
import { names, writeMarkerPid } from '../support/segments';

let world: CleanupWorld;
cleanupWorldForFile((started) => (world = started));

const scan = () => scanShm(world.scratch, { pools: false, memory: false });

describe('cleanup engine on real files (plan, then execute)', () => {
  it('plans exactly the entries the rules allow, with the designed states, and executing removes exactly those', () => {
    fc.assert(
      fc.property(fixtureSpecs(), optionPicks, (specs, picks) => {
        try {
          const fixture = world.build(specs);
          const options = resolveOptions(picks, world, fixture);
          const before = snapshot(world);
          const present = new Set(before.scratch.keys());
          const scanned = scan();
          for (const segment of scanned.segments) {
            expect(segment.state, segment.name).toBe(fixture.byName.get(segment.name)?.state);
          }
          const plan = planCleanup(scanned, options);
          const expected = expectedRemovals(fixture, present, options);
          expect(names(plan.remove)).toEqual(expected);
          expect(names([...plan.remove, ...plan.keep])).toEqual([...present].sort());
          expect(plan.failed.map((item) => item.name)).toEqual(options.force.filter((name) => !present.has(name)));

          const result = executeCleanup(plan);
          const { gone } = checkAfterRun(world, before, (name) => expected.includes(name));
          expect(gone).toEqual(expected);
          for (const kept of plan.keep) expect(gone, 'a kept entry was removed').not.toContain(kept.name);
          expect(names(result.removed)).toEqual(expected);
          expect(result.failed).toEqual(plan.failed);
          expect(result.bytesFreed).toBe(plan.remove.reduce((sum, item) => sum + item.bytes, 0));
        } finally {
          world.reset();
        }
      }),
      { numRuns: 120 },
    );
  });

  type Change = 'none' | 'replace' | 'map' | 'revive' | 'unlink' | 'to-symlink' | 'to-dir';
  const change = fc.constantFrom<Change>('none', 'replace', 'map', 'revive', 'unlink', 'to-symlink', 'to-dir');

  it('executes only planned entries that are still the same file in a removable state: never one replaced, newly held, revived or no longer a file', () => {
    fc.assert(
      fc.property(fixtureSpecs(), optionPicks, fc.array(change, { maxLength: 10 }), (specs, picks, changes) => {
        try {
          const fixture = world.build(specs);
          const options = resolveOptions(picks, world, fixture);
          const plan = planCleanup(scan(), options);
          const applied = new Map<string, Change>();
          plan.remove.forEach((item, index) => {
            const entry = fixture.byName.get(item.name);
            let what = changes[index] ?? 'none';
            // Rewriting a linked file's marker would change the sentinel it links to.
            if (what === 'revive' && (!entry || entry.spec.type !== 'segment')) what = 'none';
            applied.set(item.name, what);
            mutate(item.name, what);
          });
          // Mapping one link holds every link to the same inode.
          const heldTypes = new Set(
            [...applied].filter(([, what]) => what === 'map').map(([name]) => fixture.byName.get(name)?.spec.type),
          );
          const stillRemovable = (item: PlannedRemoval): boolean => {
            const entry = fixture.byName.get(item.name);
            const what = applied.get(item.name);
            if (!entry || (what !== 'none' && what !== 'map' && what !== 'revive')) return false;
            const held = entry.held || what === 'map' || (isLink(entry.spec) && heldTypes.has(entry.spec.type));
            // A marker names an owner only in a PulseAudio name; elsewhere the entry stays foreign.
            const state = what === 'revive' && entry.state !== 'foreign' ? 'live' : entry.state;
            return removableUnder({ ...entry, held, state }, options);
          };
          const expected = plan.remove.filter(stillRemovable).map((item) => item.name);
          const before = snapshot(world);
          const result = executeCleanup(plan);
          const { gone } = checkAfterRun(world, before, (name) => expected.includes(name));
          expect(gone).toEqual([...expected].sort());
          expect(names(result.removed)).toEqual([...expected].sort());
          for (const item of plan.remove) {
            if (expected.includes(item.name)) continue;
            const failure = result.failed.find((failed) => failed.name === item.name);
            expect(failure?.code, item.name).toBe(applied.get(item.name) === 'unlink' ? 'ENOENT' : 'CHANGED');
          }
        } finally {
          world.reset();
        }
      }),
      { numRuns: 100 },
    );
  });

  const oddNumber = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(-1, 0, Number.NaN, Number.MAX_SAFE_INTEGER + 1, 2 ** 64),
  );
  const craftedItem = fc.record({
    name: namePick,
    identity: fc.oneof(
      { weight: 3, arbitrary: fc.record({ of: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({ dev: oddNumber, inode: oddNumber, birthTime: fc.option(oddNumber) }),
      },
    ),
    state: fc.constantFrom(...SEGMENT_STATES),
  });

  it('a crafted plan removes only entries it names with their true identity and state, and only when the rules allow it', () => {
    fc.assert(
      fc.property(fixtureSpecs(), optionPicks, fc.array(craftedItem, { maxLength: 8 }), (specs, picks, crafted) => {
        try {
          const fixture = world.build(specs);
          const options = resolveOptions(picks, world, fixture);
          const scanned = scan();
          const identityOf = new Map(scanned.segments.map((segment) => [segment.name, segment]));
          const remove: PlannedRemoval[] = crafted.map((item) => {
            const name = resolveName(item.name, world, fixture);
            const source =
              'of' in item.identity
                ? scanned.segments[item.identity.of % Math.max(scanned.segments.length, 1)]
                : undefined;
            const identity =
              'of' in item.identity
                ? { dev: source?.dev ?? 0, inode: source?.inode ?? 0, birthTime: source?.birthTime ?? null }
                : item.identity;
            return { name, ...identity, state: item.state, bytes: 0, size: 0, reason: 'crafted' };
          });
          const plan: CleanupPlan = { dir: world.scratch, options, remove, keep: [], failed: [] };
          const qualifies = (item: PlannedRemoval): boolean => {
            const entry = fixture.byName.get(item.name);
            const seen = identityOf.get(item.name);
            return (
              entry !== undefined &&
              seen !== undefined &&
              seen.dev === item.dev &&
              seen.inode === item.inode &&
              seen.birthTime === item.birthTime &&
              entry.state === item.state &&
              removableUnder(entry, options)
            );
          };
          const expected = [...new Set(remove.filter(qualifies).map((item) => item.name))].sort();
          const before = snapshot(world);
          const result = executeCleanup(plan);
          const { gone } = checkAfterRun(world, before, (name) => expected.includes(name));
          expect(gone).toEqual(expected);
          expect([...new Set(result.removed.map((item) => item.name))].sort()).toEqual(expected);
          expect(result.removed.length + result.failed.length).toBe(remove.length);
        } finally {
          world.reset();
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** Changes one planned entry between the plan and its execution, as another process might. */
function mutate(name: string, what: string): void {
  const file = path.join(world.scratch, name);
  switch (what) {
    case 'replace': {
      const bytes = readFileSync(file);
      unlinkSync(file);
      writeFileSync(file, bytes, { mode: 0o600 });
      break;
    }
    case 'map':
      world.hold(file);
      break;
    case 'revive':
      writeMarkerPid(file, process.pid);
      break;
    case 'unlink':
      unlinkSync(file);
      break;
    case 'to-symlink':
      unlinkSync(file);
      symlinkSync(path.join(world.sentinel, world.staleTemplate), file);
      break;
    case 'to-dir':
      rmSync(file);
      mkdirSync(file);
      break;
  }
}
