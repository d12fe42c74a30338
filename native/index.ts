/**
 * The typed front of the native addon. Arguments are checked here, so the C++ stays
 * small; system-call failures come out as NativeError with the errno name as `.code`.
 */
import fs from 'node:fs';
import { dataSizeProblem, entryNameProblem, MAX_DATA_SIZE, MAX_PID, modeProblem } from '../protocol/limits';
import { nameByteLength, nameBytesProblem } from '../protocol/name-bytes';
import type {
  ChannelInterval,
  ChannelSpec,
  InotifyBatch,
  ProcessFilter,
  RawCreated,
  RawDirectoryScan,
  RawEntry,
  RawProcessTable,
  TrafficStats,
  UnlinkOutcome,
} from './addon-types';
import { EntryColumns } from './entry-columns';
import { loadAddon } from './load-addon';
import { NativeError, toNativeError } from './native-error';

export type * from './addon-types';
export { EntryColumns } from './entry-columns';
export { NativeError } from './native-error';

function invalid(message: string): NativeError {
  return new NativeError('EINVAL', message);
}

function call<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toNativeError(error);
  }
}

/**
 * A directory or file the addon opens by path: absolute, a C string, and bytes in
 * their one spelling (protocol/name-bytes.ts), which the addon turns back into bytes.
 */
function checkAbsolute(what: 'directory' | 'path', value: string): void {
  if (!value.startsWith('/')) throw invalid(`${what} "${value}" must be an absolute path`);
  if (value.includes('\0')) throw invalid(`${what} contains a NUL byte`);
  const bytesProblem = nameBytesProblem(value);
  if (bytesProblem) throw invalid(`${what}: ${bytesProblem}`);
}

const checkDir = (dir: string): void => checkAbsolute('directory', dir);

function checkName(name: string): void {
  const problem = entryNameProblem(name);
  if (problem) throw invalid(problem);
}

function checkId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${what} must be a non-negative integer`);
}

/**
 * Every entry of `dir` with its stat, marker bytes and allocated ranges, in one call, an
 * object per entry (the engine reads scanDirectoryWithProcesses's columns instead).
 */
export function scanDirectory(dir: string): RawDirectoryScan {
  checkDir(dir);
  const { dev, columns } = call(() => loadAddon().scanDirectory(dir));
  return { dev, entries: new EntryColumns(columns).entries() };
}

/**
 * One entry of `dir`, read exactly as scanDirectory reads it (for re-checks). Except
 * under /proc: there a symlink (/proc/<pid>/fd/<n>, /proc/<pid>/map_files/<range>) is
 * read as the file it names, memfds and deleted files included, with that file's
 * metadata, tail and dataRanges; a target that is not a regular file is described but
 * never opened. map_files without CAP_SYS_ADMIN gives the link with `error` EPERM.
 * scanDirectory never follows a symlink.
 */
export function scanEntry(dir: string, name: string): RawEntry {
  return scanEntryColumns(dir, name).entry(0);
}

/** scanEntry as columns of one entry (what the engine's judgement reads). */
export function scanEntryColumns(dir: string, name: string): EntryColumns {
  checkDir(dir);
  checkName(name);
  return new EntryColumns(call(() => loadAddon().scanEntry(dir, name)));
}

/** A directory as ProcessFilter.dir wants it: no trailing slash. */
const withoutTrailingSlash = (dir: string): string => dir.replace(/\/+$/, '');

/**
 * Every process in /proc with its shared-memory mappings and fds on `filter`'s filesystem,
 * plus memfds, and the processes that exist (or may) but could not be read. `lookups`
 * are read again by PID after the listing, as a scan reads its segments' owners: a
 * hidepid /proc leaves other users' processes out of its listing. Throws a NativeError
 * (EMFILE, ENFILE, ENOMEM) when /proc cannot be read for want of resources.
 */
export function readProcessTable(filter: ProcessFilter, lookups: readonly number[] = []): RawProcessTable {
  checkDir(filter.dir);
  checkId(filter.dev, 'device');
  for (const pid of lookups) {
    if (!Number.isSafeInteger(pid) || pid < 1 || pid > MAX_PID) throw invalid(`PID ${pid} is out of range`);
  }
  return call(() =>
    loadAddon().readProcessTable({ dev: filter.dev, dir: withoutTrailingSlash(filter.dir) }, [...lookups]),
  );
}

/**
 * scanDirectory(dir), as columns, and readProcessTable for `dir`'s filesystem in one
 * call: the addon reads /proc on a second thread while it reads the directory.
 */
export function scanDirectoryWithProcesses(dir: string): {
  dev: number;
  entries: EntryColumns;
  processes: RawProcessTable;
} {
  checkDir(dir);
  const { dev, columns, processes } = call(() =>
    loadAddon().scanDirectoryWithProcesses(dir, withoutTrailingSlash(dir)),
  );
  return { dev, entries: new EntryColumns(columns), processes };
}

export interface CreateSegmentOptions {
  dir: string;
  /** Exact name; by default a fresh `pulse-shm-<random u32>`. */
  name?: string;
  dataSize: number;
  mode: number;
  /** PID written into the marker; by default this process. */
  markerPid?: number;
}

/**
 * Creates a segment as PulseAudio does: O_EXCL, file size = data size + 40, the marker
 * written with pwrite (so a full tmpfs gives ENOSPC, never SIGBUS), mode set exactly.
 */
export function createSegment(options: CreateSegmentOptions): RawCreated {
  checkDir(options.dir);
  if (options.name !== undefined) checkName(options.name);
  const sizeProblem = dataSizeProblem(options.dataSize);
  if (sizeProblem) throw invalid(sizeProblem);
  const badMode = modeProblem(options.mode);
  if (badMode) throw invalid(badMode);
  const markerPid = options.markerPid ?? process.pid;
  if (!Number.isInteger(markerPid) || markerPid < 1 || markerPid > MAX_PID) {
    throw invalid(`marker PID must be between 1 and ${MAX_PID}`);
  }
  return call(() =>
    loadAddon().createSegment(options.dir, options.name ?? null, options.dataSize, options.mode, markerPid),
  );
}

/**
 * Whether `fd` is a terminal (isatty). What process.stdout.isTTY says, without creating
 * the stream: Node's tty module loads its whole net and stream stack, a tenth of a
 * short command's run.
 */
export function isTerminal(fd: number): boolean {
  checkId(fd, 'fd');
  return call(() => loadAddon().isTerminal(fd));
}

/** Creates a memfd of `size` bytes and returns its fd; it lives as long as the fd or a mapping does. */
export function createMemfd(name: string, size: number): number {
  checkName(name);
  if (nameByteLength(name) > 249) throw invalid('memfd name is longer than 249 bytes');
  const sizeProblem = dataSizeProblem(size);
  if (sizeProblem) throw invalid(sizeProblem);
  return call(() => loadAddon().createMemfd(name, size));
}

/** Maps `length` bytes of `fd` shared (nothing is read or written through it); returns a handle for unmap. */
export function mapShared(fd: number, length: number, writable: boolean): number {
  checkId(fd, 'fd');
  const sizeProblem = dataSizeProblem(length);
  if (sizeProblem) throw invalid(sizeProblem);
  return call(() => loadAddon().mapShared(fd, length, writable));
}

export function unmap(handle: number): void {
  checkId(handle, 'handle');
  call(() => loadAddon().unmap(handle));
}

/** The identity a removal checks: a reused inode number has another birth time. */
export interface FileIdentity {
  dev: number;
  inode: number;
  /** ms since the epoch as the scan reported it, or null where the filesystem records none. */
  birthTimeMs: number | null;
}

/** Removes `dir/name` only if it is still the regular file with this identity. */
export function unlinkIfUnchanged(dir: string, name: string, identity: FileIdentity): UnlinkOutcome {
  checkDir(dir);
  checkName(name);
  checkId(identity.dev, 'device');
  checkId(identity.inode, 'inode');
  const { dev, inode, birthTimeMs } = identity;
  return call(() => loadAddon().unlinkIfUnchanged(dir, name, dev, inode, birthTimeMs ?? Number.NaN));
}

/** The most readIfSame reads at once: it is for headers, not for contents. */
export const MAX_READ_IF_SAME = 1024 * 1024;

/**
 * Reads up to `length` bytes at `offset` of `path` in one call, only if it is still the
 * regular file `identity` (never blocking on a FIFO, never following a symlink unless
 * `followLink`: /proc fd and map_files links). A copy, short at end of file; null when
 * the path is now another file.
 */
export function readIfSame(
  path: string,
  identity: { dev: number; inode: number },
  offset: number,
  length: number,
  options: { followLink?: boolean } = {},
): Buffer | null {
  checkAbsolute('path', path);
  checkId(identity.dev, 'device');
  checkId(identity.inode, 'inode');
  checkId(offset, 'offset');
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_READ_IF_SAME) {
    throw invalid(`length must be a whole number of bytes up to ${MAX_READ_IF_SAME}`);
  }
  return call(() =>
    loadAddon().readIfSame(path, identity.dev, identity.inode, options.followLink === true, offset, length),
  );
}

/** Smallest srbchannel block we accept: a page, far above the 48-byte header. */
const MIN_TRAFFIC_BLOCK = 4096;
const MAX_TRAFFIC_RATE = 1_000_000_000;
/** File descriptors are C ints. */
const MAX_FD = 0x7fffffff;

/**
 * Runs real srbchannel traffic through the block at [blockOffset, blockOffset +
 * blockLength) of the file open read-write at `fd` (PulseAudio uses 65472-byte blocks):
 * writes the header as PulseAudio does (reference §5), then two threads act as daemon
 * and client, each writing `bytesPerSecond` into its outgoing ring in 10 ms chunks and
 * draining its incoming ring every 25 ms. The block stays mapped until trafficStop, so
 * the caller may close `fd` right away. Returns a handle for trafficStats and trafficStop.
 */
export function trafficStart(fd: number, blockOffset: number, blockLength: number, bytesPerSecond: number): number {
  if (!Number.isInteger(fd) || fd < 0 || fd > MAX_FD) throw invalid('fd must be a non-negative integer');
  if (!Number.isSafeInteger(blockOffset) || blockOffset < 0 || blockOffset % 8 !== 0) {
    throw invalid('block offset must be a non-negative multiple of 8');
  }
  if (!Number.isInteger(blockLength) || blockLength < MIN_TRAFFIC_BLOCK || blockLength > MAX_DATA_SIZE) {
    throw invalid(`block length must be an integer from ${MIN_TRAFFIC_BLOCK} to ${MAX_DATA_SIZE} bytes`);
  }
  if (!Number.isInteger(bytesPerSecond) || bytesPerSecond < 1 || bytesPerSecond > MAX_TRAFFIC_RATE) {
    throw invalid(`bytes per second must be an integer from 1 to ${MAX_TRAFFIC_RATE}`);
  }
  // Touching a mapped page past the end of the file would kill the process with SIGBUS.
  const size = call(() => fs.fstatSync(fd).size);
  if (blockOffset + blockLength > size) {
    throw invalid(
      `block [${blockOffset}, ${blockOffset + blockLength}) ends beyond the end of the file (${size} bytes)`,
    );
  }
  return call(() => loadAddon().trafficStart(fd, blockOffset, blockLength, bytesPerSecond));
}

/** Exact byte totals of a running trafficStart so far. */
export function trafficStats(handle: number): TrafficStats {
  checkId(handle, 'handle');
  return call(() => loadAddon().trafficStats(handle));
}

/** Stops and joins both ends, unmaps the block and returns the final totals; EINVAL for an unknown or stopped handle. */
export function trafficStop(handle: number): TrafficStats {
  checkId(handle, 'handle');
  return call(() => loadAddon().trafficStop(handle));
}

/** Fastest and slowest header reads samplerOpen accepts: 10 kHz and 10 Hz. */
export const SAMPLER_PERIOD_MICROS = { min: 100, max: 100_000 } as const;

/**
 * Starts a thread that reads the 32-byte header of every tracked srbchannel whose pool is
 * live each `periodMicros` (one pread through an fd held while some holder runs; see
 * native/src/channel-sampler.h), and sums what it sees into intervals for samplerCollect.
 */
export function samplerOpen(periodMicros: number): number {
  const { min, max } = SAMPLER_PERIOD_MICROS;
  if (!Number.isInteger(periodMicros) || periodMicros < min || periodMicros > max) {
    throw invalid(`sampling period must be an integer from ${min} to ${max} microseconds`);
  }
  return call(() => loadAddon().samplerOpen(periodMicros));
}

/** Replaces the channels a sampler reads; channels that stay keep their interval so far. */
export function samplerTrack(handle: number, channels: readonly ChannelSpec[]): void {
  checkId(handle, 'handle');
  for (const channel of channels) {
    checkAbsolute('path', channel.path);
    checkId(channel.dev, 'device');
    checkId(channel.inode, 'inode');
    checkId(channel.offset, 'offset');
    if (!Number.isSafeInteger(channel.capacity) || channel.capacity < 1 || channel.capacity > 0x7fffffff) {
      throw invalid('capacity must be a positive 32-bit integer');
    }
    for (const pid of channel.holders) {
      if (!Number.isSafeInteger(pid) || pid < 1 || pid > MAX_PID) throw invalid(`PID ${pid} is out of range`);
    }
  }
  const copies = channels.map((channel) => ({ ...channel, holders: [...channel.holders] }));
  call(() => loadAddon().samplerTrack(handle, copies));
}

/** Each tracked channel's interval since the last collect; channels not held are read once, now. */
export function samplerCollect(handle: number): ChannelInterval[] {
  checkId(handle, 'handle');
  return call(() => loadAddon().samplerCollect(handle));
}

/** Stops the sampler's thread and closes every fd it held; EINVAL for an unknown or closed handle. */
export function samplerClose(handle: number): void {
  checkId(handle, 'handle');
  call(() => loadAddon().samplerClose(handle));
}

function checkFd(fd: number): void {
  if (!Number.isInteger(fd) || fd < 0 || fd > MAX_FD) throw invalid('fd must be a non-negative integer');
}

function checkPids(pids: readonly number[]): void {
  for (const pid of pids) {
    if (!Number.isSafeInteger(pid) || pid < 1 || pid > MAX_PID) throw invalid(`PID ${pid} is out of range`);
  }
}

/**
 * readProcessTable without lookups, read on a worker thread: the event loop keeps serving
 * meanwhile. With `sharedMappingsOnly`, private mappings are not read (the kernel skips
 * them: a browser process maps hundreds of libraries privately); the caller carries what
 * it read of them before.
 */
export function readProcessTableAsync(
  filter: ProcessFilter,
  options: { sharedMappingsOnly?: boolean } = {},
): Promise<RawProcessTable> {
  checkDir(filter.dir);
  checkId(filter.dev, 'device');
  return loadAddon()
    .readProcessTableAsync(
      { dev: filter.dev, dir: withoutTrailingSlash(filter.dir) },
      options.sharedMappingsOnly === true,
    )
    .catch((error: unknown) => {
      throw toNativeError(error);
    });
}

/**
 * Only `pids`, read now as readProcessTable reads each process: the ones that exist are
 * in `processes`, those that may but cannot be read in `unreadable`, and the ones that
 * are gone (ENOENT or ESRCH, confirmed by kill) in neither. Throws (EMFILE...) when a read
 * fails for want of resources: never a process taken for gone.
 */
export function readProcesses(
  filter: ProcessFilter,
  pids: readonly number[],
): Pick<RawProcessTable, 'processes' | 'unreadable'> {
  checkDir(filter.dir);
  checkId(filter.dev, 'device');
  checkPids(pids);
  return call(() => loadAddon().readProcesses({ dev: filter.dev, dir: withoutTrailingSlash(filter.dir) }, [...pids]));
}

/** scanDirectoryWithProcesses read on a worker thread (the columns are made on the main thread, in one pass). */
export async function scanDirectoryWithProcessesAsync(dir: string): Promise<{
  dev: number;
  entries: EntryColumns;
  processes: RawProcessTable;
}> {
  checkDir(dir);
  try {
    const { dev, columns, processes } = await loadAddon().scanDirectoryWithProcessesAsync(
      dir,
      withoutTrailingSlash(dir),
    );
    return { dev, entries: new EntryColumns(columns), processes };
  } catch (error) {
    throw toNativeError(error);
  }
}

/** A non-blocking inotify fd on `dir` (entries created, removed, renamed, written; the directory going). */
export function inotifyWatchDir(dir: string): number {
  checkDir(dir);
  return call(() => loadAddon().inotifyWatchDir(dir));
}

/** Every event queued on an inotify fd now, as names (never blocks). */
export function inotifyDrain(fd: number): InotifyBatch {
  checkFd(fd);
  return call(() => loadAddon().inotifyDrain(fd));
}

/** An eventfd, to wake a waitReadable from the event loop. */
export function eventfdOpen(): number {
  return call(() => loadAddon().eventfdOpen());
}

export function eventfdSignal(fd: number): void {
  checkFd(fd);
  call(() => loadAddon().eventfdSignal(fd));
}

export function eventfdDrain(fd: number): void {
  checkFd(fd);
  call(() => loadAddon().eventfdDrain(fd));
}

/**
 * A pidfd for `pid`, readable once the process exits; only if the PID still belongs to
 * the process that started at `startTicks`, else ESRCH. Any NativeError (EMFILE, ENOSYS,
 * ESRCH) means "no pidfd", never "exited": read the process again to know.
 */
export function pidfdOpen(pid: number, startTicks: number): number {
  checkPids([pid]);
  checkId(startTicks, 'start ticks');
  return call(() => loadAddon().pidfdOpen(pid, startTicks));
}

export function closeFd(fd: number): void {
  checkFd(fd);
  call(() => loadAddon().closeFd(fd));
}

/** Waits on a worker thread until some of `fds` are readable (or `timeoutMs` passes, -1: no limit); resolves with them. */
export function waitReadable(fds: readonly number[], timeoutMs: number): Promise<number[]> {
  for (const fd of fds) checkFd(fd);
  if (!Number.isInteger(timeoutMs) || timeoutMs < -1) throw invalid('timeout must be -1 or a whole number of ms');
  return loadAddon()
    .waitReadable([...fds], timeoutMs)
    .catch((error: unknown) => {
      throw toNativeError(error);
    });
}
