/** The process table's rows: the host's process view, sorted as the user asked. */
import type { ProcessSummary } from '../../../protocol/processes';
import { derive } from './derive';
import type { InspectorState } from './inspector-store';
import type { ProcessSort, ProcessSortColumn } from './processes-slice';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The name PulseAudio gives the process, or its binary: what the Client column shows. */
export function clientLabel(process: ProcessSummary): string | null {
  return process.client?.name ?? process.client?.binary ?? null;
}

const KEYS: Record<ProcessSortColumn, (process: ProcessSummary) => number | string | null> = {
  pid: (process) => process.pid,
  comm: (process) => process.comm,
  user: (process) => process.user ?? (process.uid === null ? null : String(process.uid)),
  count: (process) => process.holds.length,
  bytes: (process) => process.bytes,
  rw: (process) => process.rw,
  client: clientLabel,
  // Stale first when descending: what a cleanup would take is what one looks for.
  created: (process) => (process.created.length === 0 ? null : process.createdStale * 1e6 + process.created.length),
};

function compareKeys(a: number | string | null, b: number | string | null): number {
  // Unknown sorts last whatever the direction: it tells nothing.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function sortProcesses(processes: readonly ProcessSummary[], sort: ProcessSort): ProcessSummary[] {
  const key = KEYS[sort.column];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...processes].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    const order = a === null || b === null ? compareKeys(a, b) : sign * compareKeys(a, b);
    return order !== 0 ? order : x.pid - y.pid;
  });
}

const NONE: readonly ProcessSummary[] = [];

export const selectProcessRows = derive(
  (state: InspectorState) => [state.processes.list, state.processes.sort] as const,
  (list, sort): readonly ProcessSummary[] => (list ? sortProcesses(list.processes, sort) : NONE),
);

export const selectSelectedProcess = (state: InspectorState): ProcessSummary | null => {
  const pid = state.processes.selectedPid;
  return pid === null ? null : (state.processes.list?.processes.find((process) => process.pid === pid) ?? null);
};
