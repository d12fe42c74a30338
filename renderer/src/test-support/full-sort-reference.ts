/**
 * The table's rows computed the plain way, from scratch: every item to a row, filter, sort
 * with `localeCompare`. This is what the selectors did before the sorted index
 * (store/row-index.ts); the property test checks the index against it, and the benchmark
 * measures it as the baseline. Deliberately written apart from rows.ts's comparator and
 * matcher, so that a mistake there cannot hide by being made twice.
 */
import type { InspectorItem } from '../../../protocol/channels';
import { visibleText } from '../../../protocol/visible-text';
import { STATE_SEVERITY, toRow, type Row, type RowFilter, type RowSort, type SortColumn } from '../store/rows';
import type { Reclaimable, StateCounts } from '../store/selectors';

export interface ReferenceView {
  visibleRows: readonly Row[];
  visibleIds: readonly string[];
  counts: StateCounts;
  reclaimable: Reclaimable;
}

function matchesFilter(row: Row, filter: RowFilter): boolean {
  if (filter.state !== 'all' && row.state !== filter.state) return false;
  if (filter.kind !== 'all' && row.kind !== filter.kind) return false;
  const processes = [...(row.owner ? [row.owner] : []), ...row.attached];
  const wanted = filter.process.trim().toLowerCase();
  if (wanted !== '') {
    const pid = /^[0-9]+$/.test(wanted) ? Number(wanted) : null;
    const found = processes.some((p) => (pid !== null ? p.pid === pid : (p.comm ?? '').toLowerCase().includes(wanted)));
    if (!found) return false;
  }
  const search = filter.search.trim().toLowerCase();
  if (search !== '') {
    const words = [row.name, visibleText(row.name), row.state];
    if (row.mode !== null) words.push(`0${(row.mode & 0o7777).toString(8).padStart(3, '0')}`);
    for (const p of processes) words.push(String(p.pid), p.comm ?? '');
    if (!words.join('\n').toLowerCase().includes(search)) return false;
  }
  return true;
}

function sortKey(row: Row, column: SortColumn): string | number | null {
  switch (column) {
    case 'name':
      return row.name;
    case 'kind':
      return row.kind;
    case 'size':
      return row.allocated ?? row.size;
    case 'state':
      return STATE_SEVERITY.indexOf(row.state);
    case 'owner':
      return row.owner?.pid ?? null;
    case 'attached':
      return row.attached.length;
    case 'mode':
      return row.mode;
    case 'age':
      return row.createdAt === null ? null : -row.createdAt;
  }
}

/**
 * The old comparator, plus its one intended change: rows it called equal (the same name,
 * or names the collation cannot tell apart) were left in the items' insertion order; now
 * the id, unique, decides, so that the order is a function of the rows alone.
 */
function compareRows(a: Row, b: Row, sort: RowSort): number {
  const byId = (): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byName = (): number => a.name.localeCompare(b.name) || byId();
  const ka = sortKey(a, sort.column);
  const kb = sortKey(b, sort.column);
  if (ka === null || kb === null) {
    if (ka === kb) return byName();
    return ka === null ? 1 : -1;
  }
  const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
  if (order === 0) return byName();
  return sort.direction === 'asc' ? order : -order;
}

/** Rows of items already converted, kept while the item is (as the old selectors kept them). */
const rowOf = new WeakMap<InspectorItem, Row>();
function cachedRow(item: InspectorItem): Row {
  let row = rowOf.get(item);
  if (!row) rowOf.set(item, (row = toRow(item)));
  return row;
}

export function referenceView(
  items: ReadonlyMap<string, InspectorItem>,
  filter: RowFilter,
  sort: RowSort,
): ReferenceView {
  const rows = [...items.values()].map(cachedRow);
  const visibleRows = rows.filter((row) => matchesFilter(row, filter)).sort((a, b) => compareRows(a, b, sort));
  const counts: Partial<Record<Row['state'], number>> = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  const reclaimable = { count: 0, bytes: 0 };
  for (const item of items.values()) {
    if (item.type !== 'segment' || item.segment.removal !== 'default') continue;
    reclaimable.count += 1;
    reclaimable.bytes += item.segment.allocated;
  }
  return { visibleRows, visibleIds: visibleRows.map((row) => row.id), counts, reclaimable };
}
