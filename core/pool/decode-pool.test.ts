import { describe, expect, it } from 'vitest';
import { decodePool, type PoolInput } from './decode-pool';
import { encodeSlotHeader, encodeSrbchannelHeader } from './pool-encoding';
import { MAX_BLOCK_LENGTH, SLOT_SIZE } from './pool-layout';
import { decodeSlotHeader } from './slot-header';
import { decodeSrbchannelHeader } from './srbchannel-header';

const BASE = 0x7f1234560000n;
const POOL_POINTER = 0x55d0c0de1000n;

/** Slot 0 of a real daemon's core pool (reference §4): refcount 15, POOL, silence, data = base + 64, length 65472. */
function daemonSilenceSlot(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeInt32LE(15, 0);
  bytes.writeBigUInt64LE(POOL_POINTER, 8);
  bytes.writeInt32LE(0, 16);
  bytes.writeUInt8(0b10, 20);
  bytes.writeBigUInt64LE(BASE + 64n, 24);
  bytes.writeBigUInt64LE(65472n, 32);
  return bytes;
}

/** A sparse in-memory pool: slot index -> bytes at the start of the slot (and after). */
function poolInput(slotCount: number, slots: Map<number, Buffer>, extra: Partial<PoolInput> = {}): PoolInput {
  const ranges = [...slots.keys()].sort((a, b) => a - b).flatMap((slot) => [slot * SLOT_SIZE, (slot + 1) * SLOT_SIZE]);
  return {
    dataSize: slotCount * SLOT_SIZE,
    resident: slots.size * SLOT_SIZE,
    ranges,
    read: (offset, length) => {
      const slot = Math.floor(offset / SLOT_SIZE);
      const bytes = slots.get(slot) ?? Buffer.alloc(SLOT_SIZE);
      const start = offset - slot * SLOT_SIZE;
      return Buffer.concat([bytes, Buffer.alloc(SLOT_SIZE)]).subarray(start, start + length);
    },
    ...extra,
  };
}

const header = (index: number, refcount: number, base = BASE) =>
  encodeSlotHeader({
    index,
    refcount,
    poolPointer: POOL_POINTER,
    type: 'pool',
    readOnly: false,
    isSilence: false,
    base,
    length: 4096,
  });

describe('decodeSlotHeader', () => {
  it('decodes the silence block a real daemon keeps in slot 0', () => {
    expect(decodeSlotHeader(daemonSilenceSlot(), 0)).toEqual({
      refcount: 15,
      type: 'pool',
      readOnly: false,
      isSilence: true,
      length: 65472,
      nAcquired: 0,
      pleaseSignal: 0,
      impliedBase: BASE,
    });
  });

  it('rejects bytes that cannot be a header: zeros, bad type, oversize length, a data pointer not 64 bytes into a page-aligned slot', () => {
    expect(decodeSlotHeader(Buffer.alloc(64), 0)).toBeNull();
    const badType = daemonSilenceSlot();
    badType.writeInt32LE(6, 16);
    expect(decodeSlotHeader(badType, 0)).toBeNull();
    const long = daemonSilenceSlot();
    long.writeBigUInt64LE(65473n, 32);
    expect(decodeSlotHeader(long, 0)).toBeNull();
    const unaligned = daemonSilenceSlot();
    unaligned.writeBigUInt64LE(BASE + 100n, 24);
    expect(decodeSlotHeader(unaligned, 0)).toBeNull();
    expect(decodeSlotHeader(daemonSilenceSlot().subarray(0, 47), 0)).toBeNull();
  });
});

describe('decodePool', () => {
  it('says why one slot is not a pool, in words', () => {
    expect(decodePool(poolInput(1, new Map()))).toEqual({ pool: null, notPool: '1 slot: a pool has at least 2' });
  });

  it('gives every slot a state: in-use, free, data and untouched', () => {
    const slots = new Map([
      [0, daemonSilenceSlot()],
      [1, header(1, 1)],
      [2, header(2, 0)],
      [3, Buffer.from('PCM samples, no header')],
    ]);
    const { pool } = decodePool(poolInput(8, slots, { ownerBases: [BASE] }));
    expect(pool?.states).toEqual([
      'in-use',
      'in-use',
      'free',
      'data',
      'untouched',
      'untouched',
      'untouched',
      'untouched',
    ]);
    expect(pool).toMatchObject({ slotCount: 8, highWater: 4, inUse: 2, free: 1, data: 1, resident: 4 * SLOT_SIZE });
    expect(pool?.base).toBe('0x7f1234560000');
    expect(pool?.baseCheck).toBe('matches-owner-maps');
    expect(pool?.headers[0]).toEqual({
      index: 0,
      state: 'in-use',
      refcount: 15,
      type: 'pool',
      length: 65472,
      readOnly: false,
      isSilence: true,
    });
  });

  it('does not trust a header that implies another mapping base than the others', () => {
    const slots = new Map([
      [0, header(0, 1)],
      [1, header(1, 1)],
      [2, header(2, 1, BASE + 0x100000n)],
    ]);
    expect(decodePool(poolInput(4, slots)).pool?.states).toEqual(['in-use', 'in-use', 'data', 'untouched']);
  });

  it('says whether the base matches the owner’s maps, or that they could not be read', () => {
    const slots = new Map([[0, header(0, 1)]]);
    expect(decodePool(poolInput(2, slots, { ownerBases: [BASE + 4096n] })).pool?.baseCheck).toBe(
      'differs-from-owner-maps',
    );
    expect(decodePool(poolInput(2, slots)).pool?.baseCheck).toBe('owner-maps-unavailable');
  });

  it('finds an srbchannel in a maximal block and reads its counts', () => {
    const block = encodeSlotHeader({
      index: 0,
      refcount: 1,
      poolPointer: POOL_POINTER,
      type: 'pool',
      readOnly: false,
      isSilence: false,
      base: BASE,
      length: MAX_BLOCK_LENGTH,
    });
    const channel = encodeSrbchannelHeader(MAX_BLOCK_LENGTH);
    channel.writeInt32LE(1200, 0);
    channel.writeInt32LE(1, 8);
    const { pool } = decodePool(poolInput(2, new Map([[0, Buffer.concat([block, channel])]])));
    expect(pool?.srbchannels).toEqual([
      {
        slot: 0,
        offset: 64,
        capacity: 32712,
        readOffset: 48,
        writeOffset: 32760,
        last: {
          readCount: 1200,
          writeCount: 0,
          readSemaphore: { waiting: 1, signalled: 0, inPipe: 0 },
          writeSemaphore: { waiting: 0, signalled: 0, inPipe: 0 },
        },
      },
    ]);
  });

  it('is not a pool when the size is not whole slots, too small, or no touched slot has a header', () => {
    expect(decodePool({ ...poolInput(2, new Map()), dataSize: SLOT_SIZE * 2 + 1 }).notPool).toMatch(
      /not a whole number/,
    );
    expect(decodePool(poolInput(1, new Map())).notPool).toMatch(/at least 2/);
    const zeros = new Map([[0, Buffer.alloc(SLOT_SIZE)]]);
    expect(decodePool(poolInput(4, zeros)).notPool).toBe(
      'none of 1 touched slots starts with a PulseAudio block header',
    );
  });

  it('does not read a pool larger than PulseAudio allows (a sparse file can claim terabytes)', () => {
    const huge = { ...poolInput(2, new Map()), dataSize: 4 * 1024 ** 4 };
    huge.read = () => {
      throw new Error('must not read');
    };
    expect(decodePool(huge).notPool).toMatch(/exceeds PulseAudio's 1 GiB maximum/);
  });

  it('reads a fresh pool with no touched slot as all untouched', () => {
    expect(decodePool(poolInput(4, new Map())).pool).toMatchObject({
      highWater: 0,
      inUse: 0,
      base: null,
      baseCheck: null,
    });
  });
});

describe('decodeSrbchannelHeader', () => {
  it('accepts the header PulseAudio writes for a 65472-byte block: capacity 32712, offsets 48 and 32760', () => {
    expect(decodeSrbchannelHeader(encodeSrbchannelHeader(65472), 65472)).toMatchObject({
      capacity: 32712,
      readOffset: 48,
      writeOffset: 32760,
    });
  });

  it('rejects counts beyond capacity, wrong offsets and a capacity that does not fit the block', () => {
    const over = encodeSrbchannelHeader(65472);
    over.writeInt32LE(32713, 4);
    expect(decodeSrbchannelHeader(over, 65472)).toBeNull();
    const offset = encodeSrbchannelHeader(65472);
    offset.writeInt32LE(56, 36);
    expect(decodeSrbchannelHeader(offset, 65472)).toBeNull();
    expect(decodeSrbchannelHeader(encodeSrbchannelHeader(65472), 4096)).toBeNull();
    expect(decodeSrbchannelHeader(Buffer.alloc(48), 65472)).toBeNull();
  });
});
