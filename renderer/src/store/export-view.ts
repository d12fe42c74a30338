/**
 * The table as shown (its filter and its order) written out: CSV for a spreadsheet, one
 * line per row, and JSON with each row's whole item as the engine sent it.
 */
import type { InspectorItem } from '../../../protocol/channels';
import { formatMode, formatTime } from '../../../protocol/format';
import { visibleText } from '../../../protocol/visible-text';
import type { Row } from './rows';
import { selectVisibleRows } from './selectors';
import type { InspectorState } from './inspector-store';

const CSV_COLUMNS = [
  'name',
  'kind',
  'state',
  'reason',
  'size',
  'allocated',
  'mode',
  'uid',
  'owner_pid',
  'owner_program',
  'attached',
  'created',
] as const;

/**
 * One CSV field (RFC 4180). Names and process names are anyone's to choose: a field that
 * starts like a formula (= + - @, or a tab or CR) gets a leading ' so that a spreadsheet
 * shows it instead of running it (OWASP's advice for CSV injection). Hostile bytes and
 * control characters are written as the table shows them (visibleText).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value) : visibleText(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(row: Row): string {
  const fields: (string | number | null)[] = [
    row.name,
    row.kind,
    row.state,
    row.reason,
    row.size,
    row.allocated,
    row.mode === null ? null : formatMode(row.mode),
    row.uid,
    row.owner?.pid ?? null,
    row.owner?.comm ?? null,
    row.attached.map((process) => `${process.pid}:${process.access}`).join(' '),
    row.createdAt === null ? null : formatTime(row.createdAt, { date: true }),
  ];
  return fields.map(csvField).join(',');
}

/** The rows shown, as CSV with a header line; CRLF line ends, as RFC 4180 has them. */
export function viewAsCsv(state: InspectorState): string {
  const lines = [CSV_COLUMNS.join(','), ...selectVisibleRows(state).map(csvLine)];
  return `${lines.join('\r\n')}\r\n`;
}

export interface ViewExport {
  exportedAt: number;
  dir: string | null;
  filter: InspectorState['segments']['filter'];
  sort: InspectorState['segments']['sort'];
  /** The items shown, in the table's order, exactly as the engine sent them (names as in docs/json.md). */
  items: InspectorItem[];
}

/** The rows shown, as the engine's items, with what was shown and when. */
export function viewAsJson(state: InspectorState, now: number): string {
  const { items, filter, sort, directory } = state.segments;
  const shown = selectVisibleRows(state).flatMap((row) => {
    const item = items.get(row.id);
    return item ? [item] : [];
  });
  const view: ViewExport = { exportedAt: now, dir: directory?.dir ?? null, filter, sort, items: shown };
  return `${JSON.stringify(view, null, 2)}\n`;
}
