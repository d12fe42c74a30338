import { describe, expect, it } from 'vitest';
import type { InspectorItem } from '../../protocol/channels';
import type { MemfdPool } from '../../protocol/memory';
import type { PoolDecode } from '../../protocol/pool';
import type { ScanResult, Segment } from '../../protocol/scan-result';
import { diffItems, isMemfdPool, itemsOf, sameItem } from './item-diff';

function segment(name: string, change: Partial<Segment> = {}): Segment {
  return {
    name,
    kind: 'file',
    size: 65576,
    allocated: 4096,
    dev: 1,
    inode: 10,
    mode: 0o600,
    uid: 0,
    gid: 0,
    birthTime: 1000,
    mtime: 1000,
    pulse: true,
    state: 'live',
    reason: 'owner is alive',
    marker: null,
    owner: { pid: 42, comm: 'pulseaudio', state: 'S', startTime: 500.3577 },
    attached: [],
    holdersIncomplete: null,
    removal: 'never',
    error: null,
    pool: null,
    ...change,
  };
}

function scan(segments: Segment[]): ScanResult {
  return {
    dir: '/dev/shm',
    scannedAt: Date.now(),
    capacity: { total: 1, used: 0, free: 1 },
    initialPidNamespace: true,
    uninspectedProcesses: 0,
    procHidepid: null,
    segments,
    memfds: [
      { dev: 1, inode: 77, name: 'pulseaudio', size: 0, allocated: null, holders: [], unreadable: 'gone', pool: null },
    ],
    deleted: [{ path: '/dev/shm/x', dev: 1, inode: 88, size: null, allocated: null, holders: [] }],
    findings: [],
  };
}

describe('itemsOf', () => {
  it('keys segments by name, memfds and deleted segments by device and inode', () => {
    expect([...itemsOf(scan([segment('pulse-shm-1')])).keys()]).toEqual([
      'seg:pulse-shm-1',
      'memfd:1:77',
      'deleted:1:88',
    ]);
  });
});

describe('diffItems', () => {
  it('upserts every item of a first scan', () => {
    const items = itemsOf(scan([segment('pulse-shm-1')]));
    const diff = diffItems(new Map(), items);
    expect(diff.upserts.map((item) => item.id)).toEqual([...items.keys()]);
    expect(diff.removals).toEqual([]);
  });

  it('finds nothing when a rescan sees the same items', () => {
    const first = itemsOf(scan([segment('pulse-shm-1'), segment('pulse-shm-2')]));
    const diff = diffItems(first, itemsOf(scan([segment('pulse-shm-1'), segment('pulse-shm-2')])));
    expect(diff.upserts).toEqual([]);
    expect(diff.removals).toEqual([]);
  });

  it('upserts changed and new items and removes gone ones', () => {
    const first = itemsOf(scan([segment('pulse-shm-1'), segment('pulse-shm-2')]));
    const next = itemsOf(scan([segment('pulse-shm-1', { state: 'stale' }), segment('pulse-shm-3')]));
    const diff = diffItems(first, next);
    expect(diff.upserts.map((item) => item.id)).toEqual(['seg:pulse-shm-1', 'seg:pulse-shm-3']);
    expect(diff.removals).toEqual(['seg:pulse-shm-2']);
  });

  it('ignores an owner start time that jitters below a millisecond, not one that moves', () => {
    const owner = { pid: 42, comm: 'pulseaudio', state: 'S' };
    const item = (startTime: number): InspectorItem => ({
      id: 'seg:a',
      type: 'segment',
      segment: segment('a', { owner: { ...owner, startTime } }),
    });
    expect(sameItem(item(500.3574), item(500.3577))).toBe(true);
    expect(sameItem(item(500.3574), item(1500))).toBe(false);
  });

  it('ignores an srbchannel’s last sample but not its other fields', () => {
    const withChannel = (readCount: number, capacity = 32712): InspectorItem => ({
      id: 'seg:a',
      type: 'segment',
      segment: segment('a', {
        pool: {
          notPool: null,
          pool: {
            slotSize: 65536,
            slotCount: 2,
            states: ['in-use', 'untouched'],
            headers: [],
            highWater: 1,
            inUse: 1,
            free: 0,
            data: 0,
            resident: 65536,
            base: null,
            baseCheck: null,
            srbchannels: [
              {
                slot: 0,
                offset: 64,
                capacity,
                readOffset: 48,
                writeOffset: 32760,
                last: {
                  readCount,
                  writeCount: 0,
                  readSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
                  writeSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
                },
              },
            ],
          },
        },
      }),
    });
    expect(sameItem(withChannel(1), withChannel(999))).toBe(true);
    expect(sameItem(withChannel(1), withChannel(1, 16000))).toBe(false);
  });
});

describe('isMemfdPool', () => {
  const memfd = (name: string, decoded: boolean): MemfdPool => ({
    dev: 1,
    inode: 7,
    name,
    size: 4096,
    allocated: 4096,
    holders: [],
    unreadable: null,
    pool: decoded ? ({ pool: {}, notPool: null } as unknown as PoolDecode) : { pool: null, notPool: 'too small' },
  });

  it('keeps decoded pools and PulseAudio’s memfds, and leaves out other programs’ small memfds', () => {
    expect(isMemfdPool(memfd('shm-inspector-lab', true))).toBe(true);
    expect(isMemfdPool(memfd('pulseaudio', false))).toBe(true);
    expect(isMemfdPool(memfd('sealed-91173221a7ea', false))).toBe(false);
  });
});

describe('sameItem', () => {
  const withAttached = (attached: Segment['attached']): InspectorItem => ({
    id: 'seg:a',
    type: 'segment',
    segment: segment('a', { attached }),
  });
  const holder = { pid: 7, comm: 'paplay', access: 'rw' as const, via: ['map' as const] };

  it('sees a nested change, a holder more or less, and a field that appears', () => {
    expect(sameItem(withAttached([holder]), withAttached([{ ...holder }]))).toBe(true);
    expect(sameItem(withAttached([holder]), withAttached([{ ...holder, access: 'ro' }]))).toBe(false);
    expect(sameItem(withAttached([holder]), withAttached([holder, { ...holder, pid: 8 }]))).toBe(false);
    expect(sameItem(withAttached([]), withAttached([holder]))).toBe(false);
    const extra: InspectorItem = { id: 'seg:a', type: 'segment', segment: { ...segment('a'), more: 1 } as Segment };
    expect(sameItem(withAttached([]), extra)).toBe(false);
    expect(sameItem(extra, withAttached([]))).toBe(false);
  });
});

describe('sameItem and an owner', () => {
  it('ignores the owner flipping between running and sleeping, but not its exit', () => {
    const withOwner = (state: string): InspectorItem => ({
      id: 'seg:a',
      type: 'segment',
      segment: segment('a', { owner: { pid: 5, comm: 'pulseaudio', state, startTime: 1000.4 } }),
    });
    expect(sameItem(withOwner('R'), withOwner('S'))).toBe(true);
    expect(sameItem(withOwner('Z'), withOwner('S'))).toBe(false);
  });

  it('takes a dead task written as x for an exit, as the classifier does', () => {
    const withOwner = (state: string): InspectorItem => ({
      id: 'seg:a',
      type: 'segment',
      segment: segment('a', { owner: { pid: 5, comm: 'pulseaudio', state, startTime: 1000.4 } }),
    });
    expect(sameItem(withOwner('x'), withOwner('S'))).toBe(false);
    expect(sameItem(withOwner('x'), withOwner('X'))).toBe(true);
  });
});
