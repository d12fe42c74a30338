/**
 * Hand-built process tables, segments and in-memory files for the discovery unit tests:
 * the index is built by the real indexProcesses, only /proc and the files are made up.
 */
import type { RawFd, RawMapping, RawProcess } from '../../native';
import type { Segment } from '../../protocol/scan-result';
import { indexProcesses, type ProcessIndex } from '../process-index';
import { nonZeroRanges, type FileOpener, type OpenedFile } from './proc-file';

/** The device memfds show in maps (00:01 on the machines seen). */
export const MEMFD_DEV = 1;
/** A tmpfs device standing in for /dev/shm. */
export const SHM_DEV = 26;

export function rawProcess(pid: number, fields: Partial<RawProcess> = {}): RawProcess {
  return {
    pid,
    comm: `proc${pid}`,
    state: 'S',
    ppid: 1,
    startTicks: 100,
    uid: 1000,
    mappings: [],
    fds: [],
    mapsError: null,
    fdsError: null,
    ...fields,
  };
}

export function mapping(fields: Partial<RawMapping> & Pick<RawMapping, 'inode' | 'start'>): RawMapping {
  return {
    end: fields.start + 4 * 65536,
    perms: 'rw-s',
    offset: 0,
    dev: MEMFD_DEV,
    path: '/memfd:pulseaudio',
    deleted: true,
    ...fields,
  };
}

export function openFd(fields: Partial<RawFd> & Pick<RawFd, 'fd' | 'inode'>): RawFd {
  return { path: '/memfd:pulseaudio', deleted: true, dev: MEMFD_DEV, accessMode: 2, ...fields };
}

export function indexOf(...processes: RawProcess[]): ProcessIndex {
  return indexAsSelf(undefined, ...processes);
}

/** The index as the inspector running as `selfPid` builds it (its own read-only fds left out). */
export function indexAsSelf(selfPid: number | undefined, ...processes: RawProcess[]): ProcessIndex {
  return indexProcesses({ bootTimeMs: 0, ticksPerSecond: 100, processes, unreadable: [], hidepid: null }, selfPid);
}

export interface FakeFile {
  dev?: number;
  inode: number;
  /** The file's contents; their length is the size unless `size` says otherwise. */
  bytes: Buffer;
  /** A size beyond the bytes: reads past them come back short, like a truncated file. */
  size?: number;
  /** Defaults to the bytes rounded up to pages. */
  allocated?: number;
}

/** A file system of /proc links: a link opens a file, or fails with an errno code. */
export class FakeLinks {
  readonly opened: string[] = [];
  /** Bytes read through every opened file. */
  bytesRead = 0;
  private readonly links = new Map<string, FakeFile | string>();

  set(link: string, target: FakeFile | string): this {
    this.links.set(link, target);
    return this;
  }

  readonly open: FileOpener = (link) => {
    this.opened.push(link);
    const target = this.links.get(link) ?? 'ENOENT';
    if (typeof target === 'string') throw Object.assign(new Error(`${target}: ${link}`), { code: target });
    const { bytes } = target;
    const read = (offset: number, length: number): Buffer => {
      const slice = Buffer.from(bytes.subarray(offset, offset + length));
      this.bytesRead += slice.length;
      return slice;
    };
    const allocated = target.allocated ?? Math.ceil(bytes.length / 4096) * 4096;
    const file: OpenedFile = {
      dev: target.dev ?? MEMFD_DEV,
      inode: target.inode,
      size: target.size ?? bytes.length,
      allocated,
      read,
      dataRanges: () => nonZeroRanges(read, target.size ?? bytes.length, allocated),
      close: () => undefined,
    };
    return file;
  };
}

/** A live 64 MiB PulseAudio segment of uid 1000: the daemon maps it writable, a client read-only. */
export function segment(fields: Partial<Segment> = {}): Segment {
  return {
    name: 'pulse-shm-1',
    kind: 'file',
    size: 64 * 1024 * 1024 + 40,
    allocated: 64 * 1024,
    dev: SHM_DEV,
    inode: 100,
    mode: 0o700,
    uid: 1000,
    gid: 1000,
    birthTime: 0,
    mtime: 0,
    pulse: true,
    state: 'live',
    reason: '',
    marker: null,
    owner: { pid: 10, comm: 'pulseaudio', state: 'S', startTime: 0 },
    attached: [
      { pid: 10, comm: 'pulseaudio', access: 'rw', via: ['map'] },
      { pid: 20, comm: 'paplay', access: 'ro', via: ['map'] },
    ],
    holdersIncomplete: null,
    removal: 'never',
    error: null,
    pool: null,
    ...fields,
  };
}
