/**
 * One table row per item of the live state: directory entries, memfd pools and deleted
 * segments read alike, so the table, its filters and its sort need not know the three apart.
 */
import type { InspectorItem } from '../../../protocol/channels';
import { formatMode } from '../../../protocol/format';
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

/**
 * The states by how much they ask of the user, the most first: what a cleanup removes,
 * then what it could with an option, what cannot be told, what is fine. Sorting by state
 * follows this order, not the alphabet.
 */
export const STATE_SEVERITY: readonly RowState[] = [
  'stale',
  'stale-zombie',
  'stale-pid-reused',
  'no-marker',
  'unverifiable',
  'held',
  'live',
  'foreign',
];

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
  /** Why `attached` may be incomplete (processes that could hold it were not inspected), or null. */
  holdersUnknown: string | null;
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
        holdersUnknown: s.holdersIncomplete,
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
        holdersUnknown: null,
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
        holdersUnknown: null,
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
  /** A PID (exact) or part of a program name, matched against the owner and the holders alike. */
  process: string;
  /**
   * Part of the name, the state, the mode (0666), a PID or a process name, case-insensitive.
   * Not the reason: its sentences name what a row is not ("not a PulseAudio segment").
   */
  search: string;
}

export const NO_FILTER: RowFilter = { state: 'all', kind: 'all', process: '', search: '' };

/** Two filters that select the same rows because they are the same. */
export function sameFilter(a: RowFilter, b: RowFilter): boolean {
  return a.state === b.state && a.kind === b.kind && a.process === b.process && a.search === b.search;
}

/**
 * The filter as a test of one row, its text normalized once rather than per row; null when
 * the filter lets every row through.
 */
export function rowMatcher(filter: RowFilter): ((row: Row) => boolean) | null {
  const process = filter.process.trim().toLowerCase();
  const pid = /^[0-9]+$/.test(process) ? Number(process) : null;
  const search = filter.search.trim().toLowerCase();
  if (filter.state === 'all' && filter.kind === 'all' && process === '' && search === '') return null;
  return (row) => {
    if (filter.state !== 'all' && row.state !== filter.state) return false;
    if (filter.kind !== 'all' && row.kind !== filter.kind) return false;
    if (process !== '') {
      const found =
        pid !== null
          ? row.owner?.pid === pid || row.attached.some((p) => p.pid === pid)
          : textOf(row).comms.some((comm) => comm.includes(process));
      if (!found) return false;
    }
    return search === '' || textOf(row).haystack.includes(search);
  };
}

/** What the text filters read of a row, lowercased: its processes' names (owner first), and all its text. */
interface RowText {
  comms: readonly string[];
  haystack: string;
}

/** Made once per row: each keystroke in a filter reads it again for every row. */
const rowTexts = new WeakMap<Row, RowText>();
function textOf(row: Row): RowText {
  let text = rowTexts.get(row);
  if (!text) {
    const processes = [...(row.owner ? [row.owner] : []), ...row.attached];
    const comms = processes.map((p) => p.comm ?? '');
    const mode = row.mode === null ? [] : [formatMode(row.mode)];
    const pids = processes.map((p) => String(p.pid));
    // The name as shown too (odd\\xff), so what a person reads in the table can be typed here.
    const shown = visibleText(row.name);
    const haystack = [row.name, shown, row.state, ...mode, ...pids, ...comms].join('\n').toLowerCase();
    text = { comms: comms.map((comm) => comm.toLowerCase()), haystack };
    rowTexts.set(row, text);
  }
  return text;
}

export type SortColumn = 'name' | 'kind' | 'size' | 'state' | 'owner' | 'attached' | 'mode' | 'age';

export interface RowSort {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

export const DEFAULT_SORT: RowSort = { column: 'name', direction: 'asc' };

export function sameSort(a: RowSort, b: RowSort): boolean {
  return a.column === b.column && a.direction === b.direction;
}

/** The value a column sorts by; null sorts last in either direction. */
const SORT_KEYS: Readonly<Record<SortColumn, (row: Row) => string | number | null>> = {
  name: (row) => row.name,
  kind: (row) => row.kind,
  // What a segment costs is what tmpfs allocated for it.
  size: (row) => row.allocated ?? row.size,
  state: (row) => STATE_SEVERITY.indexOf(row.state),
  owner: (row) => row.owner?.pid ?? null,
  attached: (row) => row.attached.length,
  mode: (row) => row.mode,
  // Age grows as the creation time recedes: ascending age is the latest creation first.
  age: (row) => (row.createdAt === null ? null : -row.createdAt),
};

/**
 * The default locale's collation. `localeCompare` rather than one `Intl.Collator` made up
 * front: the same order by specification, and V8 (Node 20, Chromium 156) compares ASCII
 * names two to three times faster through `localeCompare`'s fast path than through
 * `collator.compare`. Sorting was slow for sorting every row on every patch, not for this.
 */
const compareText = (a: string, b: string): number => a.localeCompare(b);

/** Equal keys fall back to the name, ascending, then to the id, which is unique: the order is total. */
function compareNames(a: Row, b: Row): number {
  return compareText(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The table's order for `sort`. Total, so that a row's place can be found by binary search
 * and the same rows always come out in the same order, whatever order they arrived in.
 */
export function rowComparator(sort: RowSort): (a: Row, b: Row) => number {
  const key = SORT_KEYS[sort.column];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) {
      if (ka === kb) return compareNames(a, b);
      return ka === null ? 1 : -1;
    }
    const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : compareText(String(ka), String(kb));
    return order === 0 ? compareNames(a, b) : sign * order;
  };
}
