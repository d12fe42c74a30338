import { describe, expect, it } from 'vitest';
import type { Pool } from '../../protocol/pool';
import { capacityFindings } from './capacity-findings';
import { segment } from './discovery-fixtures';

const MiB = 1024 * 1024;

const capacity = (free: number) => ({ total: 64 * MiB, used: 64 * MiB - free, free });

describe('capacityFindings', () => {
  it('is high when the untouched part of a PulseAudio segment exceeds the free space, naming its writers', () => {
    expect(capacityFindings(capacity(8 * MiB), [segment()])).toEqual([
      {
        severity: 'high',
        kind: 'capacity',
        subject: 'pulse-shm-1',
        message:
          '63.9 MiB of its 64.0 MiB not yet allocated, 8.0 MiB free: ' +
          'writing into the untouched part can kill PID 10 (pulseaudio) with SIGBUS',
      },
    ]);
  });

  it('finds nothing when the free space can back the rest', () => {
    expect(capacityFindings(capacity(64 * MiB), [segment()])).toEqual([]);
    expect(capacityFindings(capacity(1 * MiB), [segment({ allocated: 64 * MiB + 4096 })])).toEqual([]);
  });

  it('names the marker owner when no writer is known, and says "whichever process" when neither is', () => {
    const [byOwner] = capacityFindings(capacity(0), [segment({ attached: [] })]);
    expect(byOwner?.message).toMatch(/can kill its owner PID 10 \(pulseaudio\) with SIGBUS$/);
    const [unknown] = capacityFindings(capacity(0), [segment({ attached: [], owner: null, state: 'unverifiable' })]);
    expect(unknown?.message).toMatch(/can kill whichever process maps it writable with SIGBUS$/);
  });

  it('skips stale segments nothing maps: no one writes them', () => {
    expect(capacityFindings(capacity(0), [segment({ state: 'stale', attached: [], owner: null })])).toEqual([]);
    expect(capacityFindings(capacity(0), [segment({ state: 'stale-zombie' })])).toHaveLength(1);
  });

  it('judges other segments only when the scan decoded them as pools, and never directories', () => {
    const other = segment({ name: 'app-buffer', pulse: false });
    expect(capacityFindings(capacity(0), [other])).toEqual([]);
    expect(capacityFindings(capacity(0), [{ ...other, pool: { pool: {} as Pool, notPool: null } }])).toHaveLength(1);
    expect(capacityFindings(capacity(0), [{ ...other, pool: { pool: null, notPool: 'no' } }])).toEqual([]);
    expect(capacityFindings(capacity(0), [segment({ kind: 'dir' })])).toEqual([]);
  });
});
