import type { RawProcessTable } from '../native';
import { isExited } from './process-index';

/**
 * The processes whose holds of files could not be checked, counted the ways a segment's
 * mode asks: any process of the segment's owner or of root could have opened it, and
 * any process at all where the mode lets its group or everyone in (group membership is
 * not read, so every process counts as a possible member).
 */
export interface Uninspected {
  /** Processes whose maps or fds could not be read, plus those whose /proc entry could not be. */
  total: number;
  /** Whether they make segments' holders unknown: false when the scan runs as root. */
  perSegment: boolean;
  /** Of them, root's, and those whose uid is unknown (their /proc entry could not be read). */
  rootOrUnknown: number;
  /** Of them, by uid (root's and unknown ones aside). */
  byUid: Map<number, number>;
  /** /proc's hidepid option when it may hide other users' processes from this one, else null. */
  hidepid: string | null;
}

/**
 * Counts what a table could not inspect; `euid` is this process's. Run as root, hidepid
 * hides nothing, and a process root cannot read (one with more privileges, such as a
 * container's supervisor) is counted in `total` but does not make any segment's holders
 * unknown: see SECURITY.md, residual risks.
 */
export function countUninspected(table: RawProcessTable, euid: number): Uninspected {
  const byUid = new Map<number, number>();
  let rootOrUnknown = table.unreadable.length;
  let total = table.unreadable.length;
  for (const process of table.processes) {
    if (isExited(process.state) || (process.mapsError === null && process.fdsError === null)) continue;
    total += 1;
    if (process.uid === 0) rootOrUnknown += 1;
    else byUid.set(process.uid, (byUid.get(process.uid) ?? 0) + 1);
  }
  if (euid === 0) return { total, perSegment: false, rootOrUnknown: 0, byUid: new Map(), hidepid: null };
  return { total, perSegment: true, rootOrUnknown, byUid, hidepid: table.hidepid };
}

/** Permission bits that let the group or everyone open a file. */
const GROUP_OR_OTHER = 0o066;

/**
 * Why a file's holders may be more than the scan found: processes that could have
 * opened it (by its mode and owner) were not inspected. Null when every one was.
 */
export function holdersIncomplete(file: { mode: number; uid: number }, uninspected: Uninspected): string | null {
  if (!uninspected.perSegment) return null;
  const count =
    (file.mode & GROUP_OR_OTHER) !== 0
      ? uninspected.total
      : uninspected.rootOrUnknown + (file.uid === 0 ? 0 : (uninspected.byUid.get(file.uid) ?? 0));
  const gaps: string[] = [];
  if (count > 0) {
    gaps.push(`${count} ${count === 1 ? 'process' : 'processes'} that could have opened it could not be inspected`);
  }
  if (uninspected.hidepid !== null) gaps.push(`/proc (hidepid=${uninspected.hidepid}) hides other users' processes`);
  return gaps.length === 0 ? null : `holders unknown: ${gaps.join('; ')}`;
}
