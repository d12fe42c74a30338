import type { ProcessView } from '../../../protocol/processes';

/** The app's views, one tab each. */
export type AppView = 'segments' | 'processes' | 'audit';

/** The process table's columns that sort. */
export type ProcessSortColumn = 'pid' | 'comm' | 'user' | 'count' | 'bytes' | 'rw' | 'client' | 'created';

export interface ProcessSort {
  column: ProcessSortColumn;
  direction: 'asc' | 'desc';
}

export interface ProcessesSlice {
  /** The tab shown. */
  view: AppView;
  /** The last process view the host sent; null until the first. */
  list: ProcessView | null;
  /** The process the Processes tab shows in its detail, by PID. */
  selectedPid: number | null;
  sort: ProcessSort;
}

export const DEFAULT_PROCESS_SORT: ProcessSort = { column: 'pid', direction: 'asc' };

export const initialProcesses: ProcessesSlice = {
  view: 'segments',
  list: null,
  selectedPid: null,
  sort: DEFAULT_PROCESS_SORT,
};
