import { closeSync, readSync } from 'node:fs';
import type { PoolDecode } from '../../protocol/pool';
import { openToRead, type FileIdentity } from '../open-to-read';
import { decodePool } from './decode-pool';
import type { ReadAt } from './pool-layout';

/** A pread on an open fd: a short buffer at end of file, never a mapping (a truncated file cannot SIGBUS us). */
export function preadReader(fd: number): ReadAt {
  return (offset, length) => {
    // allocUnsafe: every byte returned is one the read wrote (short reads are cut off).
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return read === length ? buffer : buffer.subarray(0, read);
  };
}

export interface PoolFile {
  /** The pool's file in the shm directory, as the scan saw it. */
  path: string;
  identity: FileIdentity;
  dataSize: number;
  resident: number;
  ranges: number[] | null;
  ownerBases?: readonly bigint[] | undefined;
}

/** Opens a pool read-only and decodes it; failing to open it is an error for the caller to report. */
export function readPool(file: PoolFile): PoolDecode {
  const fd = openToRead(file.path, file.identity);
  try {
    return decodePool({ ...file, read: preadReader(fd) });
  } finally {
    closeSync(fd);
  }
}
