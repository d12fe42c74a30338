import {
  BLOCK_HEADER_SIZE,
  BLOCK_TYPES,
  MAX_BLOCK_LENGTH,
  SLOT_HEADER_BYTES,
  SLOT_SIZE,
  type BlockType,
} from './pool-layout';

/** A decoded pa_memblock header at the start of a slot (reference §4). */
export interface SlotHeader {
  refcount: number;
  type: BlockType;
  readOnly: boolean;
  isSilence: boolean;
  length: number;
  nAcquired: number;
  pleaseSignal: number;
  /** The owner's mapping base this header implies: data pointer - index * slot size - 64. */
  impliedBase: bigint;
}

/**
 * Decodes the header at the start of slot `index`, or null when the bytes cannot be a
 * POOL block header: a type out of range, a length beyond the slot, a negative refcount,
 * no owning pool, or a data pointer that does not point into this slot of a page-aligned
 * mapping. Whether the implied bases agree across slots is the pool decoder's check.
 */
export function decodeSlotHeader(bytes: Buffer, index: number): SlotHeader | null {
  if (bytes.length < SLOT_HEADER_BYTES) return null;
  const refcount = bytes.readInt32LE(0);
  const pool = bytes.readBigUInt64LE(8);
  const typeIndex = bytes.readInt32LE(16);
  const flags = bytes.readUInt8(20);
  const data = bytes.readBigUInt64LE(24);
  const length = bytes.readBigUInt64LE(32);
  const type = BLOCK_TYPES[typeIndex];
  if (type === undefined || refcount < 0 || pool === 0n) return null;
  if (length > BigInt(MAX_BLOCK_LENGTH)) return null;
  const impliedBase = data - BigInt(index) * BigInt(SLOT_SIZE) - BigInt(BLOCK_HEADER_SIZE);
  if (impliedBase <= 0n || impliedBase % 4096n !== 0n) return null;
  return {
    refcount,
    type,
    readOnly: (flags & 1) !== 0,
    isSilence: (flags & 2) !== 0,
    length: Number(length),
    nAcquired: bytes.readInt32LE(40),
    pleaseSignal: bytes.readInt32LE(44),
    impliedBase,
  };
}
