import { describe, expect, it } from 'vitest';
import type { ChannelSamples, InspectorItem, Patch } from '../../protocol/channels';
import type { PatchSink } from './inspector-api';
import { HistoryRing } from './history-ring';
import { CoalescingSubscriber } from './patch-coalescer';

class FakeSink implements PatchSink {
  readonly sent: Patch[] = [];
  busy = false;
  send(patch: Patch): void {
    this.sent.push(patch);
  }
  ready(): boolean {
    return !this.busy;
  }
}

const item = (id: string, size = 1): InspectorItem => ({
  id,
  type: 'deleted',
  deleted: { path: `/dev/shm/${id}`, dev: 1, inode: 1, size, allocated: null, holders: [] },
});

const header = (used: number): NonNullable<Patch['header']> => ({
  dir: '/dev/shm',
  capacity: { total: 100, used, free: 100 - used },
  initialPidNamespace: true,
  findings: [],
  lab: [],
  held: [],
});

const sample = (count: number) => ({
  readCount: count,
  writeCount: 0,
  readSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
  writeSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
});

const samples = (channel: string, from: number, count: number): ChannelSamples => ({
  channel,
  capacity: 100,
  intervals: Array.from({ length: count }, (_, i) => ({
    time: from + i,
    ms: 100,
    reads: 200,
    readBytes: from + i,
    writeBytes: 0,
    readPeak: from + i,
    writePeak: 0,
    wakeups: 0,
    last: sample(from + i),
  })),
});

let seq = 0;
function patch(change: Partial<Patch>): Patch {
  seq += 1;
  return { seq, full: false, header: null, upserts: [], removals: [], samples: [], ...change };
}

describe('CoalescingSubscriber', () => {
  it('passes patches straight through while the sink is ready', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    const first = patch({ full: true, upserts: [item('a')] });
    const second = patch({ removals: ['a'] });
    subscriber.deliver(first);
    subscriber.deliver(second);
    expect(sink.sent).toEqual([first, second]);
    expect(subscriber.hasPending).toBe(false);
  });

  it('folds patches for a busy sink into one with their net effect, sent when it is ready again', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    subscriber.deliver(patch({ full: true, header: header(1), upserts: [item('kept'), item('gone'), item('back')] }));
    sink.busy = true;
    subscriber.deliver(patch({ header: header(2), upserts: [item('new'), item('brief'), item('kept', 2)] }));
    subscriber.deliver(patch({ removals: ['gone', 'brief', 'back'] }));
    subscriber.deliver(patch({ header: header(3), upserts: [item('kept', 3), item('back', 4)] }));
    subscriber.flush();
    expect(sink.sent).toHaveLength(1);

    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(2);
    const net = sink.sent[1];
    expect(net?.seq).toBe(seq);
    expect(net?.full).toBe(false);
    expect(net?.header).toEqual(header(3));
    expect(net?.upserts).toEqual([item('new'), item('kept', 3), item('back', 4)]);
    // "brief" came and went while the sink was busy: it never hears of it.
    expect(net?.removals).toEqual(['gone']);
    expect(subscriber.hasPending).toBe(false);
  });

  it('sends a busy sink the latest process view, and a patch that carries only a view', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    const view = (pid: number) => ({ processes: [], pulseNames: { available: false as const, reason: `r${pid}` } });
    subscriber.deliver(patch({ processes: view(1) }));
    expect(sink.sent.map((sent) => sent.processes)).toEqual([view(1)]);
    sink.busy = true;
    subscriber.deliver(patch({ processes: view(2) }));
    subscriber.deliver(patch({ upserts: [item('a')] }));
    subscriber.deliver(patch({ processes: view(3) }));
    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(2);
    expect(sink.sent[1]?.processes).toEqual(view(3));
    expect(sink.sent[1]?.upserts).toEqual([item('a')]);
  });

  it('keeps only the last samples of each channel while the sink is busy', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink, 5);
    sink.busy = true;
    for (let tick = 0; tick < 10; tick += 1) {
      subscriber.deliver(patch({ samples: [samples('seg:a#64', tick * 2, 2), samples('seg:b#64', tick, 1)] }));
    }
    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(1);
    const [a, b] = sink.sent[0]?.samples ?? [];
    expect(a?.intervals.map((interval) => interval.time)).toEqual([15, 16, 17, 18, 19]);
    expect(a?.intervals.map((interval) => interval.readBytes)).toEqual([15, 16, 17, 18, 19]);
    expect(b?.intervals.map((interval) => interval.time)).toEqual([5, 6, 7, 8, 9]);
  });

  it('holds a first snapshot for a busy sink and sends it as a full patch with later changes folded in', () => {
    const sink = new FakeSink();
    sink.busy = true;
    const subscriber = new CoalescingSubscriber(sink);
    subscriber.deliver(patch({ full: true, header: header(1), upserts: [item('a'), item('b')] }));
    subscriber.deliver(patch({ removals: ['a'], upserts: [item('c')] }));
    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(1);
    expect(sink.sent[0]).toMatchObject({ full: true, header: header(1), removals: [] });
    expect(sink.sent[0]?.upserts.map((entry) => entry.id)).toEqual(['b', 'c']);
  });

  it('sends nothing when the changes a busy sink missed cancel out', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    subscriber.deliver(patch({ full: true, upserts: [] }));
    sink.busy = true;
    subscriber.deliver(patch({ upserts: [item('brief')] }));
    subscriber.deliver(patch({ removals: ['brief'] }));
    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(1);
    expect(subscriber.hasPending).toBe(false);
  });

  it('survives a sink whose send throws', () => {
    const subscriber = new CoalescingSubscriber({
      send: () => {
        throw new Error('socket closed');
      },
      ready: () => true,
    });
    expect(() => subscriber.deliver(patch({ upserts: [item('a')] }))).not.toThrow();
  });
});

describe('CoalescingSubscriber: history', () => {
  it('gives a busy sink the history points of every patch it missed, appended in order', () => {
    const ring = new HistoryRing(1000, 60_000);
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    subscriber.deliver(patch({ full: true, history: ring.snapshot() }));
    sink.busy = true;
    for (let i = 1; i <= 3; i++) {
      const counts = new Map([['pool', { slotCount: 8, inUse: i }]]);
      subscriber.deliver(patch({ history: ring.record(i * 1000, { total: 100, used: i, free: 100 - i }, counts) }));
    }
    sink.busy = false;
    subscriber.flush();
    expect(sink.sent).toHaveLength(2);
    expect(sink.sent[1]?.history).toMatchObject({
      times: [1000, 2000, 3000],
      shmUsed: [1, 2, 3],
      pools: [{ id: 'pool', inUse: [1, 2, 3] }],
    });
  });

  it('sends nothing for a patch without history or anything else', () => {
    const sink = new FakeSink();
    const subscriber = new CoalescingSubscriber(sink);
    subscriber.deliver(patch({}));
    expect(sink.sent).toEqual([]);
  });
});
