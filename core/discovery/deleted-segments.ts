/**
 * Segments unlinked from the shm directory while processes still map or hold them: they
 * keep their memory on the shm filesystem with no name to list, which is why `df` of the
 * directory can show far more used than `ls` accounts for.
 */
import type { DeletedSegment } from '../../protocol/memory';
import type { ProcessIndex } from '../process-index';
import { gatherHeldFiles, readHeldFile } from './held-files';
import { MEMFD_PREFIX } from './memfd-pools';
import { openProcLink, type FileOpener } from './proc-file';

export interface DiscoverDeletedOptions {
  /** How a /proc link is opened; tests pass an in-memory one. */
  open?: FileOpener;
  /** The inodes the directory scan listed on `shmDev`, where a live view keeps them (instead of `listed`). */
  listedInodes?: ReadonlySet<number> | ReadonlyMap<number, unknown>;
  /**
   * Files the directory scan listed. The kernel marks an unlinked file by appending
   * " (deleted)" to its path, so a live file literally named "x (deleted)" looks the
   * same in /proc; a file still listed is not reported as deleted.
   */
  listed?: readonly { dev: number; inode: number }[];
}

/**
 * Every unlinked file on the shm filesystem (device `shmDev`) that a live process still
 * maps or holds open, once per (dev, inode), with its holders. Size and allocated bytes
 * come from opening it through a holder's fd or map_files link, or are null when none
 * could be opened. Memfds are excluded: they were never in the directory.
 */
export function discoverDeletedSegments(
  index: ProcessIndex,
  shmDev: number,
  options: DiscoverDeletedOptions = {},
): DeletedSegment[] {
  const open = options.open ?? openProcLink;
  // The listed inodes on the shm device, gathered only if some held file is marked deleted
  // (usually none is, and a scan may list 10,000 files).
  let listed: Set<number> | null = null;
  const isListed = (inode: number): boolean =>
    options.listedInodes?.has(inode) ??
    (listed ??= new Set((options.listed ?? []).filter((file) => file.dev === shmDev).map((file) => file.inode))).has(
      inode,
    );
  const files = gatherHeldFiles(
    index,
    (held) => held.deleted && held.dev === shmDev && !held.path.startsWith(MEMFD_PREFIX) && !isListed(held.inode),
  );
  return files
    .map((file): DeletedSegment => {
      const outcome = readHeldFile(file, open, (opened) => ({ size: opened.size, allocated: opened.allocated }));
      const { dev, inode, path, holders } = file;
      return {
        path,
        dev,
        inode,
        size: outcome.value?.size ?? null,
        allocated: outcome.value?.allocated ?? null,
        holders,
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.inode - b.inode));
}
