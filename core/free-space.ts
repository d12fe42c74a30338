/**
 * Room in the shm filesystem for a new segment. The addon makes a segment sparse, as
 * PulseAudio does (only its marker is allocated), so a size beyond the free space would
 * be "created" and later fail its writers with SIGBUS: such a create is refused up front.
 */
import { statfsSync } from 'node:fs';
import { formatBytes } from '../protocol/format';
import { EngineError } from './engine-error';
import { fsPath } from './fs-path';

/** Bytes an unprivileged writer can still allocate in the filesystem of `dir`. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(fsPath(dir));
  return stats.bavail * stats.bsize;
}

/**
 * Throws ENOSPC, creating nothing, when `bytes` do not fit in the free space of `dir`'s
 * filesystem. A check before the create: space taken by others in between still makes
 * the marker's allocation fail with ENOSPC, which the addon reports the same way.
 */
export function ensureRoomFor(dir: string, bytes: number): void {
  const free = freeBytes(dir);
  if (bytes > free) {
    throw new EngineError(
      'ENOSPC',
      `not enough free space for ${formatBytes(bytes)} (${formatBytes(free)} free in ${dir}), nothing was created: ` +
        'No space left on device',
    );
  }
}
