import { MAX_DATA_SIZE } from '../../protocol/limits';
import { plural } from '../../protocol/format';
import type { BaseCheck, DecodedSlot, Pool, PoolDecode, SlotState, Srbchannel } from '../../protocol/pool';
import {
  BLOCK_HEADER_SIZE,
  MAX_BLOCK_LENGTH,
  MIN_POOL_SLOTS,
  SLOT_HEADER_BYTES,
  SLOT_SIZE,
  SRBCHANNEL_HEADER_BYTES,
  type ReadAt,
} from './pool-layout';
import { decodeSlotHeader, type SlotHeader } from './slot-header';
import { decodeSrbchannelHeader } from './srbchannel-header';

export interface PoolInput {
  /** Size of the pool's data: the file size less the marker for POSIX segments. */
  dataSize: number;
  /** Bytes tmpfs has allocated. */
  resident: number;
  /** Allocated ranges as flat [start, end, ...], or null when unknown (every slot is then read). */
  ranges: number[] | null;
  read: ReadAt;
  /** Where the owner maps the start of this pool, from its /proc/<pid>/maps; undefined when unreadable. */
  ownerBases?: readonly bigint[] | undefined;
}

function touchedSlots(slotCount: number, ranges: number[] | null): boolean[] {
  const touched = new Array<boolean>(slotCount).fill(ranges === null);
  if (!ranges) return touched;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const start = ranges[i] ?? 0;
    const end = ranges[i + 1] ?? 0;
    const last = Math.min(slotCount - 1, Math.floor((end - 1) / SLOT_SIZE));
    for (let slot = Math.floor(start / SLOT_SIZE); slot <= last; slot += 1) touched[slot] = true;
  }
  return touched;
}

/** The base most headers agree on: a header implying another base is not trusted. */
function agreedBase(headers: Map<number, SlotHeader>): bigint | null {
  const votes = new Map<bigint, number>();
  for (const header of headers.values()) votes.set(header.impliedBase, (votes.get(header.impliedBase) ?? 0) + 1);
  let best: bigint | null = null;
  let bestVotes = 0;
  for (const [base, count] of votes) {
    if (count > bestVotes) [best, bestVotes] = [base, count];
  }
  return best;
}

function checkBase(base: bigint | null, ownerBases: readonly bigint[] | undefined): BaseCheck | null {
  if (base === null) return null;
  if (ownerBases === undefined) return 'owner-maps-unavailable';
  return ownerBases.includes(base) ? 'matches-owner-maps' : 'differs-from-owner-maps';
}

function findSrbchannel(read: ReadAt, slot: number, header: SlotHeader | undefined): Srbchannel | null {
  const offset = slot * SLOT_SIZE + BLOCK_HEADER_SIZE;
  const decoded = decodeSrbchannelHeader(read(offset, SRBCHANNEL_HEADER_BYTES), header?.length ?? MAX_BLOCK_LENGTH);
  if (!decoded) return null;
  const { capacity, readOffset, writeOffset, ...last } = decoded;
  return { slot, offset, capacity, readOffset, writeOffset, last };
}

/**
 * Decodes a segment's data as a PulseAudio mempool: one state per 64 KiB slot, the
 * trusted headers, and the srbchannels in it. Anything that does not fit the layout is
 * reported as "not a pool" with the reason, never as made-up numbers.
 */
export function decodePool(input: PoolInput): PoolDecode {
  const { dataSize, read } = input;
  // Before anything is read or allocated: a sparse file can claim terabytes.
  if (dataSize > MAX_DATA_SIZE) {
    return { pool: null, notPool: `data size ${dataSize} exceeds PulseAudio's 1 GiB maximum: not decoded` };
  }
  if (dataSize % SLOT_SIZE !== 0) {
    return { pool: null, notPool: `data size ${dataSize} is not a whole number of 64 KiB slots` };
  }
  const slotCount = dataSize / SLOT_SIZE;
  if (slotCount < MIN_POOL_SLOTS) {
    return { pool: null, notPool: `${plural(slotCount, 'slot')}: a pool has at least ${MIN_POOL_SLOTS}` };
  }

  const touched = touchedSlots(slotCount, input.ranges);
  const candidates = new Map<number, SlotHeader>();
  touched.forEach((isTouched, slot) => {
    if (!isTouched) return;
    const header = decodeSlotHeader(read(slot * SLOT_SIZE, SLOT_HEADER_BYTES), slot);
    if (header) candidates.set(slot, header);
  });
  const base = agreedBase(candidates);
  const touchedCount = touched.filter(Boolean).length;
  if (touchedCount > 0 && base === null) {
    return { pool: null, notPool: `none of ${touchedCount} touched slots starts with a PulseAudio block header` };
  }

  const states: SlotState[] = [];
  const headers: DecodedSlot[] = [];
  const srbchannels: Srbchannel[] = [];
  let highWater = 0;
  touched.forEach((isTouched, slot) => {
    if (!isTouched) {
      states.push('untouched');
      return;
    }
    highWater = slot + 1;
    const candidate = candidates.get(slot);
    const header = candidate && candidate.impliedBase === base ? candidate : undefined;
    const state: SlotState = !header ? 'data' : header.refcount > 0 ? 'in-use' : 'free';
    states.push(state);
    if (header && state !== 'data') {
      const { refcount, type, length, readOnly, isSilence } = header;
      headers.push({ index: slot, state, refcount, type, length, readOnly, isSilence });
    }
    if (state === 'in-use' || state === 'data') {
      const channel = findSrbchannel(read, slot, header);
      if (channel) srbchannels.push(channel);
    }
  });
  const count = (wanted: SlotState): number => states.filter((state) => state === wanted).length;
  const pool: Pool = {
    slotSize: SLOT_SIZE,
    slotCount,
    states,
    headers,
    highWater,
    inUse: count('in-use'),
    free: count('free'),
    data: count('data'),
    resident: input.resident,
    base: base === null ? null : `0x${base.toString(16)}`,
    baseCheck: checkBase(base, input.ownerBases),
    srbchannels,
  };
  return { pool, notPool: null };
}
