/**
 * What lives in shared memory besides the shm directory's entries (reference §6, §7):
 * memfd pools, deleted-but-mapped segments, and findings about exposure and capacity.
 */
import type { PoolDecode } from './pool';
import type { Attachment } from './scan-result';

/** A process that maps a memory object or holds an fd to it: a segment's Attachment, with its uid. */
export interface Holder extends Attachment {
  /** The process's uid (from /proc/<pid>: approximate for setuid processes). */
  uid: number;
}

export interface MemfdPool {
  dev: number;
  inode: number;
  /** The memfd's name, e.g. "pulseaudio" for `/memfd:pulseaudio (deleted)`. */
  name: string;
  /** Size in bytes, from the file when it could be opened, else the largest mapping. */
  size: number;
  /** Bytes allocated, or null when the contents could not be opened. */
  allocated: number | null;
  holders: Holder[];
  /** Why the contents could not be read (for example: "map_files needs CAP_SYS_ADMIN"), or null. */
  unreadable: string | null;
  /** The contents decoded as a pool, or null when they could not be read. */
  pool: PoolDecode | null;
}

export interface DeletedSegment {
  /** The path the file had, as /proc/<pid>/maps shows it. */
  path: string;
  dev: number;
  inode: number;
  size: number | null;
  /** Memory still pinned: allocated bytes of the unlinked file, or null when it could not be opened. */
  allocated: number | null;
  holders: Holder[];
}

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  severity: Severity;
  /** `exposure` (who may open or write it), `capacity` (the shm filesystem cannot back it), or `inspector` (the inspector's own trouble: a directory it cannot scan or watch). */
  kind: 'exposure' | 'capacity' | 'inspector';
  /** The segment name, or `memfd:<name>:<inode>`. */
  subject: string;
  message: string;
}
