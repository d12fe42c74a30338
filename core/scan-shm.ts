import { statfsSync } from 'node:fs';
import path from 'node:path';
import { scanDirectoryWithProcesses, type EntryColumns, type RawEntry } from '../native';
import { isPulseSegmentName, MARKER_SIZE } from '../protocol/limits';
import type { PoolDecode } from '../protocol/pool';
import type { Attachment, Capacity, OwnerProcess, ScanResult, Segment } from '../protocol/scan-result';
import { classifySegment, type ClassifyContext } from './classify-segment';
import { removalClass } from './cleanup-plan';
import { holdersIncomplete } from './holder-coverage';
import { markerOf } from './marker';
import { inInitialPidNamespace } from './pid-namespace';
import { discoverMemory } from './discovery/discover-memory';
import { SLOT_SIZE } from './pool/pool-layout';
import { readPool } from './pool/read-pool';
import { holdersOf, indexProcesses, mappingBases, type ProcessIndex, type ProcessInfo } from './process-index';
import { fsPath } from './fs-path';

export const DEFAULT_SHM_DIR = '/dev/shm';

/**
 * The shm directory as the engine uses it: an absolute path, left to the kernel to
 * resolve. Not realpath: /proc/<pid>/root/dev/shm (another mount namespace's shm) is a
 * magic link that realpath would turn into this namespace's /dev/shm.
 */
export function resolveShmDir(dir: string = DEFAULT_SHM_DIR): string {
  return path.resolve(dir);
}

export function readCapacity(dir: string): Capacity {
  const stats = statfsSync(fsPath(dir));
  const total = stats.blocks * stats.bsize;
  const free = stats.bavail * stats.bsize;
  return { total, used: (stats.blocks - stats.bfree) * stats.bsize, free };
}

/** One owner object per process, shared by every segment it owns (a scan may list 10,000). */
function ownerOf(process: ProcessInfo | undefined, owners: Map<number, OwnerProcess>): OwnerProcess | null {
  if (!process) return null;
  let owner = owners.get(process.pid);
  if (!owner) {
    owner = { pid: process.pid, comm: process.comm, state: process.state, startTime: process.startTime };
    owners.set(process.pid, owner);
  }
  return owner;
}

/** Builds the judged segment for entry `i` of a directory scan against a process table. */
export function toSegment(
  entries: EntryColumns,
  i: number,
  processes: ProcessIndex,
  context: ClassifyContext,
  owners: Map<number, OwnerProcess> = new Map(),
): Segment {
  const name = entries.name(i);
  const kind = entries.type(i);
  const size = entries.size(i);
  const dev = entries.dev(i);
  const inode = entries.inode(i);
  const birthTime = entries.birthTimeMs(i);
  const error = entries.error(i);
  const marker = markerOf(entries.tail(i));
  const attached = holdersOf(processes, dev, inode);
  const owner = marker?.valid ? processes.byPid.get(marker.pid) : undefined;
  const unreadableOwner = marker?.valid ? processes.unreadable.get(marker.pid) : undefined;
  const verdict = classifySegment(
    { name, kind, size, birthTime, marker, readError: error?.code ?? null },
    owner ?? unreadableOwner,
    attached,
    context,
  );
  // One literal, its removal class filled in after: a spread copy ({ ...facts, removal })
  // made objects that every later read paid for (the 10,000-segment scan's JS took twice as long).
  const segment: Segment = {
    name,
    kind,
    size,
    allocated: entries.allocatedBytes(i),
    dev,
    inode,
    mode: entries.mode(i),
    uid: entries.uid(i),
    gid: entries.gid(i),
    birthTime,
    mtime: entries.mtimeMs(i),
    pulse: isPulseSegmentName(name),
    state: verdict.state,
    reason: verdict.reason,
    marker,
    owner: ownerOf(owner, owners),
    attached: attached as Attachment[],
    holdersIncomplete: holdersIncomplete({ mode: entries.mode(i), uid: entries.uid(i) }, processes.uninspected),
    pool: null,
    error: error ? { code: error.code, message: `${error.syscall} failed: ${error.code}` } : null,
    removal: 'never',
  };
  segment.removal = removalClass(segment);
  return segment;
}

/** PulseAudio segments first, then by name: the order people read a listing in (the engine keeps directory order). */
export function compareSegments(a: Segment, b: Segment): number {
  if (a.pulse !== b.pulse) return a.pulse ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether a segment's data could be a pool: a PulseAudio file name and whole 64 KiB slots after the marker. */
export function mayBePool(segment: Segment): boolean {
  const dataSize = segment.size - MARKER_SIZE;
  return segment.kind === 'file' && segment.pulse && dataSize > 0 && dataSize % SLOT_SIZE === 0;
}

/** Decodes a segment's slots; a segment that cannot be opened now is reported, not thrown. */
export function decodeSegmentPool(dir: string, entry: RawEntry, segment: Segment, processes: ProcessIndex): PoolDecode {
  const ownerPid = segment.owner?.pid;
  try {
    return readPool({
      path: path.join(dir, entry.name),
      identity: entry,
      dataSize: entry.size - MARKER_SIZE,
      resident: entry.allocatedBytes,
      ranges: entry.dataRanges,
      ownerBases: ownerPid === undefined ? undefined : mappingBases(processes, ownerPid, entry.dev, entry.inode),
    });
  } catch (error) {
    return { pool: null, notPool: `could not be read: ${(error as { code?: string }).code ?? String(error)}` };
  }
}

export interface ScanOptions {
  /** Decode PulseAudio pools slot by slot (default true). */
  pools?: boolean;
  /** Find memfd pools, deleted segments and findings (default true). */
  memory?: boolean;
}

export interface ShmSnapshot {
  result: ScanResult;
  processes: ProcessIndex;
}

/** Scans a shm directory and the process table, and judges every entry. */
export function scanShmSnapshot(dir: string = DEFAULT_SHM_DIR, options: ScanOptions = {}): ShmSnapshot {
  const resolved = resolveShmDir(dir);
  const directory = scanDirectoryWithProcesses(resolved);
  const processes = indexProcesses(directory.processes, process.pid);
  const context = { initialPidNamespace: inInitialPidNamespace() };
  const owners = new Map<number, OwnerProcess>();
  const { entries } = directory;
  const segments = new Array<Segment>(entries.count);
  for (let i = 0; i < entries.count; i++) {
    const segment = toSegment(entries, i, processes, context, owners);
    if (options.pools !== false && mayBePool(segment))
      segment.pool = decodeSegmentPool(resolved, entries.entry(i), segment, processes);
    segments[i] = segment;
  }
  const capacity = readCapacity(resolved);
  const memory =
    options.memory === false
      ? { memfds: [], deleted: [], findings: [] }
      : discoverMemory({ processes, shmDev: directory.dev, capacity, segments });
  return {
    result: {
      dir: resolved,
      scannedAt: Date.now(),
      capacity,
      initialPidNamespace: context.initialPidNamespace,
      uninspectedProcesses: processes.uninspected.total,
      procHidepid: processes.uninspected.hidepid,
      segments,
      ...memory,
    },
    processes,
  };
}

export function scanShm(dir: string = DEFAULT_SHM_DIR, options: ScanOptions = {}): ScanResult {
  return scanShmSnapshot(dir, options).result;
}
