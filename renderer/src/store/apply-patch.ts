import type { Patch } from '../../../protocol/channels';
import { mergeHistory } from '../../../protocol/history';
import { appendSamples, channelItemId, type ChannelSeries } from './channel-series';
import type { InspectorState } from './inspector-store';
import { ItemMap, patchItems } from './item-map';
import { updateRowIndex } from './row-index';
import { withoutGone } from './selection-slice';

/**
 * The state after `patch`: a full patch replaces every item, a later one upserts and
 * removes; samples are appended to each channel's last minute, history points to the
 * history (a full patch's is the whole of it); a process view replaces the last one.
 * Series and the selection of items that are gone are dropped. The table's index moves only the rows the patch
 * changes. Pure, so the host's listener and tests call it alike.
 */
export function applyPatch(state: InspectorState, patch: Patch): InspectorState {
  const itemsChanged = patch.full || patch.upserts.length > 0 || patch.removals.length > 0;
  let items = state.segments.items;
  if (itemsChanged) {
    items = patch.full ? ItemMap.of(patch.upserts) : patchItems(items, patch.removals, patch.upserts);
  }

  const { filter, sort } = state.segments;
  let index = state.segments.index;
  if (itemsChanged) {
    // Only an index of the items this patch applies to can be moved by its ids.
    const known = !patch.full && index.items === state.segments.items;
    const changed = known ? [...patch.removals, ...patch.upserts.map((item) => item.id)] : null;
    index = updateRowIndex(index, items, filter, sort, changed);
  }

  let series = state.segments.series;
  if (itemsChanged || patch.samples.length > 0) {
    const next = new Map<string, ChannelSeries>();
    for (const [channel, values] of series) if (items.has(channelItemId(channel))) next.set(channel, values);
    for (const samples of patch.samples) next.set(samples.channel, appendSamples(next.get(samples.channel), samples));
    series = next;
  }

  let history = state.segments.history;
  if (patch.history) history = patch.full ? patch.history : mergeHistory(history, patch.history);

  const header = patch.header;
  return {
    ...state,
    segments: {
      ...state.segments,
      items,
      index,
      series,
      history,
      directory: header
        ? {
            dir: header.dir,
            capacity: header.capacity,
            initialPidNamespace: header.initialPidNamespace,
            findings: header.findings,
          }
        : state.segments.directory,
    },
    selection: itemsChanged ? withoutGone(state.selection, (id) => items.has(id)) : state.selection,
    connection: { ...state.connection, status: 'connected', retryInMs: null, lastSeq: patch.seq },
    lab: header ? { items: header.lab, held: header.held } : state.lab,
    processes: patch.processes ? { ...state.processes, list: patch.processes } : state.processes,
  };
}
