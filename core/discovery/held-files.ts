/**
 * Files known only from what processes hold (mappings and fds in /proc), grouped by
 * identity: the same memfd mapped twice in one process, or by a daemon and its client,
 * is one file (reference §6). Shared by memfd and deleted-segment discovery.
 */
import type { Access } from '../../protocol/scan-result';
import type { Holder } from '../../protocol/memory';
import { fdAccess, isExited, mappingAccess, type ProcessIndex } from '../process-index';
import { fdLink, mapFilesLink, systemErrorCode, type FileOpener, type OpenedFile } from './proc-file';

/** What a mapping and an fd have in common, for choosing which ones belong to a discovery. */
export interface HeldPath {
  path: string;
  deleted: boolean;
  dev: number;
  inode: number;
}

export interface HeldFile {
  dev: number;
  inode: number;
  /** The path as the kernel shows it (without " (deleted)"), from the first holder. */
  path: string;
  /** Each live process once, by PID. */
  holders: Holder[];
  /** /proc links that open the file: fd links first (no CAP_SYS_ADMIN needed), then mappings at offset 0, then the rest. */
  links: string[];
  /** Where holders map the file's start (mappings at offset 0), to check a pool's implied base against. */
  bases: bigint[];
  /** The largest offset + length among the mappings: what the maps alone say of the size (0 when only fds hold it). */
  mappedExtent: number;
}

interface Gathering {
  file: HeldFile;
  fdLinks: string[];
  startLinks: string[];
  otherLinks: string[];
  holders: Map<number, Holder>;
}

function hold(gathering: Gathering, pid: number, comm: string, uid: number, access: Access, via: 'map' | 'fd'): void {
  const existing = gathering.holders.get(pid);
  if (!existing) {
    gathering.holders.set(pid, { pid, comm, uid, access, via: [via] });
    return;
  }
  if (access === 'rw') existing.access = 'rw';
  if (!existing.via.includes(via)) existing.via.push(via);
}

/**
 * Every file that live processes map or hold open and that `wanted` accepts, grouped by
 * (dev, inode), ordered by (dev, inode). As in indexProcesses, `selfPid`'s read-only fds
 * (the inspector's own reads) do not make it a holder.
 */
export function gatherHeldFiles(
  index: ProcessIndex,
  wanted: (held: HeldPath) => boolean,
  selfPid?: number,
): HeldFile[] {
  // By device, then inode: numeric keys, as in indexProcesses (no string per mapping).
  const byFile = new Map<number, Map<number, Gathering>>();
  const gatherings: Gathering[] = [];
  const gatheringOf = (held: HeldPath): Gathering => {
    let byInode = byFile.get(held.dev);
    if (!byInode) byFile.set(held.dev, (byInode = new Map()));
    let gathering = byInode.get(held.inode);
    if (!gathering) {
      const file: HeldFile = {
        dev: held.dev,
        inode: held.inode,
        path: held.path,
        holders: [],
        links: [],
        bases: [],
        mappedExtent: 0,
      };
      gathering = { file, fdLinks: [], startLinks: [], otherLinks: [], holders: new Map() };
      byInode.set(held.inode, gathering);
      gatherings.push(gathering);
    }
    return gathering;
  };

  for (const process of index.raw.values()) {
    // A zombie has no memory map and no fds left: it holds nothing.
    if (isExited(process.state)) continue;
    const uid = index.byPid.get(process.pid)?.uid ?? process.uid;
    for (const mapping of process.mappings) {
      if (!wanted(mapping)) continue;
      const gathering = gatheringOf(mapping);
      hold(gathering, process.pid, process.comm, uid, mappingAccess(mapping.perms), 'map');
      const link = mapFilesLink(process.pid, mapping.start, mapping.end);
      if (mapping.offset === 0) {
        gathering.startLinks.push(link);
        gathering.file.bases.push(BigInt(mapping.start));
      } else {
        gathering.otherLinks.push(link);
      }
      const extent = mapping.offset + (mapping.end - mapping.start);
      gathering.file.mappedExtent = Math.max(gathering.file.mappedExtent, extent);
    }
    for (const fd of process.fds) {
      if (!wanted(fd)) continue;
      if (process.pid === selfPid && fdAccess(fd.accessMode) === 'ro') continue;
      const gathering = gatheringOf(fd);
      hold(gathering, process.pid, process.comm, uid, fdAccess(fd.accessMode), 'fd');
      gathering.fdLinks.push(fdLink(process.pid, fd.fd));
    }
  }

  return gatherings
    .map(({ file, fdLinks, startLinks, otherLinks, holders }) => ({
      ...file,
      holders: [...holders.values()].sort((a, b) => a.pid - b.pid),
      links: [...fdLinks, ...startLinks, ...otherLinks],
    }))
    .sort((a, b) => a.dev - b.dev || a.inode - b.inode);
}

export type ReadOutcome<T> = { value: T; unreadable: null } | { value: null; unreadable: string };

const GONE = new Set(['ENOENT', 'ESRCH']);
const REFUSED = new Set(['EACCES', 'EPERM']);

function refusalSentence(link: string): string {
  return link.includes('/map_files/')
    ? `opening ${link} was refused: /proc/<pid>/map_files needs CAP_SYS_ADMIN (run as root)`
    : `opening ${link} was refused: reading another user's process needs root`;
}

/**
 * Opens the file through the first of its links that works and is still the same file
 * (dev, inode), and hands it to `use`. Failing every link is a sentence, not an exception:
 * one unreadable file must not fail a scan.
 */
export function readHeldFile<T>(file: HeldFile, open: FileOpener, use: (opened: OpenedFile) => T): ReadOutcome<T> {
  const failures: { link: string; code: string }[] = [];
  for (const link of file.links) {
    let opened: OpenedFile;
    try {
      opened = open(link);
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === null) throw error;
      failures.push({ link, code });
      continue;
    }
    try {
      if (opened.dev !== file.dev || opened.inode !== file.inode) {
        failures.push({ link, code: 'ENOENT' }); // the fd number or the range was reused since /proc was read
        continue;
      }
      return { value: use(opened), unreadable: null };
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === null) throw error;
      failures.push({ link, code });
    } finally {
      opened.close();
    }
  }
  return { value: null, unreadable: failureSentence(failures) };
}

function failureSentence(failures: { link: string; code: string }[]): string {
  const refused = failures.find((failure) => REFUSED.has(failure.code));
  if (refused) return refusalSentence(refused.link);
  const other = failures.find((failure) => !GONE.has(failure.code));
  if (other) return `opening ${other.link} failed: ${other.code}`;
  return 'it was unmapped or closed, or its holders exited, before it could be opened';
}
