import { useId, type KeyboardEvent } from 'react';
import { formatBytes } from '../../../protocol/format';
import type { ProcessSummary } from '../../../protocol/processes';
import { selectProcess, toggleProcessSort } from '../store/process-actions';
import { clientLabel, selectProcessRows } from '../store/process-rows';
import type { ProcessSortColumn } from '../store/processes-slice';
import { useInspector, useInspectorStore } from '../store/store-context';
import { VisibleText } from './visible-text';

/** Where Enter in the process table moves focus. */
export const PROCESS_DETAIL_ID = 'process-detail';

const COLUMNS: { key: ProcessSortColumn; label: string; number?: boolean }[] = [
  { key: 'pid', label: 'PID', number: true },
  { key: 'comm', label: 'Program' },
  { key: 'client', label: 'Client' },
  { key: 'user', label: 'User' },
  { key: 'count', label: 'Items', number: true },
  { key: 'bytes', label: 'Bytes', number: true },
  { key: 'rw', label: 'rw / ro', number: true },
  { key: 'created', label: 'Created' },
];

const MOVES: Record<string, number> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: 10,
  PageUp: -10,
  Home: -Infinity,
  End: Infinity,
};

function cellText(process: ProcessSummary, key: ProcessSortColumn): string {
  switch (key) {
    case 'pid':
      return String(process.pid);
    case 'comm':
      return process.comm;
    case 'client':
      return clientLabel(process) ?? '';
    case 'user':
      return process.user ?? (process.uid === null ? '?' : String(process.uid));
    case 'count':
      return String(process.holds.length);
    case 'bytes':
      return formatBytes(process.bytes);
    case 'rw':
      return `${process.rw} / ${process.ro}`;
    case 'created':
      return process.created.length === 0 ? '' : `${process.createdAlive} live, ${process.createdStale} stale`;
  }
}

/**
 * Every process that creates, maps or holds a listed item: an ARIA grid that takes focus
 * as one stop; arrows, Page keys, Home and End move the selection, Enter goes to the detail.
 */
export function ProcessTable() {
  const store = useInspectorStore();
  const rows = useInspector(selectProcessRows);
  const sort = useInspector((state) => state.processes.sort);
  const selectedPid = useInspector((state) => state.processes.selectedPid);
  const gridId = useId();
  const selectedIndex = rows.findIndex((process) => process.pid === selectedPid);
  const rowDomId = (pid: number) => `${gridId}-process-${pid}`;

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    // Keys on a sort button are the button's own (Enter and Space sort).
    if (event.target !== event.currentTarget) return;
    const delta = MOVES[event.key];
    if (delta !== undefined && rows.length > 0) {
      event.preventDefault();
      const from = selectedIndex < 0 ? (delta > 0 ? -1 : rows.length) : selectedIndex;
      const to = Number.isFinite(delta) ? from + delta : delta < 0 ? 0 : rows.length - 1;
      const next = rows[Math.min(rows.length - 1, Math.max(0, to))];
      if (next) {
        selectProcess(store, next.pid);
        document.getElementById(rowDomId(next.pid))?.scrollIntoView({ block: 'nearest' });
      }
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (selectedIndex < 0 && rows[0]) selectProcess(store, rows[0].pid);
      document.getElementById(PROCESS_DETAIL_ID)?.focus();
    }
  };

  return (
    <table
      className="process-table"
      role="grid"
      aria-label="Processes"
      aria-rowcount={rows.length + 1}
      aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedPid ?? 0) : undefined}
      tabIndex={0}
      data-testid="process-table"
      onKeyDown={onKeyDown}
    >
      <thead>
        <tr aria-rowindex={1}>
          {COLUMNS.map(({ key, label, number }) => {
            const sorted = sort.column === key;
            return (
              <th
                key={key}
                scope="col"
                className={number ? 'process-table__number' : undefined}
                aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  className="sort-button"
                  data-testid={`process-sort-${key}`}
                  onClick={() => toggleProcessSort(store, key)}
                >
                  {label}
                  <span aria-hidden="true">{sorted ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((process, index) => (
          <tr
            key={process.pid}
            id={rowDomId(process.pid)}
            aria-rowindex={index + 2}
            aria-selected={process.pid === selectedPid}
            className={process.pid === selectedPid ? 'process-table__row--selected' : undefined}
            data-testid={`process-row-${process.pid}`}
            onClick={() => selectProcess(store, process.pid)}
          >
            {COLUMNS.map(({ key, number }) => (
              <td
                key={key}
                role="gridcell"
                data-column={key}
                className={number ? 'process-table__number' : undefined}
                title={key === 'comm' ? (process.cmdline ?? undefined) : undefined}
              >
                <VisibleText text={cellText(process, key)} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
