import { describe, expect, it } from 'vitest';
import type { Attachment, Marker } from '../protocol/scan-result';
import { classifySegment, PID_REUSE_MARGIN_MS, type SegmentFacts } from './classify-segment';
import type { ProcessInfo } from './process-index';

const BIRTH = Date.UTC(2026, 10, 27, 4, 0, 0);
const marker = (pid: number): Marker => ({ valid: true, magic: 0xbeefcafe, pid, hex: '' });
const facts = (overrides: Partial<SegmentFacts> = {}): SegmentFacts => ({
  name: 'pulse-shm-1234',
  kind: 'file',
  size: 67108904,
  birthTime: BIRTH,
  marker: marker(3349),
  readError: null,
  ...overrides,
});
const proc = (overrides: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid: 3349,
  ppid: 1,
  comm: 'pulseaudio',
  state: 'S',
  uid: 0,
  startTime: BIRTH - 5000,
  ...overrides,
});
const holder = (pid: number): Attachment => ({ pid, comm: 'x', access: 'rw', via: ['map'] });
const initial = { initialPidNamespace: true };
const child = { initialPidNamespace: false };

describe('classifySegment', () => {
  it('is live when the owner runs and started before the segment', () => {
    expect(classifySegment(facts(), proc(), [], initial)).toEqual({
      state: 'live',
      reason: 'owner PID 3349 (pulseaudio) is running and started before the segment was created',
    });
  });

  it('is live when the owner maps it, whatever the clock says', () => {
    const verdict = classifySegment(facts(), proc({ startTime: BIRTH + 3_600_000 }), [holder(3349)], initial);
    expect(verdict).toEqual({ state: 'live', reason: 'owner PID 3349 (pulseaudio) is running and maps it' });
  });

  it('is stale when the owner PID no longer exists', () => {
    expect(classifySegment(facts(), undefined, [], initial)).toEqual({
      state: 'stale',
      reason: 'owner PID 3349 no longer exists',
    });
  });

  it('is stale-zombie when the owner exited but was not reaped (PulseAudio keeps these)', () => {
    const verdict = classifySegment(facts(), proc({ state: 'Z' }), [], initial);
    expect(verdict.state).toBe('stale-zombie');
    expect(verdict.reason).toContain('zombie');
  });

  it('is stale-pid-reused when the PID belongs to a process started after the segment', () => {
    const late = proc({ comm: 'bash', startTime: BIRTH + PID_REUSE_MARGIN_MS + 1 });
    const verdict = classifySegment(facts(), late, [holder(999)], initial);
    expect(verdict.state).toBe('stale-pid-reused');
    expect(verdict.reason).toContain('PID 3349 now belongs to bash');
  });

  it('does not call a PID reused within the clock margin', () => {
    const close = proc({ startTime: BIRTH + PID_REUSE_MARGIN_MS });
    expect(classifySegment(facts(), close, [], initial).state).toBe('live');
  });

  it('cannot judge reuse without a birth time, and says so', () => {
    const verdict = classifySegment(facts({ birthTime: null }), proc({ startTime: BIRTH + 10_000 }), [], initial);
    expect(verdict.state).toBe('live');
    expect(verdict.reason).toContain('PID reuse cannot be judged');
  });

  it('turns every stale verdict into unverifiable in a child PID namespace', () => {
    for (const owner of [undefined, proc({ state: 'Z' }), proc({ startTime: BIRTH + 60_000 })]) {
      const verdict = classifySegment(facts(), owner, [], child);
      expect(verdict.state).toBe('unverifiable');
      expect(verdict.reason).toContain('child PID namespace');
    }
    expect(classifySegment(facts(), proc(), [], child).state).toBe('live');
  });

  it('is no-marker for PulseAudio names without a valid marker, with the reason', () => {
    expect(classifySegment(facts({ marker: null, size: 10 }), undefined, [], initial)).toEqual({
      state: 'no-marker',
      reason: 'smaller than the 40-byte marker',
    });
    const bad = { ...marker(0), valid: false };
    expect(classifySegment(facts({ marker: bad }), undefined, [], initial).reason).toBe('marker names PID 0');
    expect(classifySegment(facts({ readError: 'EACCES' }), undefined, [], initial)).toEqual({
      state: 'no-marker',
      reason: 'marker could not be read (EACCES)',
    });
  });

  it('is foreign for other names and for entries that are not files, even with a marker', () => {
    expect(classifySegment(facts({ name: 'sem.x' }), undefined, [], initial).state).toBe('foreign');
    expect(classifySegment(facts({ name: 'pulse-shm-99999999999' }), undefined, [], initial).state).toBe('foreign');
    expect(classifySegment(facts({ kind: 'dir' }), undefined, [], initial)).toEqual({
      state: 'foreign',
      reason: 'a directory, not a segment',
    });
  });
});

describe('classifySegment with an owner that could not be read', () => {
  it('is unverifiable, never stale, when /proc/<pid> gives EACCES, and says so', () => {
    const verdict = classifySegment(facts(), { pid: 3349, code: 'EACCES', hidepid: null }, [], initial);
    expect(verdict).toEqual({
      state: 'unverifiable',
      reason: 'cannot read /proc/3349: EACCES; owner PID 3349 may be alive',
    });
  });

  it('names the hidepid mount option when a hidepid /proc hides the owner', () => {
    const verdict = classifySegment(facts(), { pid: 3349, code: 'ENOENT', hidepid: 'invisible' }, [], initial);
    expect(verdict).toEqual({
      state: 'unverifiable',
      reason: 'cannot read /proc/3349: ENOENT (hidepid=invisible); owner PID 3349 may be alive',
    });
  });
});
