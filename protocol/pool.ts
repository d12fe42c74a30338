/** A decoded PulseAudio mempool and the srbchannels in it (reference §4, §5). */

/** untouched: never allocated by tmpfs; in-use / free: a trusted block header with refcount > 0 / = 0; data: touched, no header we can trust. */
export type SlotState = 'untouched' | 'in-use' | 'free' | 'data';

export interface DecodedSlot {
  index: number;
  state: 'in-use' | 'free';
  refcount: number;
  type: string;
  length: number;
  readOnly: boolean;
  isSilence: boolean;
}

export interface FdsemWords {
  waiting: number;
  signalled: number;
  inPipe: number;
}

export interface SrbchannelSample {
  readCount: number;
  writeCount: number;
  readSemaphore: FdsemWords;
  writeSemaphore: FdsemWords;
}

export interface Srbchannel {
  slot: number;
  /** File offset of the srbchannel header: slot * 65536 + 64. */
  offset: number;
  capacity: number;
  readOffset: number;
  writeOffset: number;
  last: SrbchannelSample;
}

/**
 * How the owner's mapping base implied by the headers compares with the owner's own
 * /proc/<pid>/maps: it matches, it differs, or the maps could not be read.
 */
export type BaseCheck = 'matches-owner-maps' | 'differs-from-owner-maps' | 'owner-maps-unavailable';

export interface Pool {
  slotSize: number;
  slotCount: number;
  /** One state per slot, in slot order. */
  states: SlotState[];
  /** Header fields of every slot whose header is trusted. */
  headers: DecodedSlot[];
  /** Slots up to the last touched one: PulseAudio hands slots out in order. */
  highWater: number;
  inUse: number;
  free: number;
  data: number;
  /** Bytes allocated by tmpfs. */
  resident: number;
  /** The owner's mapping base as hex ("0x7f..."), or null when no header could be trusted. */
  base: string | null;
  baseCheck: BaseCheck | null;
  srbchannels: Srbchannel[];
}

/** A pool, or why the segment is not read as one. */
export type PoolDecode = { pool: Pool; notPool: null } | { pool: null; notPool: string };
