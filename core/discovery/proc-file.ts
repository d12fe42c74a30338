/**
 * Opening a file that has no name any more (a memfd, an unlinked segment) through the
 * links /proc keeps to it: /proc/<pid>/fd/<n> and /proc/<pid>/map_files/<start>-<end>
 * (reference §6). The only I/O of the discovery code; tests pass their own opener.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { scanEntry } from '../../native';
import { PAGE_SIZE, type ReadAt } from '../pool/pool-layout';
import { preadReader } from '../pool/read-pool';

export interface OpenedFile {
  dev: number;
  inode: number;
  size: number;
  /** Bytes the filesystem has allocated (st_blocks * 512). */
  allocated: number;
  /** A pread: short at end of file, never a mapping (a truncated file cannot SIGBUS us). */
  read: ReadAt;
  /** Allocated ranges as flat [start, end, ...] (computed on demand, by SEEK_DATA/SEEK_HOLE), or null when unknown. */
  dataRanges(): number[] | null;
  close(): void;
}

/** Opens a path read-only; throws a Node system error (with `.code`) when it cannot. */
export type FileOpener = (path: string) => OpenedFile;

/** The fd link of an open file: needs the right to ptrace the holder (same user, or root). */
export function fdLink(pid: number, fd: number): string {
  return `/proc/${pid}/fd/${fd}`;
}

/** The map_files link of a mapping, its range written as /proc/<pid>/maps writes it (lowercase hex, no 0x). */
export function mapFilesLink(pid: number, start: number, end: number): string {
  return `/proc/${pid}/map_files/${start.toString(16)}-${end.toString(16)}`;
}

const CHUNK_SIZE = 1024 * 1024;
const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);

/**
 * The ranges of pages that hold something other than zeros, read in 1 MiB chunks and
 * stopping once as many pages were found as the filesystem has allocated. What the
 * test fixtures' fake files report as their ranges (openProcLink asks the addon):
 * a page that is allocated but holds only zeros counts as a hole, which for a pool
 * means an untouched slot, never a made-up header.
 */
export function nonZeroRanges(read: ReadAt, size: number, allocated: number): number[] {
  const ranges: number[] = [];
  const budget = Math.ceil(allocated / PAGE_SIZE);
  let found = 0;
  for (let offset = 0; offset < size && found < budget; offset += CHUNK_SIZE) {
    const chunk = read(offset, Math.min(CHUNK_SIZE, size - offset));
    for (let page = 0; page < chunk.length && found < budget; page += PAGE_SIZE) {
      const bytes = chunk.subarray(page, page + PAGE_SIZE);
      if (bytes.equals(ZERO_PAGE.subarray(0, bytes.length))) continue;
      found += 1;
      const start = offset + page;
      const end = start + bytes.length;
      if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
      else ranges.push(start, end);
    }
    if (chunk.length < Math.min(CHUNK_SIZE, size - offset)) break; // truncated under us
  }
  return ranges;
}

/**
 * The addon's SEEK_DATA/SEEK_HOLE ranges of a file this process holds open as `fd`,
 * read through /proc/self/fd/<fd>: scanEntry reads a /proc link as the file it names,
 * and our own fd names the file we opened, whatever the holder's link names by now.
 * The pages are never read (lseeks, often none on tmpfs, and a pread of the 40-byte
 * tail). Null (every slot is then read) if the walk failed; a NativeError (with
 * `.code`) if the link could not be opened, which readHeldFile reports like a failed open.
 */
function nativeRanges(fd: number, dev: number, inode: number): number[] | null {
  const entry = scanEntry('/proc/self/fd', String(fd));
  const same = entry.type === 'file' && entry.dev === dev && entry.inode === inode;
  return same && entry.error === null ? entry.dataRanges : null;
}

/**
 * Opens a /proc link read-only: fstat for size and allocation, pread for contents, the
 * addon for ranges. Never blocks (a held FIFO would), and refuses what is not a regular
 * file; the caller checks it is the file it wanted.
 */
export function openProcLink(link: string): OpenedFile {
  const fd = openSync(link, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw Object.assign(new Error(`${link} is not a regular file`), { code: 'CHANGED' });
    const read = preadReader(fd);
    const file: OpenedFile = {
      dev: stats.dev,
      inode: stats.ino,
      size: stats.size,
      allocated: stats.blocks * 512,
      read,
      dataRanges: () => (file.allocated === 0 ? [] : nativeRanges(fd, file.dev, file.inode)),
      close: () => closeSync(fd),
    };
    return file;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** A system error's code (ENOENT, EACCES...), or null for anything else (a bug must not pass for "unreadable"). */
export function systemErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}
