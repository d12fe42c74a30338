import { describe, expect, it } from 'vitest';
import type { CleanupOptions } from '../protocol/cleanup';
import type { ScanResult, Segment, SegmentState } from '../protocol/scan-result';
import { decideRemoval, planCleanup, removalClass, type SegmentFacts } from './cleanup-plan';

const facts = (name: string, state: SegmentState, overrides: Partial<SegmentFacts> = {}): SegmentFacts => ({
  name,
  kind: 'file',
  size: 65576,
  allocated: 4096,
  dev: 26,
  inode: name.length,
  mode: 0o700,
  uid: 0,
  gid: 0,
  birthTime: 0,
  mtime: 0,
  pulse: true,
  state,
  reason: `why ${name}`,
  marker: null,
  owner: null,
  attached: [],
  holdersIncomplete: null,
  error: null,
  pool: null,
  ...overrides,
});
const segment = (name: string, state: SegmentState, overrides: Partial<SegmentFacts> = {}): Segment => {
  const judged = facts(name, state, overrides);
  return { ...judged, removal: removalClass(judged) };
};
const defaults: CleanupOptions = { includeZombie: false, includeReused: false, force: [] };
const mapped = { attached: [{ pid: 42, comm: 'paplay', access: 'rw' as const, via: ['map' as const] }] };

describe('decideRemoval', () => {
  it('removes only unheld stale segments by default', () => {
    expect(decideRemoval(segment('a', 'stale'), defaults).remove).toBe(true);
    for (const state of ['live', 'stale-zombie', 'stale-pid-reused', 'unverifiable', 'no-marker', 'foreign'] as const) {
      expect(decideRemoval(segment('a', state), defaults).remove, state).toBe(false);
    }
  });

  it('keeps a stale segment a live process still maps, naming the process', () => {
    const decision = decideRemoval(segment('a', 'stale', mapped), defaults);
    expect(decision.remove).toBe(false);
    expect(decision.reason).toContain('still held by PID 42 (paplay, rw)');
  });

  it('keeps a stale segment whose holders are not all known (holdersIncomplete) unless it is forced by name', () => {
    const unknown = segment('a', 'stale', { holdersIncomplete: 'holders unknown: 3 processes ...' });
    const decision = decideRemoval(unknown, { ...defaults, includeZombie: true, includeReused: true });
    expect(decision.remove).toBe(false);
    expect(decision.reason).toContain('holders unknown: 3 processes');
    expect(decision.reason).toContain('--force');
    expect(decideRemoval(segment('a', 'stale-zombie', unknown), { ...defaults, includeZombie: true }).remove).toBe(
      false,
    );
    expect(decideRemoval(unknown, { ...defaults, force: ['a'] }).remove).toBe(true);
  });

  it('removes zombie-owned and reused-PID segments only when included', () => {
    expect(decideRemoval(segment('a', 'stale-zombie'), { ...defaults, includeZombie: true }).remove).toBe(true);
    expect(decideRemoval(segment('a', 'stale-zombie'), { ...defaults, includeReused: true }).remove).toBe(false);
    expect(decideRemoval(segment('a', 'stale-pid-reused'), { ...defaults, includeReused: true }).remove).toBe(true);
    expect(decideRemoval(segment('a', 'stale-pid-reused'), defaults).reason).toContain('--include reused');
  });

  it('removes mapped, unverifiable, no-marker and foreign segments only when forced by name', () => {
    const forced = { ...defaults, force: ['a'] };
    for (const target of [
      segment('a', 'stale', mapped),
      segment('a', 'unverifiable'),
      segment('a', 'no-marker'),
      segment('a', 'foreign'),
    ]) {
      expect(decideRemoval(target, forced).remove, target.state).toBe(true);
      expect(decideRemoval({ ...target, name: 'b' }, forced).remove, target.state).toBe(false);
    }
  });

  it('never removes a live segment or an entry that is not a regular file, even when forced', () => {
    const forced = { ...defaults, force: ['a'] };
    expect(decideRemoval(segment('a', 'live'), forced)).toEqual({
      remove: false,
      reason: 'forced, but live: why a',
      cause: 'forced, but live: why a',
    });
    expect(decideRemoval(segment('a', 'foreign', { kind: 'dir' }), forced).remove).toBe(false);
    expect(decideRemoval(segment('a', 'stale', { kind: 'symlink' }), forced).remove).toBe(false);
  });
});

describe('planCleanup', () => {
  const scan: ScanResult = {
    ...emptyScan(),
    segments: [
      segment('pulse-shm-1', 'stale'),
      segment('pulse-shm-2', 'live'),
      segment('pulse-shm-3', 'stale', mapped),
    ],
  };

  it('lists what goes with bytes and what stays with why', () => {
    const plan = planCleanup(scan, defaults);
    expect(plan.remove).toEqual([
      {
        name: 'pulse-shm-1',
        dev: 26,
        inode: 11,
        birthTime: 0,
        state: 'stale',
        bytes: 4096,
        size: 65576,
        reason: 'why pulse-shm-1',
      },
    ]);
    expect(plan.keep.map((item) => item.name)).toEqual(['pulse-shm-2', 'pulse-shm-3']);
    expect(plan.failed).toEqual([]);
    expect(plan.options).toBe(defaults);
  });

  it('fails a forced name that is not in the directory', () => {
    const plan = planCleanup(scan, { ...defaults, force: ['pulse-shm-9'] });
    expect(plan.failed).toEqual([{ name: 'pulse-shm-9', code: 'ENOENT', message: 'pulse-shm-9 is not in /dev/shm' }]);
  });
});

describe('kept entries, for every interface', () => {
  it('carry their cause apart from the command line’s advice, and whether forcing would remove them', () => {
    const held = { attached: [{ pid: 12, comm: 'x', access: 'rw' as const, via: ['map' as const] }] };
    const cases: [Segment, boolean][] = [
      [segment('a', 'foreign'), true],
      [segment('b', 'no-marker'), true],
      [segment('c', 'unverifiable'), true],
      [segment('d', 'stale-zombie'), true],
      [segment('e', 'stale-pid-reused'), true],
      [segment('f', 'stale', held), true],
      [segment('g', 'stale', { holdersIncomplete: 'holders unknown: 3 processes could not be inspected' }), true],
      [segment('h', 'live'), false],
    ];
    const entries = cases.map(([entry]) => entry);
    const plan = planCleanup({ ...emptyScan(), segments: entries }, defaults);
    expect(plan.keep.map((kept) => [kept.name, kept.forceable])).toEqual(cases.map(([entry, f]) => [entry.name, f]));
    for (const kept of plan.keep) {
      expect(kept.cause, kept.name).not.toContain('--');
      expect(kept.reason.startsWith(kept.cause), kept.name).toBe(true);
    }
    expect(plan.keep.find((kept) => kept.name === 'f')?.cause).toContain('still held by PID 12 (x, rw)');
  });
});

describe('the removal class sent with each segment', () => {
  it('says which cleanup removes it, by the same rule as the plans', () => {
    const held = { attached: [{ pid: 12, comm: 'x', access: 'ro' as const, via: ['fd' as const] }] };
    const cases: [SegmentFacts, string][] = [
      [facts('a', 'stale'), 'default'],
      [facts('b', 'stale-zombie'), 'opt-in'],
      [facts('c', 'stale-pid-reused'), 'opt-in'],
      [facts('d', 'stale', held), 'named'],
      [facts('e', 'stale', { holdersIncomplete: 'holders unknown: 3 processes could not be inspected' }), 'named'],
      [facts('f', 'stale-zombie', held), 'named'],
      [facts('g', 'foreign'), 'named'],
      [facts('h', 'no-marker'), 'named'],
      [facts('i', 'unverifiable'), 'named'],
      [facts('j', 'live'), 'never'],
      [facts('k', 'stale', { kind: 'dir' }), 'never'],
    ];
    expect(cases.map(([entry]) => [entry.name, removalClass(entry)])).toEqual(cases.map(([e, c]) => [e.name, c]));
    // A plain plan removes exactly the `default` ones; including zombies and reused PIDs adds the `opt-in` ones.
    const scan = { ...emptyScan(), segments: cases.map(([entry]) => segment(entry.name, entry.state, entry)) };
    const removed = (options: CleanupOptions) => planCleanup(scan, options).remove.map((entry) => entry.name);
    expect(removed(defaults)).toEqual(['a']);
    expect(removed({ ...defaults, includeZombie: true, includeReused: true })).toEqual(['a', 'b', 'c']);
  });
});

function emptyScan(): ScanResult {
  return {
    dir: '/dev/shm',
    scannedAt: 0,
    capacity: { total: 0, used: 0, free: 0 },
    initialPidNamespace: true,
    uninspectedProcesses: 0,
    procHidepid: null,
    memfds: [],
    deleted: [],
    findings: [],
    segments: [],
  };
}
