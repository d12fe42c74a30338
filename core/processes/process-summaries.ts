/**
 * The process view built from the live state: each process that maps or holds an item,
 * or whose PID a segment's marker names as its creator, with what it holds. Pure: the
 * facts read from /proc (command line, user) and PulseAudio's client names are given.
 */
import type { InspectorItem } from '../../protocol/channels';
import type { ProcessHold, ProcessSummary, PulseClient } from '../../protocol/processes';
import type { Attachment, Segment } from '../../protocol/scan-result';

/** What is read of a process outside the scan: its uid, command line and user name. */
export interface ProcessDetail {
  uid: number | null;
  cmdline: string | null;
  user: string | null;
}

export type DescribeProcess = (pid: number) => ProcessDetail;

interface Gathering {
  pid: number;
  comm: string;
  holds: ProcessHold[];
  created: string[];
  createdAlive: number;
  createdStale: number;
  pulse: boolean;
}

/**
 * The process whose PID the marker names and that made the segment: not one that only
 * reuses the PID (the engine's `stale-pid-reused`), and none when the PID is gone.
 */
function creatorOf(segment: Segment): { pid: number; comm: string } | null {
  if (!segment.marker?.valid || segment.owner === null || segment.state === 'stale-pid-reused') return null;
  return segment.owner;
}

/** The processes an item lists as holders, its size, and whether it is PulseAudio's. */
function heldBy(item: InspectorItem): { holders: readonly Attachment[]; bytes: number; pulse: boolean } {
  switch (item.type) {
    case 'segment':
      return { holders: item.segment.attached, bytes: item.segment.size, pulse: item.segment.pulse };
    case 'memfd':
      return { holders: item.memfd.holders, bytes: item.memfd.size, pulse: item.memfd.name === 'pulseaudio' };
    case 'deleted':
      return {
        holders: item.deleted.holders,
        bytes: item.deleted.size ?? 0,
        pulse: /\/pulse-shm-\d+$/.test(item.deleted.path),
      };
  }
}

/** Every process that holds or created an item, in PID order, each hold and creation in item id order. */
export function buildProcessSummaries(
  items: Iterable<InspectorItem>,
  describe: DescribeProcess,
  clients: ReadonlyMap<number, PulseClient>,
): ProcessSummary[] {
  const byPid = new Map<number, Gathering>();
  const gathering = (pid: number, comm: string): Gathering => {
    let entry = byPid.get(pid);
    if (!entry) {
      entry = { pid, comm, holds: [], created: [], createdAlive: 0, createdStale: 0, pulse: false };
      byPid.set(pid, entry);
    }
    return entry;
  };
  for (const item of items) {
    const { holders, bytes, pulse } = heldBy(item);
    for (const holder of holders) {
      const entry = gathering(holder.pid, holder.comm);
      entry.holds.push({ id: item.id, access: holder.access, bytes });
      entry.pulse ||= pulse;
    }
    if (item.type !== 'segment') continue;
    const creator = creatorOf(item.segment);
    if (!creator) continue;
    const entry = gathering(creator.pid, creator.comm);
    entry.created.push(item.id);
    entry.pulse ||= pulse;
    if (item.segment.state === 'live') entry.createdAlive += 1;
    else if (item.segment.state.startsWith('stale')) entry.createdStale += 1;
  }
  return [...byPid.values()]
    .sort((a, b) => a.pid - b.pid)
    .map((entry): ProcessSummary => {
      const holds = entry.holds.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const rw = holds.filter((hold) => hold.access === 'rw').length;
      return {
        pid: entry.pid,
        comm: entry.comm,
        ...describe(entry.pid),
        holds,
        bytes: holds.reduce((total, hold) => total + hold.bytes, 0),
        rw,
        ro: holds.length - rw,
        created: entry.created.sort(),
        createdAlive: entry.createdAlive,
        createdStale: entry.createdStale,
        pulse: entry.pulse,
        client: clients.get(entry.pid) ?? null,
      };
    });
}
