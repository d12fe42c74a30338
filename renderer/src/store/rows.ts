/**
 * One table row per item of the live state: directory entries, memfd pools and deleted
 * segments read alike, so the table, its filters and its sort need not know the three apart.
 */
import type { InspectorItem } from '../../../protocol/channels';
import { SEGMENT_STATES, type Access, type SegmentState } from '../../../protocol/scan-result';
import { visibleText } from '../../../protocol/visible-text';

/** pulse: a `pulse-shm-<u32>` entry; other: any other entry of the shm directory. */
export type RowKind = 'pulse' | 'other' | 'memfd' | 'deleted';

export const ROW_KINDS: readonly RowKind[] = ['pulse', 'other', 'memfd', 'deleted'];

/**
 * A directory entry's state, or `held` for memfd pools and deleted segments: they have no
 * name to judge by marker and exist exactly as long as some process holds them.
 */
export type RowState = SegmentState | 'held';

export const ROW_STATES: readonly RowState[] = [...SEGMENT_STATES, 'held'];

export interface RowProcess {
  pid: number;
  comm: string;
  access: Access;
}

export interface Row {
  id: string;
  name: string;
  kind: RowKind;
  /** File size, or null where it is unknown. */
  size: number | null;
  /** Bytes tmpfs allocated (what removing it frees), or null where the contents could not be opened. */
  allocated: number | null;
  state: RowState;
  reason: string;
  /** The marker's owner: the process if it exists, else just the PID the marker names. */
  owner: { pid: number; comm: string | null } | null;
  attached: RowProcess[];
  mode: number | null;
  uid: number | null;
  /** Birth time (or mtime where none is recorded), ms since the epoch. */
  createdAt: number | null;
}

const holderReason = (count: number, what: string): string =>
  `${what}: exists only while processes hold it (${count === 1 ? '1 process does' : `${count} processes do`})`;

export function toRow(item: InspectorItem): Row {
  switch (item.type) {
    case 'segment': {
      const s = item.segment;
      const markerPid = s.marker?.valid ? s.marker.pid : null;
      return {
        id: item.id,
        name: s.name,
        kind: s.pulse ? 'pulse' : 'other',
        size: s.size,
        allocated: s.allocated,
        state: s.state,
        reason: s.reason,
        owner: s.owner
          ? { pid: s.owner.pid, comm: s.owner.comm }
          : markerPid !== null
            ? { pid: markerPid, comm: null }
            : null,
        attached: s.attached.map(({ pid, comm, access }) => ({ pid, comm, access })),
        mode: s.mode,
        uid: s.uid,
        createdAt: s.birthTime ?? s.mtime,
      };
    }
    case 'memfd': {
      const m = item.memfd;
      return {
        id: item.id,
        name: memfdSubject(m.name, m.inode),
        kind: 'memfd',
        size: m.size,
        allocated: m.allocated,
        state: 'held',
        reason: m.unreadable ?? holderReason(m.holders.length, 'memfd pool, no name in the shm directory'),
        owner: null,
        attached: m.holders.map(({ pid, comm, access }) => ({ pid, comm, access })),
        mode: null,
        uid: null,
        createdAt: null,
      };
    }
    case 'deleted': {
      const d = item.deleted;
      return {
        id: item.id,
        name: d.path,
        kind: 'deleted',
        size: d.size,
        allocated: d.allocated,
        state: 'held',
        reason: holderReason(d.holders.length, 'unlinked from the shm directory, memory still pinned'),
        owner: null,
        attached: d.holders.map(({ pid, comm, access }) => ({ pid, comm, access })),
        mode: null,
        uid: null,
        createdAt: null,
      };
    }
  }
}

/** How findings name a memfd pool (protocol/memory.ts `Finding.subject`). */
export function memfdSubject(name: string, inode: number): string {
  return `memfd:${name}:${inode}`;
}

export interface RowFilter {
  state: RowState | 'all';
  kind: RowKind | 'all';
  /** A PID (exact) or part of a program name, matched against the owner and attached processes. */
  owner: string;
  /** Part of the name, the reason or a process name, case-insensitive. */
  search: string;
}

export const NO_FILTER: RowFilter = { state: 'all', kind: 'all', owner: '', search: '' };

export function matchesFilter(row: Row, filter: RowFilter): boolean {
  if (filter.state !== 'all' && row.state !== filter.state) return false;
  if (filter.kind !== 'all' && row.kind !== filter.kind) return false;
  const processes = [...(row.owner ? [row.owner] : []), ...row.attached];
  const owner = filter.owner.trim().toLowerCase();
  if (owner !== '') {
    const pid = /^[0-9]+$/.test(owner) ? Number(owner) : null;
    const found = processes.some((p) => (pid !== null ? p.pid === pid : (p.comm ?? '').toLowerCase().includes(owner)));
    if (!found) return false;
  }
  const search = filter.search.trim().toLowerCase();
  if (search !== '') {
    // The name as shown too (odd\\xff), so what a person reads in the table can be typed here.
    const shown = visibleText(row.name);
    const haystack = [row.name, shown, row.reason, ...processes.map((p) => p.comm ?? '')].join('\n').toLowerCase();
    if (!haystack.includes(search)) return false;
  }
  return true;
}

export type SortColumn = 'name' | 'kind' | 'size' | 'state' | 'owner' | 'attached' | 'mode' | 'age';

export interface RowSort {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

export const DEFAULT_SORT: RowSort = { column: 'name', direction: 'asc' };

/** The value a column sorts by; null sorts last in either direction. */
function sortKey(row: Row, column: SortColumn): string | number | null {
  switch (column) {
    case 'name':
      return row.name;
    case 'kind':
      return row.kind;
    case 'size':
      // What a segment costs is what tmpfs allocated for it.
      return row.allocated ?? row.size;
    case 'state':
      return row.state;
    case 'owner':
      return row.owner?.pid ?? null;
    case 'attached':
      return row.attached.length;
    case 'mode':
      return row.mode;
    case 'age':
      // Age grows as the creation time recedes: ascending age is the latest creation first.
      return row.createdAt === null ? null : -row.createdAt;
  }
}

export function compareRows(a: Row, b: Row, sort: RowSort): number {
  const ka = sortKey(a, sort.column);
  const kb = sortKey(b, sort.column);
  if (ka === null || kb === null) {
    if (ka === kb) return a.name.localeCompare(b.name);
    return ka === null ? 1 : -1;
  }
  const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
  if (order === 0) return a.name.localeCompare(b.name);
  return sort.direction === 'asc' ? order : -order;
}
