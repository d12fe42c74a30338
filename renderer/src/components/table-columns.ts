import { formatBytes, formatDuration, formatMode } from '../../../protocol/format';
import type { ColumnKey } from '../store/column-layout';
import type { Row, RowKind } from '../store/rows';

export const KIND_LABELS: Readonly<Record<RowKind, string>> = {
  pulse: 'PulseAudio',
  other: 'other',
  memfd: 'memfd',
  deleted: 'deleted',
};

export interface Column {
  key: ColumnKey;
  label: string;
  /** What a click on the header sorts by, when the label does not say. */
  sortHint?: string;
}

export const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'kind', label: 'Kind' },
  { key: 'size', label: 'File / allocated', sortHint: 'file size / bytes allocated; sorts by allocated bytes' },
  { key: 'state', label: 'State' },
  { key: 'owner', label: 'Owner' },
  { key: 'attached', label: 'Attached' },
  { key: 'mode', label: 'Mode / uid' },
  { key: 'age', label: 'Age' },
];

export const COLUMN_BY_KEY = Object.fromEntries(COLUMNS.map((column) => [column.key, column])) as Readonly<
  Record<ColumnKey, Column>
>;

const bytesOrUnknown = (bytes: number | null): string => (bytes === null ? '?' : formatBytes(bytes));

/** The text of each cell but the state (a badge): one place, so the table and its tests agree. */
export const cellText = {
  size: (row: Row) => `${bytesOrUnknown(row.size)} / ${bytesOrUnknown(row.allocated)}`,
  /** An owner that could not be seen (another PID namespace, hidepid, EACCES) is not gone. */
  owner: (row: Row) => {
    if (!row.owner) return '—';
    const missing = row.state === 'unverifiable' ? '(not seen)' : '(gone)';
    return `${row.owner.pid} ${row.owner.comm ?? missing}`;
  },
  /** The holders found, and "?" when some process that could hold it was not inspected. */
  attached: (row: Row) => {
    const found = row.attached.map((process) => `${process.pid}:${process.access}`);
    if (row.holdersUnknown !== null) found.push('?');
    return found.length === 0 ? '—' : found.join(' ');
  },
  attachedTitle: (row: Row) =>
    [
      ...row.attached.map((p) => `${p.pid} ${p.comm} (${p.access})`),
      ...(row.holdersUnknown === null ? [] : [row.holdersUnknown]),
    ].join('\n'),
  mode: (row: Row) => (row.mode === null ? '—' : `${formatMode(row.mode)} · uid ${row.uid ?? '?'}`),
  age: (row: Row, now: number) => (row.createdAt === null ? '—' : formatDuration(Math.max(0, now - row.createdAt))),
};
