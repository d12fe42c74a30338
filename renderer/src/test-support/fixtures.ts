/** Builders of protocol values for the renderer's unit tests. */
import type { InspectorItem, Patch } from '../../../protocol/channels';
import type { Pool } from '../../../protocol/pool';
import type { Segment } from '../../../protocol/scan-result';

export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const MiB = 1024 * 1024;

export function segment(name: string, overrides: Partial<Segment> = {}): Segment {
  return {
    name,
    kind: 'file',
    size: 64 * MiB + 40,
    allocated: 2 * MiB,
    dev: 23,
    inode: 1000 + name.length,
    mode: 0o700,
    uid: 1000,
    gid: 1000,
    birthTime: NOW - 5 * 60_000,
    mtime: NOW - 60_000,
    pulse: name.startsWith('pulse-shm-'),
    state: 'live',
    reason: 'the owner runs and started before the segment was created',
    marker: {
      valid: true,
      magic: 0xbeefcafe,
      pid: 3349,
      hex: 'feca efbe 150d 0000'.replace(/ /g, '') + '0'.repeat(64),
    },
    owner: { pid: 3349, comm: 'pulseaudio', state: 'S', startTime: NOW - 3_600_000 },
    attached: [{ pid: 3349, comm: 'pulseaudio', access: 'rw', via: ['map'] }],
    holdersIncomplete: null,
    removal: 'never',
    error: null,
    pool: null,
    ...overrides,
  };
}

export function staleSegment(name: string, overrides: Partial<Segment> = {}): Segment {
  return segment(name, {
    state: 'stale',
    reason: 'no process has PID 4242',
    marker: { valid: true, magic: 0xbeefcafe, pid: 4242, hex: 'fecaefbe92100000' + '0'.repeat(64) },
    owner: null,
    attached: [],
    // The engine's judgement (Segment.removal) of a stale segment no one holds: tests of other cases say theirs.
    removal: 'default',
    ...overrides,
  });
}

export const segmentItem = (value: Segment): InspectorItem => ({
  id: `seg:${value.name}`,
  type: 'segment',
  segment: value,
});

export function memfdItem(inode: number): InspectorItem {
  return {
    id: `memfd:1:${inode}`,
    type: 'memfd',
    memfd: {
      dev: 1,
      inode,
      name: 'pulseaudio',
      size: 64 * MiB,
      allocated: MiB,
      holders: [
        { pid: 3349, comm: 'pulseaudio', uid: 1000, access: 'rw', via: ['map'] },
        { pid: 5000, comm: 'paplay', uid: 1000, access: 'ro', via: ['map'] },
      ],
      unreadable: null,
      pool: null,
    },
  };
}

export function pool(states: Pool['states'], srbOffsets: number[] = []): Pool {
  return {
    slotSize: 65536,
    slotCount: states.length,
    states,
    headers: states.flatMap((state, index) =>
      state === 'in-use' || state === 'free'
        ? [
            {
              index,
              state,
              refcount: state === 'in-use' ? 1 : 0,
              type: 'POOL',
              length: 65472,
              readOnly: false,
              isSilence: index === 0,
            },
          ]
        : [],
    ),
    highWater: states.filter((state) => state !== 'untouched').length,
    inUse: states.filter((state) => state === 'in-use').length,
    free: states.filter((state) => state === 'free').length,
    data: states.filter((state) => state === 'data').length,
    resident: 65536 * states.filter((state) => state !== 'untouched').length,
    base: '0x7f0000000000',
    baseCheck: 'matches-owner-maps',
    srbchannels: srbOffsets.map((offset) => ({
      slot: Math.floor(offset / 65536),
      offset,
      capacity: 32712,
      readOffset: 48,
      writeOffset: 32760,
      last: {
        readCount: 0,
        writeCount: 0,
        readSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
        writeSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
      },
    })),
  };
}

export const HEADER: NonNullable<Patch['header']> = {
  dir: '/dev/shm',
  capacity: { total: 4 * 1024 * MiB, used: 100 * MiB, free: 4 * 1024 * MiB - 100 * MiB },
  initialPidNamespace: true,
  findings: [],
  lab: [],
  held: [],
};

export function fullPatch(items: InspectorItem[], seq = 1, header: Patch['header'] = HEADER): Patch {
  return { seq, full: true, header, upserts: items, removals: [], samples: [] };
}

export function incrementalPatch(seq: number, change: Partial<Omit<Patch, 'seq' | 'full'>>): Patch {
  return { seq, full: false, header: null, upserts: [], removals: [], samples: [], ...change };
}

/** `count` traffic intervals of one channel, `stepMs` long from `start`, moving `level(i)` bytes into the read ring and twice that into the write ring. */
export function samples(channel: string, start: number, count: number, stepMs: number, level = (i: number) => i) {
  return {
    channel,
    capacity: 32712,
    intervals: Array.from({ length: count }, (_, i) => ({
      time: start + i * stepMs,
      ms: stepMs,
      reads: 200,
      readBytes: level(i),
      writeBytes: 2 * level(i),
      readPeak: Math.min(level(i), 32712),
      writePeak: Math.min(2 * level(i), 32712),
      wakeups: 1,
      last: {
        readCount: Math.min(level(i), 32712),
        writeCount: Math.min(2 * level(i), 32712),
        readSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
        writeSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
      },
    })),
  };
}
