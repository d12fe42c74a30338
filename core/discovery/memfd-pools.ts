/**
 * memfd pools (reference §6): PulseAudio 9.0+ keeps its pools in memfds, which have no
 * name in the shm directory and no marker, and usually no fd either: only mappings
 * named `/memfd:pulseaudio (deleted)` in the holders' maps.
 */
import { MAX_DATA_SIZE } from '../../protocol/limits';
import type { MemfdPool } from '../../protocol/memory';
import type { PoolDecode } from '../../protocol/pool';
import { sameHolders, type ProcessIndex } from '../process-index';
import { decodePool } from '../pool/decode-pool';
import { MIN_POOL_SLOTS, SLOT_HEADER_BYTES, SLOT_SIZE } from '../pool/pool-layout';
import { decodeSlotHeader } from '../pool/slot-header';
import { gatherHeldFiles, readHeldFile } from './held-files';
import { openProcLink, type FileOpener, type OpenedFile } from './proc-file';

export const MEMFD_PREFIX = '/memfd:';
/** The name PulseAudio gives every memfd it creates (reference §6). */
export const PULSE_MEMFD_NAME = 'pulseaudio';

export interface DiscoverMemfdsOptions {
  /** How a /proc link is opened; tests pass an in-memory one. */
  open?: FileOpener;
  /**
   * The memfds a discovery found before. One read then that is neither PulseAudio's nor a
   * pool is taken from there unread while its name and holders are the same: a sweep would
   * otherwise open every browser's and JIT's memfd on the machine every few seconds. A
   * full scan passes none, and reads them all.
   */
  previous?: readonly MemfdPool[];
}

/** The memfds of `previous` that a discovery may take unread, by (dev, inode). */
function reusable(previous: readonly MemfdPool[]): Map<string, MemfdPool> {
  const kept = new Map<string, MemfdPool>();
  for (const memfd of previous) {
    if (memfd.name === PULSE_MEMFD_NAME || memfd.unreadable !== null || memfd.pool?.pool) continue;
    kept.set(`${memfd.dev}:${memfd.inode}`, memfd);
  }
  return kept;
}

/** Whether any holder maps the file's start at the base the headers imply. */
function checkBaseAgainstHolders(decoded: PoolDecode, bases: readonly bigint[]): PoolDecode {
  const pool = decoded.pool;
  if (!pool || pool.base === null) return decoded;
  const base = BigInt(pool.base);
  const baseCheck =
    bases.length === 0
      ? 'owner-maps-unavailable'
      : bases.includes(base)
        ? 'matches-owner-maps'
        : 'differs-from-owner-maps';
  return { pool: { ...pool, baseCheck }, notPool: null };
}

/**
 * Decodes a memfd as a pool, reading as little as the decision needs:
 * - over 1 GiB or not a whole number of at least 2 slots: not a pool, decided from the
 *   size alone, nothing read (decodePool gives the reason before it reads);
 * - not named "pulseaudio" (a JIT's or a browser's memfd): read as a pool only when slot 0
 *   starts with a PulseAudio block header (48 bytes read); PulseAudio hands slots out in
 *   order, so a pool with anything in it has slot 0 touched;
 * - otherwise decoded like a segment, without a marker (the data is the whole file).
 * Every holder's mapping of the file's start is a candidate owner base: the daemon and
 * its clients map a pool at different addresses, and the headers carry the writer's.
 */
function decodeMemfd(name: string, file: OpenedFile, bases: readonly bigint[]): PoolDecode {
  const { size, allocated, read } = file;
  if (size > MAX_DATA_SIZE) return { pool: null, notPool: `${size} bytes is more than PulseAudio's 1 GiB maximum` };
  const wholeSlots = size % SLOT_SIZE === 0 && size / SLOT_SIZE >= MIN_POOL_SLOTS;
  if (!wholeSlots) return decodePool({ dataSize: size, resident: allocated, ranges: [], read });
  if (name !== PULSE_MEMFD_NAME && decodeSlotHeader(read(0, SLOT_HEADER_BYTES), 0) === null) {
    return { pool: null, notPool: `not named "${PULSE_MEMFD_NAME}" and slot 0 holds no PulseAudio block header` };
  }
  const decoded = decodePool({ dataSize: size, resident: allocated, ranges: file.dataRanges(), read });
  return checkBaseAgainstHolders(decoded, bases);
}

/**
 * Every memfd that live processes map or hold open, once per (dev, inode), with its
 * holders and, where it can be opened, its size, allocation and pool decode. Every memfd
 * is listed; `pool` is null only when the contents could not be read (then `unreadable`
 * says why and `size` is the largest mapped extent), and says "not a pool" with a reason
 * for memfds that are not PulseAudio pools. Contents are never guessed; what was read of
 * a memfd that is no pool is kept while its holders are the same (`previous`).
 */
export function discoverMemfds(index: ProcessIndex, options: DiscoverMemfdsOptions = {}): MemfdPool[] {
  const open = options.open ?? openProcLink;
  const kept = reusable(options.previous ?? []);
  const files = gatherHeldFiles(index, (held) => held.path.startsWith(MEMFD_PREFIX));
  return files
    .map((file): MemfdPool => {
      const name = file.path.slice(MEMFD_PREFIX.length);
      const before = kept.get(`${file.dev}:${file.inode}`);
      if (before && before.name === name && sameHolders(before.holders, file.holders)) return before;
      const identity = { dev: file.dev, inode: file.inode, name, holders: file.holders };
      const outcome = readHeldFile(file, open, (opened) => ({
        size: opened.size,
        allocated: opened.allocated,
        pool: decodeMemfd(name, opened, file.bases),
      }));
      if (outcome.value === null) {
        return { ...identity, size: file.mappedExtent, allocated: null, unreadable: outcome.unreadable, pool: null };
      }
      return { ...identity, ...outcome.value, unreadable: null };
    })
    .sort(compareMemfds);
}

/** PulseAudio's memfds first, then by name and identity: the order a listing is read in. */
function compareMemfds(a: MemfdPool, b: MemfdPool): number {
  const pulse = Number(b.name === PULSE_MEMFD_NAME) - Number(a.name === PULSE_MEMFD_NAME);
  if (pulse !== 0) return pulse;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.dev - b.dev || a.inode - b.inode;
}
