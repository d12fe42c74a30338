/**
 * The engine's history of the shm filesystem's use and each pool's slots in use: one
 * point per sample, the last `windowMs` kept (fixed memory: at most windowMs / intervalMs
 * points, per pool too). Pools are keyed by item id; a pool not in a sample is dropped.
 */
import type { InspectorItem } from '../../protocol/channels';
import type { History, PoolHistory } from '../../protocol/history';
import type { Capacity } from '../../protocol/scan-result';

/** One sample every 5 s. */
export const HISTORY_INTERVAL_MS = 5_000;
/** The last 15 minutes. */
export const HISTORY_WINDOW_MS = 15 * 60_000;
/** The interval's bounds: each point reads every item's pool count, and a window holds at most 9,000 points. */
export const HISTORY_INTERVAL_BOUNDS = { min: 100, max: 60_000 } as const;

/** A pool's count at one sample. */
export interface PoolCount {
  slotCount: number;
  inUse: number;
}

/** The slots in use of every item that decodes as a pool, by item id: the engine's decode counts them. */
export function poolCounts(items: Iterable<InspectorItem>): Map<string, PoolCount> {
  const counts = new Map<string, PoolCount>();
  for (const item of items) {
    const decode = item.type === 'segment' ? item.segment.pool : item.type === 'memfd' ? item.memfd.pool : null;
    const pool = decode?.pool;
    if (pool) counts.set(item.id, { slotCount: pool.slotCount, inUse: pool.inUse });
  }
  return counts;
}

/** Appends `value`, dropping the oldest beyond `limit`. */
function push(values: number[], value: number, limit: number): void {
  values.push(value);
  if (values.length > limit) values.splice(0, values.length - limit);
}

export class HistoryRing {
  /** The most points kept: the window's worth. */
  readonly limit: number;
  private readonly times: number[] = [];
  private readonly shmUsed: number[] = [];
  private readonly shmTotal: number[] = [];
  private readonly pools = new Map<string, PoolHistory>();

  constructor(
    readonly intervalMs: number = HISTORY_INTERVAL_MS,
    readonly windowMs: number = HISTORY_WINDOW_MS,
  ) {
    const { min, max } = HISTORY_INTERVAL_BOUNDS;
    if (!(intervalMs >= min && intervalMs <= max) || !(windowMs >= intervalMs && windowMs <= HISTORY_WINDOW_MS)) {
      throw new RangeError(
        `history: an interval of ${intervalMs} ms (${min} to ${max}) in a window of ${windowMs} ms (at most ${HISTORY_WINDOW_MS})`,
      );
    }
    this.limit = Math.max(1, Math.floor(windowMs / intervalMs));
  }

  /** Adds one point; returns it as an update (mergeHistory appends it to what a subscriber has). */
  record(time: number, capacity: Capacity, pools: ReadonlyMap<string, PoolCount>): History {
    push(this.times, time, this.limit);
    push(this.shmUsed, capacity.used, this.limit);
    push(this.shmTotal, capacity.total, this.limit);
    for (const id of this.pools.keys()) if (!pools.has(id)) this.pools.delete(id);
    const update: PoolHistory[] = [];
    for (const [id, count] of pools) {
      const pool = this.pools.get(id) ?? { id, slotCount: count.slotCount, inUse: [] };
      pool.slotCount = count.slotCount;
      push(pool.inUse, count.inUse, this.limit);
      this.pools.set(id, pool);
      update.push({ id, slotCount: count.slotCount, inUse: [count.inUse] });
    }
    return { ...this.frame(), times: [time], shmUsed: [capacity.used], shmTotal: [capacity.total], pools: update };
  }

  /** Every point kept: what a new subscriber's full patch carries. */
  snapshot(): History {
    return {
      ...this.frame(),
      times: [...this.times],
      shmUsed: [...this.shmUsed],
      shmTotal: [...this.shmTotal],
      pools: [...this.pools.values()].map((pool) => ({ ...pool, inUse: [...pool.inUse] })),
    };
  }

  private frame(): Pick<History, 'intervalMs' | 'windowMs'> {
    return { intervalMs: this.intervalMs, windowMs: this.windowMs };
  }
}
