import { describe, expect, it } from 'vitest';
import type { InspectorItem } from '../../protocol/channels';
import type { Segment } from '../../protocol/scan-result';
import { buildProcessSummaries, type DescribeProcess } from './process-summaries';

const MARKER = { valid: true, magic: 0xbeefcafe, pid: 100, hex: '' };

function segment(name: string, overrides: Partial<Segment> = {}): InspectorItem {
  const value: Segment = {
    name,
    kind: 'file',
    size: 1000,
    allocated: 4096,
    dev: 1,
    inode: name.length,
    mode: 0o600,
    uid: 1000,
    gid: 1000,
    birthTime: 0,
    mtime: 0,
    pulse: name.startsWith('pulse-shm-'),
    state: 'live',
    reason: '',
    marker: MARKER,
    owner: { pid: 100, comm: 'pulseaudio', state: 'S', startTime: 0 },
    attached: [{ pid: 100, comm: 'pulseaudio', access: 'rw', via: ['map'] }],
    holdersIncomplete: null,
    removal: 'never',
    error: null,
    pool: null,
    ...overrides,
  };
  return { id: `seg:${name}`, type: 'segment', segment: value };
}

const memfd = (inode: number, holders: { pid: number; comm: string; access: 'rw' | 'ro' }[]): InspectorItem => ({
  id: `memfd:1:${inode}`,
  type: 'memfd',
  memfd: {
    dev: 1,
    inode,
    name: 'pulseaudio',
    size: 64 << 20,
    allocated: null,
    holders: holders.map((holder) => ({ ...holder, uid: 1000, via: ['map'] })),
    unreadable: null,
    pool: null,
  },
});

const describeAll: DescribeProcess = (pid) => ({ uid: 1000, cmdline: `prog-${pid} --flag`, user: 'alice' });

describe('buildProcessSummaries', () => {
  it('lists each holder once with its holds, bytes and rw/ro split, in PID order', () => {
    const items = [
      segment('pulse-shm-1'),
      memfd(7, [
        { pid: 200, comm: 'paplay', access: 'rw' },
        { pid: 100, comm: 'pulseaudio', access: 'ro' },
      ]),
    ];
    const [daemon, client, ...rest] = buildProcessSummaries(items, describeAll, new Map());
    expect(rest).toEqual([]);
    expect(daemon).toMatchObject({
      pid: 100,
      comm: 'pulseaudio',
      cmdline: 'prog-100 --flag',
      user: 'alice',
      uid: 1000,
      holds: [
        { id: 'memfd:1:7', access: 'ro', bytes: 64 << 20 },
        { id: 'seg:pulse-shm-1', access: 'rw', bytes: 1000 },
      ],
      bytes: (64 << 20) + 1000,
      rw: 1,
      ro: 1,
      created: ['seg:pulse-shm-1'],
      createdAlive: 1,
      createdStale: 0,
      pulse: true,
      client: null,
    });
    expect(client).toMatchObject({ pid: 200, comm: 'paplay', holds: [{ id: 'memfd:1:7' }], rw: 1, ro: 0, created: [] });
  });

  it('counts a zombie creator’s segments as stale and lists it though it holds nothing', () => {
    const zombie = { pid: 300, comm: 'leaker', state: 'Z', startTime: 0 };
    const items = [
      segment('a', {
        state: 'stale-zombie',
        marker: { ...MARKER, pid: 300 },
        owner: zombie,
        attached: [],
        pulse: false,
      }),
      segment('pulse-shm-2', { state: 'stale-zombie', marker: { ...MARKER, pid: 300 }, owner: zombie, attached: [] }),
    ];
    const [only, ...rest] = buildProcessSummaries(items, describeAll, new Map());
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      pid: 300,
      holds: [],
      created: ['seg:a', 'seg:pulse-shm-2'],
      createdAlive: 0,
      createdStale: 2,
    });
    expect(only?.pulse).toBe(true);
  });

  it('does not make a process that only reuses the marker’s PID the creator, nor a marker whose PID is gone', () => {
    const items = [
      segment('reused', {
        state: 'stale-pid-reused',
        owner: { pid: 100, comm: 'bash', state: 'S', startTime: 5 },
        attached: [],
      }),
      segment('gone', { state: 'stale', owner: null, attached: [] }),
      segment('no-marker', { state: 'no-marker', marker: null, owner: null, attached: [] }),
    ];
    expect(buildProcessSummaries(items, describeAll, new Map())).toEqual([]);
  });

  it('takes the client name PulseAudio gave the PID, and what describe read of it', () => {
    const items = [memfd(9, [{ pid: 200, comm: 'paplay', access: 'rw' }])];
    const clients = new Map([[200, { name: 'Firefox', binary: 'firefox-esr' }]]);
    const unreadable: DescribeProcess = () => ({ uid: null, cmdline: null, user: null });
    const [client] = buildProcessSummaries(items, unreadable, clients);
    expect(client).toMatchObject({ client: { name: 'Firefox', binary: 'firefox-esr' }, cmdline: null, user: null });
  });

  it('marks a process pulse only when it holds or made a PulseAudio item', () => {
    const items = [segment('other-app', { attached: [{ pid: 400, comm: 'app', access: 'ro', via: ['fd'] }] })];
    const summaries = buildProcessSummaries(items, describeAll, new Map());
    expect(summaries.map(({ pid, pulse }) => ({ pid, pulse }))).toEqual([
      { pid: 100, pulse: false },
      { pid: 400, pulse: false },
    ]);
  });
});
