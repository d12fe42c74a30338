import { formatTime } from '../protocol/format';
import { isPulseSegmentName } from '../protocol/limits';
import type { Attachment, EntryKind, Marker, SegmentState } from '../protocol/scan-result';
import { markerProblem } from './marker';
import type { RawUnreadableProcess } from '../native';
import { isExited, type ProcessInfo } from './process-index';

/**
 * A process counts as started after the segment only beyond this margin. Start times
 * are rounded down to a clock tick (so a real creator never looks late), and the margin
 * absorbs small wall-clock adjustments between the segment's creation and now.
 */
export const PID_REUSE_MARGIN_MS = 1000;

export interface SegmentFacts {
  name: string;
  kind: EntryKind;
  size: number;
  birthTime: number | null;
  marker: Marker | null;
  /** Errno name when the file's contents could not be read. */
  readError: string | null;
}

export interface Verdict {
  state: SegmentState;
  reason: string;
}

export interface ClassifyContext {
  initialPidNamespace: boolean;
}

const KIND_WORDS: Record<Exclude<EntryKind, 'file'>, string> = {
  dir: 'a directory',
  symlink: 'a symbolic link',
  other: 'a FIFO, socket or device',
};

function describe(process: ProcessInfo): string {
  return `PID ${process.pid} (${process.comm})`;
}

/** Why a process that exists, or may, could not be inspected: "cannot read /proc/N: EACCES (hidepid=2)". */
export function unreadableReason(process: RawUnreadableProcess): string {
  const hidepid = process.hidepid === null ? '' : ` (hidepid=${process.hidepid})`;
  return `cannot read /proc/${process.pid}: ${process.code}${hidepid}`;
}

/**
 * Judges one segment from its marker, the process its marker names, and who holds it.
 * `owner` is the process as read, a process that exists (or may) but could not be read,
 * or undefined when no process has the marker's PID. Every verdict carries the reason
 * a user would need to agree with it.
 */
export function classifySegment(
  facts: SegmentFacts,
  owner: ProcessInfo | RawUnreadableProcess | undefined,
  attached: readonly Attachment[],
  context: ClassifyContext,
): Verdict {
  if (facts.kind !== 'file') return { state: 'foreign', reason: `${KIND_WORDS[facts.kind]}, not a segment` };
  if (!isPulseSegmentName(facts.name)) return { state: 'foreign', reason: 'not a PulseAudio segment name' };
  if (facts.readError) return { state: 'no-marker', reason: `marker could not be read (${facts.readError})` };
  const problem = markerProblem(facts.marker, facts.size);
  if (problem || !facts.marker) return { state: 'no-marker', reason: problem ?? 'no marker' };

  const pid = facts.marker.pid;
  // Unknown is not gone: an owner that could not be read may be alive.
  if (owner && 'code' in owner) {
    return { state: 'unverifiable', reason: `${unreadableReason(owner)}; owner PID ${pid} may be alive` };
  }
  const stale = staleVerdict(facts, pid, owner, attached);
  if (!stale || context.initialPidNamespace) return stale ?? liveVerdict(facts, owner, attached);
  return {
    state: 'unverifiable',
    reason: `${stale.reason}; but this process runs in a child PID namespace, so PID ${pid} may be a live process outside it`,
  };
}

/** The stale verdict, or null when the owner is alive and is the creator. */
function staleVerdict(
  facts: SegmentFacts,
  pid: number,
  owner: ProcessInfo | undefined,
  attached: readonly Attachment[],
): Verdict | null {
  if (!owner) return { state: 'stale', reason: `owner PID ${pid} no longer exists` };
  if (isExited(owner.state)) {
    return { state: 'stale-zombie', reason: `owner ${describe(owner)} has exited and is a zombie not yet reaped` };
  }
  // A process that holds the segment is its creator or a peer: never a reused PID.
  if (attached.some((holder) => holder.pid === pid)) return null;
  if (facts.birthTime !== null && owner.startTime > facts.birthTime + PID_REUSE_MARGIN_MS) {
    return {
      state: 'stale-pid-reused',
      reason: `PID ${pid} now belongs to ${owner.comm}, started ${formatTime(owner.startTime, { date: true })}, after the segment was created ${formatTime(facts.birthTime, { date: true })}`,
    };
  }
  return null;
}

function liveVerdict(facts: SegmentFacts, owner: ProcessInfo | undefined, attached: readonly Attachment[]): Verdict {
  if (!owner) throw new Error('liveVerdict needs an owner');
  if (attached.some((holder) => holder.pid === owner.pid)) {
    return { state: 'live', reason: `owner ${describe(owner)} is running and maps it` };
  }
  if (facts.birthTime === null) {
    return {
      state: 'live',
      reason: `owner ${describe(owner)} is running; the filesystem records no creation time, so PID reuse cannot be judged`,
    };
  }
  return { state: 'live', reason: `owner ${describe(owner)} is running and started before the segment was created` };
}
