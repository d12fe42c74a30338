/**
 * Files known only from what processes hold (mappings and fds in /proc): chosen from the
 * process index's one model of held files, and read through their /proc links.
 * Shared by memfd and deleted-segment discovery.
 */
import { type HeldFile, type ProcessIndex } from '../process-index';
import { systemErrorCode, type FileOpener, type OpenedFile } from './proc-file';

export type { HeldFile };

/** What discovery chooses held files by. */
export type HeldPath = Pick<HeldFile, 'path' | 'deleted' | 'dev' | 'inode'>;

/**
 * Every file that live processes map or hold open and that `wanted` accepts, ordered by
 * (dev, inode). The index left out the inspector's own read-only fds already.
 */
export function gatherHeldFiles(index: ProcessIndex, wanted: (held: HeldPath) => boolean): HeldFile[] {
  const chosen: HeldFile[] = [];
  for (const byInode of index.files.values()) for (const file of byInode.values()) if (wanted(file)) chosen.push(file);
  return chosen.sort((a, b) => a.dev - b.dev || a.inode - b.inode);
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
