/**
 * The shapes the C++ addon returns. Plain values only: the addon never hands out a
 * Buffer that points into an mmap (Electron's memory cage forbids it), only copies.
 * Numbers that are 64-bit in the kernel (dev, inode, sizes, addresses) are JS numbers:
 * on Linux they stay below 2^53 for tmpfs devices, inodes and user-space addresses.
 * Names, paths and process names are bytes: strings here hold them as UTF-8 with each
 * undecodable byte as U+DC80..U+DCFF (protocol/name-bytes.ts), in both directions.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** A per-entry failure: the entry is still reported, with what could be read. */
export interface EntryError {
  code: string;
  syscall: string;
}

export interface RawEntry {
  name: string;
  type: EntryType;
  dev: number;
  inode: number;
  size: number;
  /** Permission bits only (mode & 07777). */
  mode: number;
  uid: number;
  gid: number;
  /** statx birth time in ms since the epoch, or null where the filesystem has none. */
  birthTimeMs: number | null;
  mtimeMs: number;
  /** Bytes the filesystem has allocated (st_blocks * 512). */
  allocatedBytes: number;
  /** Allocated ranges from SEEK_DATA/SEEK_HOLE as flat [start, end, start, end...]. */
  dataRanges: number[] | null;
  /** The last 40 bytes (where PulseAudio puts its marker), or null if the file is smaller or unreadable. */
  tail: RawTail | null;
  error: EntryError | null;
}

/** The last 40 bytes of a file, as the addon read them with pread. */
export interface RawTail {
  /** Bytes 0-3 as an unsigned 32-bit little-endian number (a marker's magic). */
  magic: number;
  /** Bytes 4-7 as a signed 32-bit little-endian number (a marker's PID). */
  pid: number;
  /** All 40 bytes as 80 lowercase hex digits. */
  hex: string;
}

export interface RawDirectoryScan {
  dev: number;
  entries: RawEntry[];
}

/** Entries as the addon returns them, in columns (read through EntryColumns, entry-columns.ts). */
export interface RawEntryColumns {
  count: number;
  /** The names joined by '/'. */
  names: string;
  /** 16 numbers per entry (binding.cc's EntryField). */
  numbers: Float64Array;
  /** Every entry's data ranges, one after the other. */
  ranges: Float64Array;
  /** Every tail as 80 hex digits, one after the other. */
  tailsHex: string;
  errors: EntryError[];
}

export interface RawMapping {
  start: number;
  end: number;
  /** As in /proc/<pid>/maps, e.g. "rw-s". */
  perms: string;
  offset: number;
  dev: number;
  inode: number;
  /** Path as the kernel shows it, without the " (deleted)" suffix. */
  path: string;
  deleted: boolean;
}

export interface RawFd {
  fd: number;
  path: string;
  deleted: boolean;
  dev: number;
  inode: number;
  /** O_ACCMODE bits of the open file's flags (0 read, 1 write, 2 read-write), -1 if unknown. */
  accessMode: number;
}

export interface RawProcess {
  pid: number;
  comm: string;
  /** State letter from /proc/<pid>/stat: R, S, D, Z, T, t, X, I... */
  state: string;
  ppid: number;
  /** Start time in clock ticks since boot (field 22 of stat). */
  startTicks: number;
  uid: number;
  mappings: RawMapping[];
  fds: RawFd[];
  /** Why maps or fds could not be read (EACCES for other users' processes...). */
  mapsError: string | null;
  fdsError: string | null;
}

/**
 * A process that exists, or may, whose /proc entry could not be read: EACCES or EPERM,
 * or ENOENT while kill(pid, 0) still finds the PID (hidden by a hidepid /proc). Never
 * taken for exited.
 */
export interface RawUnreadableProcess {
  pid: number;
  /** Errno name of the failed open or read of /proc/<pid>. */
  code: string;
  /** /proc's hidepid mount option ("2", "invisible"...) when it is on, else null. */
  hidepid: string | null;
}

export interface RawProcessTable {
  /** CLOCK_REALTIME minus CLOCK_BOOTTIME, in ms: the wall-clock time of boot, to tick precision. */
  bootTimeMs: number;
  ticksPerSecond: number;
  /**
   * Processes read. One whose main thread has exited while another thread runs is read
   * through that thread: its state is the live thread's, its maps and fds the process's.
   */
  processes: RawProcess[];
  unreadable: RawUnreadableProcess[];
  /** /proc's hidepid mount option when it is on, else null: other users' processes may then be left out. */
  hidepid: string | null;
}

export interface ProcessFilter {
  /** Keep mappings on this device (the scanned directory's filesystem). */
  dev: number;
  /** Keep fds whose link target is inside this directory (absolute, no trailing slash). */
  dir: string;
}

export interface RawCreated {
  name: string;
  dev: number;
  inode: number;
  fileSize: number;
}

export type UnlinkOutcome = 'removed' | 'missing' | 'changed' | 'not-regular';

/** Exact byte totals of one srbchannel ring since trafficStart. */
export interface RingTotals {
  written: number;
  read: number;
}

/** Totals of a lab srbchannel run (reference §5): ring 1 is the "read" ring, ring 2 the "write" ring. */
export interface TrafficStats {
  /** False in the totals trafficStop returns: both ends are joined and the block unmapped. */
  running: boolean;
  ring1: RingTotals;
  ring2: RingTotals;
  /** Bytes a reader found different from the pattern its peer wrote: 0 unless the ring is corrupted. */
  errors: number;
  elapsedMs: number;
}

/** One srbchannel for samplerTrack, as the scan found it (reference §5). */
export interface ChannelSpec {
  /** The caller's name for the channel; intervals carry it back. */
  key: string;
  /** An absolute path that opens the pool: its shm file, or a /proc fd or map_files link. */
  path: string;
  dev: number;
  inode: number;
  /** Follow a final symlink: true for the /proc links only. */
  followLink: boolean;
  /** File offset of the srbchannel header. */
  offset: number;
  /** Bytes per ring: counts above it mean the block is no longer an srbchannel. */
  capacity: number;
  /** PIDs that map or hold the pool, the inspector's own read-only fds left out: the channel is live while one runs. */
  holders: number[];
}

/** What one channel did between two samplerCollect calls. */
export interface ChannelInterval {
  key: string;
  /** Whether the sampler held the pool open and read it every period (the channel is live), or read it once at collect. */
  held: boolean;
  /** Header reads in the interval. */
  reads: number;
  /** The sum of each ring's fill increases between consecutive reads: bytes written into it, as far as the reads saw. */
  readBytes: number;
  writeBytes: number;
  /** The highest fill of each ring the reads saw. */
  readPeak: number;
  writePeak: number;
  /** Reads whose semaphore words (waiting, signalled of either ring) differed from the read before. */
  wakeups: number;
  /** The last header read ever: read count, write count, then each ring's fdsem (waiting, signalled, in_pipe). */
  last: number[] | null;
  /** Why a read failed in the interval: an errno name, CHANGED (not the scanned file) or NOT_SRBCHANNEL; null if none did. */
  error: string | null;
}

/** The addon's exports, exactly as binding.cc registers them. */
export interface Addon {
  scanDirectory(dir: string): { dev: number; columns: RawEntryColumns };
  scanEntry(dir: string, name: string): RawEntryColumns;
  /** The whole table, then each of `lookups` read again by PID (found even where a hidepid /proc lists it not). */
  readProcessTable(filter: ProcessFilter, lookups?: number[]): RawProcessTable;
  /** `procDir`: the directory as ProcessFilter.dir wants it; the device is the scanned directory's. */
  scanDirectoryWithProcesses(
    dir: string,
    procDir: string,
  ): { dev: number; columns: RawEntryColumns; processes: RawProcessTable };
  createSegment(dir: string, name: string | null, dataSize: number, mode: number, markerPid: number): RawCreated;
  createMemfd(name: string, size: number): number;
  mapShared(fd: number, length: number, writable: boolean): number;
  unmap(handle: number): void;
  isTerminal(fd: number): boolean;
  /** `birthTimeMs` NaN: the filesystem records none, so only dev and inode are compared. */
  unlinkIfUnchanged(dir: string, name: string, dev: number, inode: number, birthTimeMs: number): UnlinkOutcome;
  readIfSame(
    path: string,
    dev: number,
    inode: number,
    followLink: boolean,
    offset: number,
    length: number,
  ): Buffer | null;
  trafficStart(fd: number, blockOffset: number, blockLength: number, bytesPerSecond: number): number;
  trafficStats(handle: number): TrafficStats;
  trafficStop(handle: number): TrafficStats;
  samplerOpen(periodMicros: number): number;
  samplerTrack(handle: number, channels: ChannelSpec[]): void;
  samplerCollect(handle: number): ChannelInterval[];
  samplerClose(handle: number): void;
  readProcessTableAsync(filter: ProcessFilter, sharedMappingsOnly: boolean): Promise<RawProcessTable>;
  scanDirectoryWithProcessesAsync(
    dir: string,
    procDir: string,
  ): Promise<{ dev: number; columns: RawEntryColumns; processes: RawProcessTable }>;
  /** Only these PIDs (boot time and tick rate are not read: take them from a full table). */
  readProcesses(filter: ProcessFilter, pids: number[]): Pick<RawProcessTable, 'processes' | 'unreadable'>;
  inotifyWatchDir(dir: string): number;
  inotifyDrain(fd: number): InotifyBatch;
  eventfdOpen(): number;
  eventfdSignal(fd: number): void;
  eventfdDrain(fd: number): void;
  pidfdOpen(pid: number, startTicks: number): number;
  closeFd(fd: number): void;
  waitReadable(fds: number[], timeoutMs: number): Promise<number[]>;
}

/** What an inotify fd had queued. */
export interface InotifyBatch {
  /** The entries the events name, each once. */
  names: string[];
  /** IN_Q_OVERFLOW: events were lost, only a full scan knows what changed. */
  overflow: boolean;
  /** The directory itself was removed, moved or unmounted: watch it again. */
  dirChanged: boolean;
}
