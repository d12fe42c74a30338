import { describe, expect, it } from 'vitest';
import type { RawProcess, RawProcessTable } from '../native';
import { countUninspected, holdersIncomplete } from './holder-coverage';

const proc = (pid: number, uid: number, error: string | null, state = 'S'): RawProcess => ({
  pid,
  comm: 'x',
  state,
  ppid: 1,
  startTicks: 0,
  uid,
  mappings: [],
  fds: [],
  mapsError: error,
  fdsError: error,
});

const table = (processes: RawProcess[], extra: Partial<RawProcessTable> = {}): RawProcessTable => ({
  bootTimeMs: 0,
  ticksPerSecond: 100,
  processes,
  unreadable: [],
  hidepid: null,
  ...extra,
});

const USER = 1000;
const OTHER = 1001;

describe('holdersIncomplete', () => {
  it('is null when every process was inspected', () => {
    const uninspected = countUninspected(table([proc(1, 0, null), proc(2, USER, null)]), USER);
    expect(holdersIncomplete({ mode: 0o666, uid: USER }, uninspected)).toBeNull();
  });

  it('counts root’s uninspected processes for every segment, even one only its owner may open', () => {
    const uninspected = countUninspected(table([proc(1, 0, 'EACCES'), proc(2, USER, null)]), USER);
    expect(holdersIncomplete({ mode: 0o600, uid: USER }, uninspected)).toBe(
      'holders unknown: 1 process that could have opened it could not be inspected',
    );
  });

  it('counts another user’s processes only where the mode lets the group or others in', () => {
    const uninspected = countUninspected(table([proc(5, OTHER, 'EACCES'), proc(6, OTHER, 'EACCES')]), USER);
    expect(holdersIncomplete({ mode: 0o600, uid: USER }, uninspected)).toBeNull();
    expect(holdersIncomplete({ mode: 0o640, uid: USER }, uninspected)).toContain('2 processes');
    expect(holdersIncomplete({ mode: 0o604, uid: USER }, uninspected)).toContain('2 processes');
    expect(holdersIncomplete({ mode: 0o600, uid: OTHER }, uninspected)).toContain('2 processes');
  });

  it('leaves out exited processes (nothing mapped) and counts unreadable ones as anyone’s', () => {
    const uninspected = countUninspected(
      table([proc(7, OTHER, 'EACCES', 'Z')], { unreadable: [{ pid: 8, code: 'EPERM', hidepid: null }] }),
      USER,
    );
    expect(uninspected.total).toBe(1);
    expect(holdersIncomplete({ mode: 0o600, uid: USER }, uninspected)).toContain('1 process ');
  });

  it('run as root, counts what it could not read but leaves every segment’s holders known', () => {
    const uninspected = countUninspected(table([proc(1, 0, 'EACCES')]), 0);
    expect(uninspected.total).toBe(1);
    expect(holdersIncomplete({ mode: 0o666, uid: USER }, uninspected)).toBeNull();
  });

  it('says a hidepid /proc may hide holders, unless the scan runs as root', () => {
    const hidden = table([], { hidepid: 'invisible' });
    expect(holdersIncomplete({ mode: 0o600, uid: USER }, countUninspected(hidden, USER))).toBe(
      "holders unknown: /proc (hidepid=invisible) hides other users' processes",
    );
    expect(holdersIncomplete({ mode: 0o600, uid: USER }, countUninspected(hidden, 0))).toBeNull();
  });
});
