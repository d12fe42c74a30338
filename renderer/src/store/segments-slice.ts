import type { InspectorItem, Patch } from '../../../protocol/channels';
import type { History } from '../../../protocol/history';
import type { ChannelSeries } from './channel-series';
import { buildRowIndex, type RowIndex } from './row-index';
import { DEFAULT_SORT, NO_FILTER, type RowFilter, type RowSort } from './rows';

/** Directory-level facts of the last patch header (what the service itself keeps lives in the lab slice). */
export type DirectoryFacts = Omit<NonNullable<Patch['header']>, 'lab' | 'held'>;

export interface SegmentsSlice {
  /** Every item of the live state, by id. */
  items: ReadonlyMap<string, InspectorItem>;
  /** Null until the first snapshot arrives. */
  directory: DirectoryFacts | null;
  /** srbchannel traffic of the last 60 s, by channel name. */
  series: ReadonlyMap<string, ChannelSeries>;
  /** The engine's history of the shm filesystem's use and each pool's slots in use; null before the first. */
  history: History | null;
  filter: RowFilter;
  sort: RowSort;
  /** The table's rows of `items`, kept sorted and filtered by applyPatch and the actions. */
  index: RowIndex;
}

const noItems: ReadonlyMap<string, InspectorItem> = new Map();

export const initialSegments: SegmentsSlice = {
  items: noItems,
  directory: null,
  series: new Map(),
  history: null,
  filter: NO_FILTER,
  sort: DEFAULT_SORT,
  index: buildRowIndex(noItems, NO_FILTER, DEFAULT_SORT),
};
