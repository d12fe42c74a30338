import type { ChannelSamples, Patch } from '../../../protocol/channels';
import { mergeHistory } from '../../../protocol/history';

/**
 * How many sample batches a merged patch keeps, the newest: a pause must not grow without
 * bound, and the chart shows only the last minute anyway (channel-series.ts).
 */
export const MAX_PENDING_SAMPLE_BATCHES = 2_000;

/**
 * One patch that does what `earlier` then `later` do (applyPatch applies a patch's removals,
 * then its upserts): the last value of each item, the removal of what is gone, the newest
 * header and process view, every sample, the history points of both. A full `later` replaces every item, so only the samples of `earlier` remain.
 */
export function mergePatches(earlier: Patch, later: Patch): Patch {
  const samples = keepNewest([...earlier.samples, ...later.samples]);
  if (later.full) return { ...later, samples };
  const history = later.history ? mergeHistory(earlier.history, later.history) : earlier.history;
  const processes = later.processes ?? earlier.processes;
  const upserts = new Map(earlier.upserts.map((item) => [item.id, item]));
  const removals = new Set(earlier.removals);
  for (const id of later.removals) {
    upserts.delete(id);
    // A full patch lists every item: what it does not list is gone without a removal.
    if (!earlier.full) removals.add(id);
  }
  for (const item of later.upserts) upserts.set(item.id, item);
  return {
    seq: later.seq,
    full: earlier.full,
    header: later.header ?? earlier.header,
    upserts: [...upserts.values()],
    removals: [...removals],
    samples,
    ...(history ? { history } : {}),
    ...(processes ? { processes } : {}),
  };
}

function keepNewest(samples: ChannelSamples[]): ChannelSamples[] {
  return samples.length > MAX_PENDING_SAMPLE_BATCHES ? samples.slice(-MAX_PENDING_SAMPLE_BATCHES) : samples;
}
