import { closeSync, fchmodSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { createMemfd, createSegment, mapShared, unmap } from '../native';
import { MARKER_SIZE } from '../protocol/limits';
import type { CreatedObject } from '../protocol/channels';
import type { CreateRequest } from '../protocol/requests';
import { ensureRoomFor } from './free-space';
import { fsPath } from './fs-path';

/** What was created (the contract's CreatedObject), and the hold this process keeps on it. */
export interface CreatedSegment extends CreatedObject {
  /** Whether this process maps it (and so keeps a memfd alive, and shows as a holder). */
  held: boolean;
  /** Unmaps it; the file itself stays, as PulseAudio's do when their creator dies. */
  release(): void;
}

/** The name our memfds carry in /proc/<pid>/maps: `/memfd:shm-inspector (deleted)`. */
export const MEMFD_NAME = 'shm-inspector';

/** Maps a file shared, the way PulseAudio keeps a pool: the fd is closed, the mapping holds it. */
function holdMapping(fd: number, length: number): () => void {
  const handle = mapShared(fd, length, true);
  let released = false;
  return () => {
    if (!released) unmap(handle);
    released = true;
  };
}

/**
 * Creates what a validated request asks for. A POSIX segment gets PulseAudio's name,
 * size and marker; with `hold` this process also maps it, as PulseAudio's creator does.
 * A memfd has no name in the directory and no marker, and lives only while mapped, so
 * it is always held.
 */
export function createFromRequest(dir: string, request: CreateRequest, hold: boolean): CreatedSegment {
  if (request.memfd) {
    const fd = createMemfd(MEMFD_NAME, request.size);
    try {
      fchmodSync(fd, request.mode);
      const stats = fstatSync(fd);
      const release = holdMapping(fd, request.size);
      return {
        kind: 'memfd',
        name: MEMFD_NAME,
        path: null,
        dev: stats.dev,
        inode: stats.ino,
        dataSize: request.size,
        fileSize: request.size,
        mode: request.mode,
        markerPid: null,
        held: true,
        release,
      };
    } finally {
      closeSync(fd);
    }
  }
  ensureRoomFor(dir, request.size + MARKER_SIZE);
  const created = createSegment({
    dir,
    dataSize: request.size,
    mode: request.mode,
    ...(request.markerPid !== undefined ? { markerPid: request.markerPid } : {}),
  });
  const filePath = path.join(dir, created.name);
  let release = (): void => {};
  if (hold) {
    const fd = openSync(fsPath(filePath), 'r+');
    try {
      release = holdMapping(fd, created.fileSize);
    } finally {
      closeSync(fd);
    }
  }
  return {
    kind: 'posix',
    name: created.name,
    path: filePath,
    dev: created.dev,
    inode: created.inode,
    dataSize: request.size,
    fileSize: request.size + MARKER_SIZE,
    mode: request.mode,
    markerPid: request.markerPid ?? process.pid,
    held: hold,
    release,
  };
}
