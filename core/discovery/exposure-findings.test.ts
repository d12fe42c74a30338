import { describe, expect, it } from 'vitest';
import type { Holder, MemfdPool } from '../../protocol/memory';
import { indexOf, MEMFD_DEV, rawProcess, segment } from './discovery-fixtures';
import { exposureFindings } from './exposure-findings';

/** The daemon (uid 1000) and paplay (uid 1000), as the fixture segment's attachments name them. */
const sameUser = indexOf(rawProcess(10, { comm: 'pulseaudio' }), rawProcess(20, { comm: 'paplay' }));
const private0700 = { attached: [{ pid: 10, comm: 'pulseaudio', access: 'rw' as const, via: ['map' as const] }] };

function memfd(holders: Holder[]): MemfdPool {
  return {
    dev: MEMFD_DEV,
    inode: 66,
    name: 'pulseaudio',
    size: 65536 * 4,
    allocated: 0,
    holders,
    unreadable: null,
    pool: null,
  };
}

const holder = (pid: number, comm: string, uid: number, access: 'rw' | 'ro'): Holder => ({
  pid,
  comm,
  uid,
  access,
  via: ['map'],
});

describe('exposureFindings: mode bits', () => {
  const byMode = (mode: number) =>
    exposureFindings([segment({ mode, ...private0700 })], [], sameUser).map(({ severity, message }) => ({
      severity,
      message,
    }));

  it('finds nothing for 0700 and 0600', () => {
    expect(byMode(0o700)).toEqual([]);
    expect(byMode(0o600)).toEqual([]);
  });

  it('is high when any user can write', () => {
    expect(byMode(0o666)).toEqual([{ severity: 'high', message: 'mode 0666: any user can read and write it' }]);
    expect(byMode(0o602)).toEqual([{ severity: 'high', message: 'mode 0602: any user can write it' }]);
  });

  it('is medium when any user can read or the group can write', () => {
    expect(byMode(0o644)).toEqual([{ severity: 'medium', message: 'mode 0644: any user can read it' }]);
    expect(byMode(0o660)).toEqual([{ severity: 'medium', message: 'mode 0660: group 1000 can read and write it' }]);
    expect(byMode(0o664)).toEqual([
      { severity: 'medium', message: 'mode 0664: any user can read it, group 1000 can write it' },
    ]);
  });

  it('is low when only the group can read', () => {
    expect(byMode(0o640)).toEqual([{ severity: 'low', message: 'mode 0640: group 1000 can read it' }]);
  });

  it('judges regular files only', () => {
    expect(exposureFindings([segment({ kind: 'dir', mode: 0o777 })], [], sameUser)).toEqual([]);
  });
});

describe('exposureFindings: holders', () => {
  it('is medium for each process of another user that maps or holds the segment', () => {
    const index = indexOf(
      rawProcess(10, { comm: 'pulseaudio', uid: 0 }),
      rawProcess(20, { comm: 'paplay', uid: 1000 }),
      rawProcess(30, { comm: 'pacat', uid: 1001 }),
    );
    const shared = segment({
      uid: 0,
      attached: [
        { pid: 10, comm: 'pulseaudio', access: 'rw', via: ['map'] },
        { pid: 20, comm: 'paplay', access: 'ro', via: ['map', 'fd'] },
        { pid: 30, comm: 'pacat', access: 'ro', via: ['fd'] },
      ],
    });
    expect(exposureFindings([shared], [], index)).toEqual([
      {
        severity: 'medium',
        kind: 'exposure',
        subject: 'pulse-shm-1',
        message: 'mapped by PID 20 (paplay) of uid 1000, owner uid 0',
      },
      {
        severity: 'medium',
        kind: 'exposure',
        subject: 'pulse-shm-1',
        message: 'held open by PID 30 (pacat) of uid 1001, owner uid 0',
      },
    ]);
  });

  it('is info, listing them, when more than one process can write the segment', () => {
    const writers = segment({
      attached: [
        { pid: 10, comm: 'pulseaudio', access: 'rw', via: ['map'] },
        { pid: 20, comm: 'paplay', access: 'rw', via: ['map'] },
      ],
    });
    expect(exposureFindings([writers], [], sameUser)).toEqual([
      {
        severity: 'info',
        kind: 'exposure',
        subject: 'pulse-shm-1',
        message: 'writable by PID 10 (pulseaudio) and PID 20 (paplay)',
      },
    ]);
    expect(exposureFindings([segment()], [], sameUser)).toEqual([]);
  });

  it('orders findings from high to info', () => {
    const index = indexOf(rawProcess(10, { comm: 'pulseaudio' }), rawProcess(20, { comm: 'paplay', uid: 7 }));
    const findings = exposureFindings(
      [
        segment({
          mode: 0o666,
          attached: [
            { pid: 10, comm: 'pulseaudio', access: 'rw', via: ['map'] },
            { pid: 20, comm: 'paplay', access: 'rw', via: ['map'] },
          ],
        }),
      ],
      [],
      index,
    );
    expect(findings.map((finding) => finding.severity)).toEqual(['high', 'medium', 'info']);
  });
});

describe('exposureFindings: memfds', () => {
  it('ignores the mode and finds nothing for a memfd one user holds and one process writes', () => {
    const one = memfd([holder(10, 'pulseaudio', 1000, 'rw'), holder(20, 'paplay', 1000, 'ro')]);
    expect(exposureFindings([], [one], sameUser)).toEqual([]);
  });

  it('is medium when holders are of different users, and info when several write it', () => {
    const shared = memfd([holder(10, 'pulseaudio', 116, 'rw'), holder(20, 'paplay', 1000, 'rw')]);
    expect(exposureFindings([], [shared], sameUser)).toEqual([
      {
        severity: 'medium',
        kind: 'exposure',
        subject: 'memfd:pulseaudio:66',
        message: 'shared across 2 users: PID 10 (pulseaudio) of uid 116, PID 20 (paplay) of uid 1000',
      },
      {
        severity: 'info',
        kind: 'exposure',
        subject: 'memfd:pulseaudio:66',
        message: 'writable by PID 10 (pulseaudio) and PID 20 (paplay)',
      },
    ]);
  });
});
