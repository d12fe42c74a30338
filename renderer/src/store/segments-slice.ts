import type { InspectorItem, Patch } from '../../../protocol/channels';
import type { ChannelSeries } from './channel-series';
import { DEFAULT_SORT, NO_FILTER, type RowFilter, type RowSort } from './rows';

/** Directory-level facts of the last patch header (the lab's items live in the lab slice). */
export type DirectoryFacts = Omit<NonNullable<Patch['header']>, 'lab'>;

export interface SegmentsSlice {
  /** Every item of the live state, by id. */
  items: ReadonlyMap<string, InspectorItem>;
  /** Null until the first snapshot arrives. */
  directory: DirectoryFacts | null;
  /** srbchannel traffic of the last 60 s, by channel name. */
  series: ReadonlyMap<string, ChannelSeries>;
  filter: RowFilter;
  sort: RowSort;
}

export const initialSegments: SegmentsSlice = {
  items: new Map(),
  directory: null,
  series: new Map(),
  filter: NO_FILTER,
  sort: DEFAULT_SORT,
};
