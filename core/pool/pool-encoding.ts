import { BLOCK_HEADER_SIZE, BLOCK_TYPES, SLOT_SIZE, SRBCHANNEL_HEADER_BYTES, type BlockType } from './pool-layout';

export interface SlotHeaderFields {
  index: number;
  refcount: number;
  /** Address of the owner's pa_mempool (any non-zero heap address). */
  poolPointer: bigint;
  type: BlockType;
  readOnly: boolean;
  isSilence: boolean;
  /** The owner's mapping base: the data pointer is base + index * 65536 + 64. */
  base: bigint;
  length: number;
}

/** A block header laid out as PulseAudio writes it at the start of a slot (reference §4). */
export function encodeSlotHeader(fields: SlotHeaderFields): Buffer {
  const bytes = Buffer.alloc(BLOCK_HEADER_SIZE);
  bytes.writeInt32LE(fields.refcount, 0);
  bytes.writeBigUInt64LE(fields.poolPointer, 8);
  bytes.writeInt32LE(BLOCK_TYPES.indexOf(fields.type), 16);
  bytes.writeUInt8((fields.readOnly ? 1 : 0) | (fields.isSilence ? 2 : 0), 20);
  bytes.writeBigUInt64LE(fields.base + BigInt(fields.index * SLOT_SIZE + BLOCK_HEADER_SIZE), 24);
  bytes.writeBigUInt64LE(BigInt(fields.length), 32);
  return bytes;
}

/** An srbchannel header for a block of `blockLength` bytes (reference §5), with both rings empty. */
export function encodeSrbchannelHeader(blockLength: number): Buffer {
  const bytes = Buffer.alloc(SRBCHANNEL_HEADER_BYTES);
  const capacity = Math.floor((blockLength - SRBCHANNEL_HEADER_BYTES) / 2);
  bytes.writeInt32LE(capacity, 32);
  bytes.writeInt32LE(SRBCHANNEL_HEADER_BYTES, 36);
  bytes.writeInt32LE(SRBCHANNEL_HEADER_BYTES + Math.ceil(capacity / 8) * 8, 40);
  return bytes;
}
