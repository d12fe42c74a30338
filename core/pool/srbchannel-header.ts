import { SRBCHANNEL_HEADER_BYTES } from './pool-layout';

/** One side's fdsem words (reference §5). */
export interface FdsemWords {
  waiting: number;
  signalled: number;
  inPipe: number;
}

/** A decoded srbchannel header at the start of a block (reference §5). */
export interface SrbchannelHeader {
  /** Bytes waiting in the read ring. */
  readCount: number;
  /** Bytes waiting in the write ring. */
  writeCount: number;
  readSemaphore: FdsemWords;
  writeSemaphore: FdsemWords;
  /** Bytes per ring. */
  capacity: number;
  readOffset: number;
  writeOffset: number;
}

const alignTo8 = (value: number): number => Math.ceil(value / 8) * 8;

function fdsem(bytes: Buffer, offset: number): FdsemWords {
  return {
    waiting: bytes.readInt32LE(offset),
    signalled: bytes.readInt32LE(offset + 4),
    inPipe: bytes.readInt32LE(offset + 8),
  };
}

/**
 * Decodes an srbchannel header from the first bytes of a block of `blockLength` bytes,
 * or null unless every rule of reference §5 holds: capacity = (length - 48) / 2, read
 * ring at 48, write ring right after the read ring (aligned to 8), 0 <= counts <= capacity.
 */
export function decodeSrbchannelHeader(bytes: Buffer, blockLength: number): SrbchannelHeader | null {
  if (bytes.length < SRBCHANNEL_HEADER_BYTES) return null;
  const capacity = bytes.readInt32LE(32);
  const readOffset = bytes.readInt32LE(36);
  const writeOffset = bytes.readInt32LE(40);
  const readCount = bytes.readInt32LE(0);
  const writeCount = bytes.readInt32LE(4);
  if (capacity <= 0 || capacity !== Math.floor((blockLength - SRBCHANNEL_HEADER_BYTES) / 2)) return null;
  if (readOffset !== SRBCHANNEL_HEADER_BYTES || writeOffset !== SRBCHANNEL_HEADER_BYTES + alignTo8(capacity))
    return null;
  if (readCount < 0 || readCount > capacity || writeCount < 0 || writeCount > capacity) return null;
  return {
    readCount,
    writeCount,
    readSemaphore: fdsem(bytes, 8),
    writeSemaphore: fdsem(bytes, 20),
    capacity,
    readOffset,
    writeOffset,
  };
}
