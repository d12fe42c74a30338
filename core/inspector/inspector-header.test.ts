import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../protocol/scan-result';
import { segment as segmentFixture } from '../discovery/discovery-fixtures';
import { headerOf } from './inspector-header';

const scan = (fields: Partial<ScanResult> = {}): ScanResult => ({
  dir: '/dev/shm',
  scannedAt: 0,
  capacity: { total: 1, used: 0, free: 1 },
  initialPidNamespace: true,
  uninspectedProcesses: 0,
  procHidepid: null,
  segments: [],
  memfds: [],
  deleted: [],
  findings: [],
  ...fields,
});

/** The service made and keeps nothing. */
const NONE = { lab: [], held: [] };

describe('headerOf', () => {
  it('notes, as a finding about /proc, how many processes could not be inspected and whether hidepid hides some', () => {
    expect(headerOf(scan(), NONE, null, 1000).findings).toEqual([]);
    // Run as root, no segment's holders are unknown: the note only counts.
    expect(headerOf(scan({ uninspectedProcesses: 1 }), NONE, null, 1000).findings[0]?.message).toBe(
      '1 process could not be inspected',
    );
    const unknown = { ...segmentFixture(), holdersIncomplete: 'holders unknown: 57 processes ...' };
    const { findings } = headerOf(
      scan({ uninspectedProcesses: 57, procHidepid: 'invisible', segments: [unknown] }),
      NONE,
      null,
      1000,
    );
    expect(findings).toEqual([
      {
        severity: 'low',
        kind: 'inspector',
        subject: '/proc',
        message:
          '57 processes could not be inspected; /proc is mounted hidepid=invisible and hides other users\' processes: segments they could hold are marked "holders unknown" and kept by cleanup unless named',
      },
    ]);
  });
});
