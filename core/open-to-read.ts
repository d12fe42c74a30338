/**
 * Opening a file the engine has scanned, to read it again (a pool's slots, an
 * srbchannel's counters). Anyone who can write the shm directory can swap the name
 * between the scan and the open, so the open must hold up against what they swap in.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { fsPath } from './fs-path';

/** The file a scan saw: the open must land on this one. */
export interface FileIdentity {
  dev: number;
  inode: number;
}

/**
 * Opens `file` in the shm directory read-only, returning the fd. Never blocks: a plain
 * open of a FIFO put in a segment's place waits forever for a writer. Never follows a
 * symlink (it would read whatever file the link names: ELOOP). Then accepts only a
 * regular file that is `expected`: anything else is closed and refused with code CHANGED.
 * (One read at a time goes through readIfSame in the addon, which does all of this in one call.)
 */
export function openToRead(file: string, expected: FileIdentity): number {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
  const fd = openSync(fsPath(file), flags);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.dev !== expected.dev || stats.ino !== expected.inode) {
      throw Object.assign(new Error(`${file} is no longer the file that was scanned`), { code: 'CHANGED' });
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The identity of a file as it is now (for callers that did not scan it: tests, benchmarks). */
export function identityOf(file: string): FileIdentity {
  const stats = lstatSync(fsPath(file));
  return { dev: stats.dev, inode: stats.ino };
}
