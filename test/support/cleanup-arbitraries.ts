/**
 * fast-check arbitraries for the cleanup properties: directory contents to build, and
 * names as a request might carry them, friendly or hostile. Names that depend on the
 * run (a fixture entry's name, a sentinel path) are generated as picks and resolved
 * against the world at run time, so counterexamples still shrink.
 */
import fc from 'fast-check';
import path from 'node:path';
import type { CleanupOptions } from '../../protocol/cleanup';
import {
  isDiskName,
  type CleanupWorld,
  type EntrySpec,
  type Fixture,
  type NamedSpec,
  type Owner,
} from './cleanup-world';

const held = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

export const entrySpec: fc.Arbitrary<EntrySpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('segment' as const),
      owner: fc.constantFrom<Owner>('dead', 'never', 'self', 'child', 'zombie'),
      held,
      dataSize: fc.oneof(fc.constantFrom(0, 1, 4096, 65536), fc.integer({ min: 0, max: 8192 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('reused-link' as const), held }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('stale-link' as const), held }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('bad-marker' as const),
      held,
      marker: fc.constantFrom('short', 'wrong-magic', 'zero-pid', 'negative-pid') as fc.Arbitrary<
        'short' | 'wrong-magic' | 'zero-pid' | 'negative-pid'
      >,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('plain' as const),
      held,
      content: fc.uint8Array({ minLength: 1, maxLength: 200 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('symlink' as const),
      target: fc.constantFrom(
        'sentinel-segment',
        'sentinel-dir',
        'relative-escape',
        'dangling',
        'itself',
      ) as fc.Arbitrary<'sentinel-segment' | 'sentinel-dir' | 'relative-escape' | 'dangling' | 'itself'>,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('subdir' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('fifo' as const) }) },
);

/** Names a directory can hold that are not PulseAudio's, or only look like it. */
const otherName = fc
  .oneof(
    fc.constantFrom(
      'foreign',
      '-rf',
      '--force',
      '--yes',
      ' ',
      'a b',
      'tab\there',
      'new\nline',
      '.hidden',
      '...',
      'pulse-shm-',
      'pulse-shm-4294967296',
      'pulse-shm-007',
      'pulse-shm--1',
      'PULSE-SHM-5',
      'pulse-shm-1.0',
      'pulse-shm-\u0661',
      'passwd',
      'x',
      'sem.pulse',
      'caf\u00e9',
      'cafe\u0301',
      '\u00e9'.repeat(127),
      'a'.repeat(255),
      '\u{1f600}'.repeat(63),
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  )
  .filter(isDiskName);

export const entryName = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map((id) => `pulse-shm-${id}`) },
  { weight: 1, arbitrary: otherName },
);

/** The contents of a scratch directory: up to `maxLength` entries with distinct names. */
export const fixtureSpecs = (maxLength = 10): fc.Arbitrary<NamedSpec[]> =>
  fc.uniqueArray(fc.record({ name: entryName, spec: entrySpec }), { selector: (entry) => entry.name, maxLength });

/** Strings that must never reach outside the directory, whatever they are passed as. */
export const HOSTILE_NAMES: readonly string[] = [
  '',
  '.',
  '..',
  '/',
  '//',
  '../',
  '../x',
  '../../etc/passwd',
  'a/b',
  '/etc/passwd',
  '/dev/shm',
  '/dev/shm/',
  '\0',
  'x\0',
  'pulse-shm-1\0',
  'pulse-shm-1/',
  './pulse-shm-1',
  '~',
  '*',
  'pulse-shm-*',
  '$(rm -rf /)',
  '..\\x',
  '%2e%2e',
  '\u2215etc',
  'a'.repeat(256),
  '\u00e9'.repeat(128),
  '\ud800',
  'pulse-shm-\ud800',
];

type Variant =
  'exact' | 'dot-slash' | 'trailing-slash' | 'dir-escape' | 'absolute' | 'upper' | 'padded' | 'nul' | 'nfd';

/** A name in a request: a fixture entry's (maybe bent), a sentinel's, or a literal. */
export type NamePick =
  | { entry: number; variant: Variant }
  | { sentinel: 'stale-template' | 'reused-template' | 'decoy' | 'directory'; form: 'bare' | 'relative' | 'absolute' }
  | { literal: string };

export const namePick: fc.Arbitrary<NamePick> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      entry: fc.nat(),
      variant: fc.oneof(
        { weight: 8, arbitrary: fc.constant<Variant>('exact') },
        {
          weight: 3,
          arbitrary: fc.constantFrom<Variant>(
            'dot-slash',
            'trailing-slash',
            'dir-escape',
            'absolute',
            'upper',
            'padded',
            'nul',
            'nfd',
          ),
        },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      sentinel: fc.constantFrom('stale-template', 'reused-template', 'decoy', 'directory') as fc.Arbitrary<
        'stale-template' | 'reused-template' | 'decoy' | 'directory'
      >,
      form: fc.constantFrom('bare', 'relative', 'absolute') as fc.Arbitrary<'bare' | 'relative' | 'absolute'>,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      literal: fc.oneof(
        fc.constantFrom(...HOSTILE_NAMES),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.string({ unit: 'grapheme', minLength: 250, maxLength: 260 }),
      ),
    }),
  },
);

/** The string a pick stands for in this run. */
export function resolveName(pick: NamePick, world: CleanupWorld, fixture: Fixture): string {
  if ('literal' in pick) return pick.literal;
  if ('sentinel' in pick) {
    const relative = {
      'stale-template': world.staleTemplate,
      'reused-template': world.reusedTemplate,
      decoy: path.join('cwd', world.decoys[0] ?? 'x'),
      directory: '.',
    }[pick.sentinel];
    const full = path.join(world.sentinel, relative);
    if (pick.form === 'absolute') return full;
    if (pick.form === 'relative') return path.relative(world.scratch, full);
    return path.basename(full);
  }
  const name = fixture.entries[pick.entry % Math.max(fixture.entries.length, 1)]?.name ?? 'pulse-shm-0';
  switch (pick.variant) {
    case 'exact':
      return name;
    case 'dot-slash':
      return `./${name}`;
    case 'trailing-slash':
      return `${name}/`;
    case 'dir-escape':
      return `../${path.basename(world.scratch)}/${name}`;
    case 'absolute':
      return path.join(world.scratch, name);
    case 'upper':
      return name.toUpperCase();
    case 'padded':
      return ` ${name}`;
    case 'nul':
      return `${name}\0`;
    case 'nfd':
      return name.normalize('NFD');
  }
}

export interface OptionPicks {
  includeZombie: boolean;
  includeReused: boolean;
  force: NamePick[];
}

export const optionPicks: fc.Arbitrary<OptionPicks> = fc.record({
  includeZombie: fc.boolean(),
  includeReused: fc.boolean(),
  force: fc.array(namePick, { maxLength: 5 }),
});

/**
 * Options as a request might carry them: mostly names of entries that are there (so
 * requests pass validation and plans get executed), sometimes any pick.
 */
export const requestOptionPicks: fc.Arbitrary<OptionPicks> = fc.record({
  includeZombie: fc.boolean(),
  includeReused: fc.boolean(),
  force: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(fc.record({ entry: fc.nat(), variant: fc.constant<Variant>('exact') }), { maxLength: 3 }),
    },
    { weight: 1, arbitrary: fc.array(namePick, { maxLength: 3 }) },
  ),
});

export function resolveOptions(picks: OptionPicks, world: CleanupWorld, fixture: Fixture): CleanupOptions {
  return {
    includeZombie: picks.includeZombie,
    includeReused: picks.includeReused,
    force: picks.force.map((pick) => resolveName(pick, world, fixture)),
  };
}
