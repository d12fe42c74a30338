/** PulseAudio's mempool layout on x86-64 (reference §4, §5). */

/** Slot size: 64 KiB, page aligned (reference §4). */
export const SLOT_SIZE = 64 * 1024;
/** A POOL block's data starts this far into its slot, after the header (reference §4). */
export const BLOCK_HEADER_SIZE = 64;
/** Largest POOL block: what fits in a slot after its header. */
export const MAX_BLOCK_LENGTH = SLOT_SIZE - BLOCK_HEADER_SIZE;
/** The smallest pool PulseAudio makes (reference §4). */
export const MIN_POOL_SLOTS = 2;
/** Bytes of a slot header we decode (refcount .. please_signal). */
export const SLOT_HEADER_BYTES = 48;
/** srbchannel header: two counts, two fdsems, capacity, two offsets; 48 when aligned to 8 (reference §5). */
export const SRBCHANNEL_HEADER_BYTES = 48;
/** A page: mapping bases are page aligned. */
export const PAGE_SIZE = 4096;

/** pa_memblock_type_t (reference §4). */
export const BLOCK_TYPES = ['pool', 'pool-external', 'appended', 'user', 'fixed', 'imported'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

/** Reads up to `length` bytes at `offset` (a pread): a short buffer at end of file. */
export type ReadAt = (offset: number, length: number) => Buffer;
