import type { RawProcess, RawProcessTable, RawUnreadableProcess } from '../native';
import type { Access, Attachment } from '../protocol/scan-result';
import { countUninspected, type Uninspected } from './holder-coverage';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  uid: number;
  /** Wall-clock start, ms since the epoch, rounded down to a clock tick. */
  startTime: number;
}

/** The process table, indexed the ways the classifier asks: by PID and by file identity. */
export interface ProcessIndex {
  byPid: Map<number, ProcessInfo>;
  /** The raw entries, with each process's shm and memfd mappings and fds. */
  raw: Map<number, RawProcess>;
  /** Live holders of each file, by device then inode (numeric keys: a scan looks up every entry). */
  holders: Map<number, Map<number, Attachment[]>>;
  /** Processes that exist, or may, but whose /proc entry could not be read (EACCES, hidepid...). */
  unreadable: Map<number, RawUnreadableProcess>;
  /** What could not be inspected: whether a file's holders are all known (holder-coverage.ts). */
  uninspected: Uninspected;
}

const NO_HOLDERS: readonly Attachment[] = Object.freeze([]);

/** The live processes that map or hold the file (dev, inode); a shared empty list when none do. */
export function holdersOf(index: ProcessIndex, dev: number, inode: number): readonly Attachment[] {
  return index.holders.get(dev)?.get(inode) ?? NO_HOLDERS;
}

/** A zombie or dead task has no memory map left: it is not alive, whatever kill(pid, 0) says. */
export function isExited(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/** Records that `process` holds file (dev, inode): one attachment per process and file, listed under the file. */
function addHold(
  holders: ProcessIndex['holders'],
  file: { dev: number; inode: number },
  process: RawProcess,
  access: Access,
  via: 'map' | 'fd',
): void {
  let byInode = holders.get(file.dev);
  if (!byInode) holders.set(file.dev, (byInode = new Map()));
  let list = byInode.get(file.inode);
  if (!list) byInode.set(file.inode, (list = []));
  const existing = list.find((attachment) => attachment.pid === process.pid);
  if (!existing) {
    list.push({ pid: process.pid, comm: process.comm, access, via: [via] });
    return;
  }
  if (access === 'rw') existing.access = 'rw';
  if (!existing.via.includes(via)) existing.via.push(via);
}

/** A shared writable mapping ("rw-s") writes to the file; a private one ("rw-p") only to its own copy. */
export function mappingAccess(perms: string): Access {
  return perms[1] === 'w' && perms[3] === 's' ? 'rw' : 'ro';
}

/** O_WRONLY or O_RDWR: the fd can write. */
export function fdAccess(accessMode: number): Access {
  return accessMode === 1 || accessMode === 2 ? 'rw' : 'ro';
}

/**
 * Boot time as first measured: CLOCK_REALTIME - CLOCK_BOOTTIME moves by fractions of a ms
 * between two readings, which would make every start time (and every owner) look
 * changed on each scan.
 */
let bootTimeMs: number | undefined;

/**
 * Indexes a process table. `selfPid`'s read-only fds are left out of the holders: they
 * are the inspector's own reads (a sampler, a re-check), and must not make a segment
 * look held.
 */
export function indexProcesses(
  table: RawProcessTable,
  selfPid?: number,
  euid: number = process.geteuid?.() ?? 0,
): ProcessIndex {
  bootTimeMs ??= table.bootTimeMs;
  const byPid = new Map<number, ProcessInfo>();
  const raw = new Map<number, RawProcess>();
  const holders = new Map<number, Map<number, Attachment[]>>();
  const msPerTick = 1000 / table.ticksPerSecond;
  for (const process of table.processes) {
    raw.set(process.pid, process);
    byPid.set(process.pid, {
      pid: process.pid,
      ppid: process.ppid,
      comm: process.comm,
      state: process.state,
      uid: process.uid,
      startTime: bootTimeMs + process.startTicks * msPerTick,
    });
    if (isExited(process.state)) continue;
    for (const mapping of process.mappings) addHold(holders, mapping, process, mappingAccess(mapping.perms), 'map');
    for (const fd of process.fds) {
      if (process.pid === selfPid && fdAccess(fd.accessMode) === 'ro') continue;
      addHold(holders, fd, process, fdAccess(fd.accessMode), 'fd');
    }
  }
  const unreadable = new Map(table.unreadable.map((entry) => [entry.pid, entry]));
  return { byPid, raw, holders, unreadable, uninspected: countUninspected(table, euid) };
}

/**
 * Where `pid` maps the start of file (dev, inode): every such base (a process may map a
 * pool twice), or undefined when its maps could not be read.
 */
export function mappingBases(index: ProcessIndex, pid: number, dev: number, inode: number): bigint[] | undefined {
  const process = index.raw.get(pid);
  if (!process || process.mapsError !== null) return undefined;
  return process.mappings
    .filter((candidate) => candidate.dev === dev && candidate.inode === inode && candidate.offset === 0)
    .map((mapping) => BigInt(mapping.start));
}
