import type { RawFd, RawMapping, RawProcess, RawProcessTable, RawUnreadableProcess } from '../native';
import type { Holder } from '../protocol/memory';
import type { Access, Attachment } from '../protocol/scan-result';
import { fdLink, mapFilesLink } from './discovery/proc-file';
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

/**
 * A file that live processes map or hold open, once per (dev, inode): the one model of who
 * holds what, for classification, discovery, findings and the sampler.
 */
export interface HeldFile {
  dev: number;
  inode: number;
  /** The path as the kernel shows it (without " (deleted)"), from the first holder seen. */
  path: string;
  /** Whether the kernel marks it deleted (unlinked, or a memfd). */
  deleted: boolean;
  /** Each live process once, by PID, in PID order. */
  holders: Holder[];
  /** The same holders as a segment lists them (without the uid, which the segment's JSON does not carry). */
  attached: Attachment[];
  /**
   * /proc links that open the file, in the one order every reader tries them: this
   * process's own mappings (always ours to open), then holders' fds (no CAP_SYS_ADMIN
   * needed), then mappings of the file's start, then the other mappings.
   */
  links: string[];
  /** Where holders map the file's start (mappings at offset 0), to check a pool's implied base against. */
  bases: bigint[];
  /** The largest offset + length among the mappings: what the maps alone say of the size (0 when only fds hold it). */
  mappedExtent: number;
}

/** The process table, indexed the ways the engine asks: by PID, and the files held by (dev, inode). */
export interface ProcessIndex {
  byPid: Map<number, ProcessInfo>;
  /** The raw entries, with each process's shm and memfd mappings and fds. */
  raw: Map<number, RawProcess>;
  /** Every file live processes hold, by device then inode (numeric keys: a scan looks up every entry). */
  files: Map<number, Map<number, HeldFile>>;
  /** Processes that exist, or may, but whose /proc entry could not be read (EACCES, hidepid...). */
  unreadable: Map<number, RawUnreadableProcess>;
  /** What could not be inspected: whether a file's holders are all known (holder-coverage.ts). */
  uninspected: Uninspected;
}

/** The holders of a file no live process holds: one shared, frozen empty list. */
export const NO_HOLDERS: readonly Holder[] = Object.freeze([]);

/** The held file (dev, inode), or undefined when no live process holds it. */
export function heldFileOf(index: ProcessIndex, dev: number, inode: number): HeldFile | undefined {
  return index.files.get(dev)?.get(inode);
}

/** The live processes that map or hold the file (dev, inode), as a segment lists them; a shared empty list when none do. */
export function holdersOf(index: ProcessIndex, dev: number, inode: number): readonly Attachment[] {
  return heldFileOf(index, dev, inode)?.attached ?? NO_HOLDERS;
}

/** Whether two holder lists name the same processes, holding the same way (as the same user, for Holders). */
export function sameHolders(a: readonly Attachment[], b: readonly Attachment[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as Attachment & Partial<Holder>;
    const y = b[k] as Attachment & Partial<Holder>;
    if (x.pid !== y.pid || x.comm !== y.comm || x.access !== y.access || x.uid !== y.uid) return false;
    if (x.via.join() !== y.via.join()) return false;
  }
  return true;
}

/** A zombie or dead task (Z, X, or x as some kernels write it) has no memory map left: it is not alive. */
export function isExited(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
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

/** A file being gathered: its links by rank (own mappings, fds, start mappings, other mappings). */
interface Gathering {
  file: HeldFile;
  ranked: [string[], string[], string[], string[]];
  byPid: Map<number, Holder>;
}

/** Groups every live process's mappings and fds by file, each process once per file, merging access and how it holds it. */
class HeldFilesBuilder {
  private readonly gatherings = new Map<number, Map<number, Gathering>>();

  constructor(private readonly selfPid: number | undefined) {}

  private gatheringOf(held: RawMapping | RawFd): Gathering {
    let byInode = this.gatherings.get(held.dev);
    if (!byInode) this.gatherings.set(held.dev, (byInode = new Map()));
    let gathering = byInode.get(held.inode);
    if (!gathering) {
      const { dev, inode, path, deleted } = held;
      const file: HeldFile = {
        dev,
        inode,
        path,
        deleted,
        holders: [],
        attached: [],
        links: [],
        bases: [],
        mappedExtent: 0,
      };
      gathering = { file, ranked: [[], [], [], []], byPid: new Map() };
      byInode.set(held.inode, gathering);
    }
    return gathering;
  }

  private hold(gathering: Gathering, process: RawProcess, access: Access, via: 'map' | 'fd'): void {
    const existing = gathering.byPid.get(process.pid);
    if (!existing) {
      gathering.byPid.set(process.pid, { pid: process.pid, comm: process.comm, uid: process.uid, access, via: [via] });
      return;
    }
    if (access === 'rw') existing.access = 'rw';
    if (!existing.via.includes(via)) existing.via.push(via);
  }

  add(process: RawProcess): void {
    const self = process.pid === this.selfPid;
    for (const mapping of process.mappings) {
      const gathering = this.gatheringOf(mapping);
      this.hold(gathering, process, mappingAccess(mapping.perms), 'map');
      const link = mapFilesLink(process.pid, mapping.start, mapping.end);
      if (mapping.offset === 0) gathering.file.bases.push(BigInt(mapping.start));
      gathering.ranked[self ? 0 : mapping.offset === 0 ? 2 : 3].push(link);
      const extent = mapping.offset + (mapping.end - mapping.start);
      if (extent > gathering.file.mappedExtent) gathering.file.mappedExtent = extent;
    }
    for (const fd of process.fds) {
      // This process's read-only fds are the inspector's own reads (a sampler, a re-check):
      // they neither make it a holder nor stay open long enough to read through.
      if (self && fdAccess(fd.accessMode) === 'ro') continue;
      const gathering = this.gatheringOf(fd);
      this.hold(gathering, process, fdAccess(fd.accessMode), 'fd');
      gathering.ranked[1].push(fdLink(process.pid, fd.fd));
    }
  }

  finish(): Map<number, Map<number, HeldFile>> {
    const files = new Map<number, Map<number, HeldFile>>();
    for (const [dev, byInode] of this.gatherings) {
      const held = new Map<number, HeldFile>();
      for (const [inode, { file, ranked, byPid }] of byInode) {
        file.holders = byPid.size === 1 ? [...byPid.values()] : [...byPid.values()].sort((x, y) => x.pid - y.pid);
        file.attached = file.holders.map(({ pid, comm, access, via }) => ({ pid, comm, access, via }));
        file.links = ranked.flat();
        held.set(inode, file);
      }
      files.set(dev, held);
    }
    return files;
  }
}

/**
 * Indexes a process table: processes by PID, and one HeldFile per file that live
 * processes hold (zombies hold nothing). `selfPid`'s read-only fds are left out: they are
 * the inspector's own reads, and must not make a segment look held.
 */
export function indexProcesses(
  table: RawProcessTable,
  selfPid?: number,
  euid: number = process.geteuid?.() ?? 0,
): ProcessIndex {
  // A table that read no boot time (a live state's empty one, before its first scan) fixes none.
  if (table.bootTimeMs > 0) bootTimeMs ??= table.bootTimeMs;
  const boot = bootTimeMs ?? table.bootTimeMs;
  const byPid = new Map<number, ProcessInfo>();
  const raw = new Map<number, RawProcess>();
  const files = new HeldFilesBuilder(selfPid);
  const msPerTick = 1000 / table.ticksPerSecond;
  for (const process of table.processes) {
    raw.set(process.pid, process);
    byPid.set(process.pid, {
      pid: process.pid,
      ppid: process.ppid,
      comm: process.comm,
      state: process.state,
      uid: process.uid,
      startTime: boot + process.startTicks * msPerTick,
    });
    if (!isExited(process.state)) files.add(process);
  }
  const unreadable = new Map(table.unreadable.map((entry) => [entry.pid, entry]));
  return { byPid, raw, files: files.finish(), unreadable, uninspected: countUninspected(table, euid) };
}

/** Whether two reads of the same arrays hold equal elements, by `same`. */
function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!same(a[k] as T, b[k] as T)) return false;
  return true;
}

const sameMapping = (x: RawMapping, y: RawMapping): boolean =>
  x.start === y.start &&
  x.end === y.end &&
  x.perms === y.perms &&
  x.offset === y.offset &&
  x.dev === y.dev &&
  x.inode === y.inode &&
  x.path === y.path &&
  x.deleted === y.deleted;

const sameFd = (x: RawFd, y: RawFd): boolean =>
  x.fd === y.fd &&
  x.path === y.path &&
  x.deleted === y.deleted &&
  x.dev === y.dev &&
  x.inode === y.inode &&
  x.accessMode === y.accessMode;

const sameProcess = (x: RawProcess, y: RawProcess): boolean =>
  x.pid === y.pid &&
  x.startTicks === y.startTicks &&
  x.comm === y.comm &&
  x.ppid === y.ppid &&
  x.uid === y.uid &&
  isExited(x.state) === isExited(y.state) &&
  x.mapsError === y.mapsError &&
  x.fdsError === y.fdsError &&
  sameList(x.mappings, y.mappings, sameMapping) &&
  sameList(x.fds, y.fds, sameFd);

/**
 * Whether two reads of /proc index the same: the same processes, in the same order, with
 * the same holds, errors and exited-or-not (a process flips between R and S all the time:
 * no verdict reads more of its state), and the same unreadable ones.
 */
export function sameProcessTable(a: RawProcessTable, b: RawProcessTable): boolean {
  return (
    a.hidepid === b.hidepid &&
    a.ticksPerSecond === b.ticksPerSecond &&
    sameList(a.unreadable, b.unreadable, (x, y) => x.pid === y.pid && x.code === y.code && x.hidepid === y.hidepid) &&
    sameList(a.processes, b.processes, sameProcess)
  );
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
