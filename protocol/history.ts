/**
 * History at a glance: the shm filesystem's use and each pool's slots in use, sampled by
 * the engine every few seconds over the last minutes, so that a leak shows as a slope.
 * The engine keeps it (a page opened now sees the slope at once); a patch carries it in
 * columns, and `mergeHistory` is the one rule for appending new points, used alike by the
 * engine (a busy subscriber's pending patch), the renderer's paused patches and its state.
 */

/** Slots in use of one pool (a segment or memfd item), at the last `inUse.length` times of its History. */
export interface PoolHistory {
  /** The item's id (InspectorItem.id). */
  id: string;
  slotCount: number;
  /**
   * Slots in use (the engine's decode: trusted headers with refcount > 0), one per time,
   * aligned with the END of `times`: a pool's series always runs to the newest point.
   */
  inUse: number[];
}

/**
 * Points of the history, oldest first. In a full patch, every point the engine keeps; in
 * a later patch, only the new ones. A pool absent from an update has no point at its time
 * (its item is gone, or it no longer decodes as a pool): its series ends there.
 */
export interface History {
  /** How often the engine samples, ms. */
  intervalMs: number;
  /** How far back the history reaches, ms: older points are dropped. */
  windowMs: number;
  /** Time of each point, ms since the epoch (the engine's clock). */
  times: number[];
  /** Bytes used of the shm filesystem at each time. */
  shmUsed: number[];
  /** The shm filesystem's size at each time. */
  shmTotal: number[];
  pools: PoolHistory[];
}

/** The last `count` values (all when there are fewer). */
function lastOf<T>(values: readonly T[], count: number): T[] {
  return values.length > count ? values.slice(values.length - count) : [...values];
}

/**
 * `earlier` with the points of `later` appended, points older than `later.windowMs`
 * before the newest dropped. A pool's series continues only if `later` has it at each of
 * its times; a pool that `later` does not have ended.
 */
export function mergeHistory(earlier: History | null | undefined, later: History): History {
  if (!earlier) return later;
  const times = [...earlier.times, ...later.times];
  const newest = times[times.length - 1] ?? 0;
  const keep = times.filter((time) => time > newest - later.windowMs).length;
  const before = new Map(earlier.pools.map((pool) => [pool.id, pool]));
  return {
    intervalMs: later.intervalMs,
    windowMs: later.windowMs,
    times: lastOf(times, keep),
    shmUsed: lastOf([...earlier.shmUsed, ...later.shmUsed], keep),
    shmTotal: lastOf([...earlier.shmTotal, ...later.shmTotal], keep),
    pools: later.pools.map((pool) => {
      // Continued only when it has a point at each of `later`'s times (else it ended within `later`).
      const continued = pool.inUse.length === later.times.length ? (before.get(pool.id)?.inUse ?? []) : [];
      return { id: pool.id, slotCount: pool.slotCount, inUse: lastOf([...continued, ...pool.inUse], keep) };
    }),
  };
}
