import type { DeletedSegment, Finding, MemfdPool } from './memory';
import type { PoolDecode } from './pool';

/**
 * The scan result: what the engine knows about a shm directory. These types are the
 * contract of `scan --json` (docs/json.md) and, later, of the IPC stream.
 * Times are milliseconds since the Unix epoch; sizes are bytes.
 */

/** How a segment is judged (README "States"): only `stale` is removed by default. */
export type SegmentState =
  'live' | 'stale' | 'stale-zombie' | 'stale-pid-reused' | 'unverifiable' | 'no-marker' | 'foreign';

export const SEGMENT_STATES: readonly SegmentState[] = [
  'live',
  'stale',
  'stale-zombie',
  'stale-pid-reused',
  'unverifiable',
  'no-marker',
  'foreign',
];

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/** Read-write or read-only, from the mapping's permissions or the fd's open flags. */
export type Access = 'rw' | 'ro';

/** The decoded last 40 bytes of a file (reference §2). */
export interface Marker {
  /** Magic is 0xbeefcafe and the PID is not 0: PulseAudio would trust it. */
  valid: boolean;
  magic: number;
  pid: number;
  /** The 40 bytes as lowercase hex, for display. */
  hex: string;
}

export interface OwnerProcess {
  pid: number;
  comm: string;
  /** State letter from /proc/<pid>/stat (Z = zombie). */
  state: string;
  /** Wall-clock start time, to clock-tick precision. */
  startTime: number;
}

export interface Attachment {
  pid: number;
  comm: string;
  access: Access;
  /** How the process holds the segment: a mapping, an open fd, or both. */
  via: ('map' | 'fd')[];
}

/**
 * What a cleanup does with a segment, by the engine's rule (core/cleanup-plan.ts), so that
 * no interface re-derives it: `default`, a plain cleanup removes it; `opt-in`, removed when
 * its kind is included (a zombie or reused-PID owner); `named`, removed only when named
 * (--force, or a forced removal in the UI); `never`, kept whatever is asked (a live owner,
 * not a regular file).
 */
export const REMOVAL_CLASSES = ['default', 'opt-in', 'named', 'never'] as const;
export type RemovalClass = (typeof REMOVAL_CLASSES)[number];

export interface Segment {
  name: string;
  kind: EntryKind;
  /** File size in bytes (data + marker for a PulseAudio segment). */
  size: number;
  /** Bytes tmpfs has allocated for it: what removing it frees. */
  allocated: number;
  dev: number;
  inode: number;
  /** Permission bits, e.g. 448 for 0700. */
  mode: number;
  uid: number;
  gid: number;
  /** Creation time (statx birth time), or null where the filesystem does not record it. */
  birthTime: number | null;
  mtime: number;
  /** Whether the name is `pulse-shm-<u32>`. */
  pulse: boolean;
  state: SegmentState;
  reason: string;
  marker: Marker | null;
  /** The process the marker names, if one with that PID exists now. */
  owner: OwnerProcess | null;
  /** Live processes that map the segment or hold an fd to it. */
  attached: Attachment[];
  /**
   * Why `attached` may be incomplete: processes that could have opened the segment (by
   * its mode and owner: the owner's, root's, and anyone's where the mode lets the group
   * or others in) could not be inspected. Null when every such process was. Cleanup
   * keeps such a segment unless it is named with --force.
   */
  holdersIncomplete: string | null;
  /** What a cleanup does with it now (judged with `state`, `attached` and `holdersIncomplete`). */
  removal: RemovalClass;
  /** Why part of the entry could not be read (for example EACCES), or null. */
  error: { code: string; message: string } | null;
  /**
   * The data decoded as a PulseAudio mempool, for `pulse-shm-*` files whose data size is
   * whole 64 KiB slots; null for everything else (and when the scan skipped pools).
   */
  pool: PoolDecode | null;
}

export interface Capacity {
  total: number;
  used: number;
  free: number;
}

export interface ScanResult {
  dir: string;
  scannedAt: number;
  capacity: Capacity;
  /** False when this process runs in a child PID namespace: owners may be invisible. */
  initialPidNamespace: boolean;
  /** Processes whose maps and fds (or whose /proc entry) could not be read: their holds are unknown. */
  uninspectedProcesses: number;
  /** /proc's hidepid mount option when it may hide other users' processes from the scan, else null. */
  procHidepid: string | null;
  segments: Segment[];
  /** memfd pools: in no directory, found through the processes that map them (reference §6). */
  memfds: MemfdPool[];
  /** Files unlinked from the shm directory that processes still map: memory `ls` does not show. */
  deleted: DeletedSegment[];
  /** Exposure and capacity findings, most severe first within each kind. */
  findings: Finding[];
}
