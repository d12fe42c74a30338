/**
 * The live state's items and how one scan differs from the last: the Inspector sends
 * only what changed, decided by comparing a cheap fingerprint per item.
 */
import type { InspectorItem } from '../../protocol/channels';
import type { MemfdPool } from '../../protocol/memory';
import { MEMFD_NAME } from '../create-segment';
import { LAB_MEMFD_NAME } from '../lab/lab';
import type { ScanResult } from '../../protocol/scan-result';

export const segmentId = (name: string): string => `seg:${name}`;
export const memfdId = (dev: number, inode: number): string => `memfd:${dev}:${inode}`;
export const deletedId = (dev: number, inode: number): string => `deleted:${dev}:${inode}`;

/** memfds shown even when they do not decode as pools: PulseAudio's, and the ones this app makes. */
const SHOWN_MEMFD_NAMES = new Set(['pulseaudio', MEMFD_NAME, LAB_MEMFD_NAME]);

/**
 * Whether a memfd belongs in the live view: a pool, PulseAudio's (even when its contents
 * cannot be read), or one this app made. A browser or a JIT holds dozens of small
 * memfds that are not shared-memory pools; `scan --json` still lists them all.
 */
export function isMemfdPool(memfd: MemfdPool): boolean {
  return memfd.pool?.pool != null || SHOWN_MEMFD_NAMES.has(memfd.name);
}

/** Every item of a scan, keyed by id, in the scan's order. */
export function itemsOf(result: ScanResult): Map<string, InspectorItem> {
  const items = new Map<string, InspectorItem>();
  for (const segment of result.segments) {
    const id = segmentId(segment.name);
    items.set(id, { id, type: 'segment', segment });
  }
  for (const memfd of result.memfds.filter(isMemfdPool)) {
    const id = memfdId(memfd.dev, memfd.inode);
    items.set(id, { id, type: 'memfd', memfd });
  }
  for (const deleted of result.deleted) {
    const id = deletedId(deleted.dev, deleted.inode);
    items.set(id, { id, type: 'deleted', deleted });
  }
  return items;
}

/**
 * What identifies an item's content, leaving out what moves without meaning a change:
 * - an srbchannel's `last` sample moves hundreds of times a second and reaches hosts as
 *   samples, so it must not make the pool look changed on every scan;
 * - an owner's `startTime` comes from a boot time computed anew on every scan, which
 *   jitters by microseconds: compared to the millisecond.
 */
export function fingerprint(item: InspectorItem): string {
  return JSON.stringify(item, function (this: object, key: string, value: unknown) {
    if (key === 'last' && 'writeOffset' in this) return undefined;
    if (key === 'startTime' && typeof value === 'number') return Math.round(value);
    // An owner flips between R and S all the time; only "exited or not" matters to a verdict.
    if (key === 'state' && 'startTime' in this) return value === 'Z' || value === 'X' ? 'exited' : 'running';
    return value;
  });
}

export interface ItemDiff {
  upserts: InspectorItem[];
  removals: string[];
  /** The fingerprints of `next`, to diff the following scan against. */
  fingerprints: Map<string, string>;
}

/** Upserts for new and changed items, removals for items that are gone. */
export function diffItems(previous: ReadonlyMap<string, string>, next: ReadonlyMap<string, InspectorItem>): ItemDiff {
  const upserts: InspectorItem[] = [];
  const fingerprints = new Map<string, string>();
  for (const [id, item] of next) {
    const print = fingerprint(item);
    fingerprints.set(id, print);
    if (previous.get(id) !== print) upserts.push(item);
  }
  const removals = [...previous.keys()].filter((id) => !next.has(id));
  return { upserts, removals, fingerprints };
}
