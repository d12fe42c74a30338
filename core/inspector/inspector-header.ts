/**
 * The directory-level facts of a patch. Problems of the Inspector itself (the directory
 * cannot be scanned or watched) travel as findings, so every host shows them without a
 * field of their own.
 */
import type { HeldItem, LabItem, Patch } from '../../protocol/channels';
import type { Finding } from '../../protocol/memory';
import type { ScanResult } from '../../protocol/scan-result';
import { inInitialPidNamespace } from '../pid-namespace';
import { toErrorValue } from './error-value';
import { isMemfdPool } from './item-diff';

export type Header = NonNullable<Patch['header']>;

/** What the service itself made and keeps: the lab's objects, and what Create keeps alive. */
export interface OwnItems {
  lab: LabItem[];
  held: HeldItem[];
}

/** The header of a scan; `watchProblem` is why the directory is not watched, or null. */
export function headerOf(result: ScanResult, own: OwnItems, watchProblem: string | null, rescanMs: number): Header {
  // Findings about memfds the view does not list (a browser's) would only bloat every patch.
  const shown = new Set(result.memfds.filter(isMemfdPool).map((memfd) => `memfd:${memfd.name}:${memfd.inode}`));
  const relevant = result.findings.filter(
    (finding) => !finding.subject.startsWith('memfd:') || shown.has(finding.subject),
  );
  const findings = [...relevant, ...uninspected(result)];
  if (watchProblem !== null) findings.push(notWatched(result.dir, watchProblem, rescanMs));
  return {
    dir: result.dir,
    capacity: result.capacity,
    initialPidNamespace: result.initialPidNamespace,
    findings,
    ...own,
  };
}

/** The header when the directory could not be scanned: nothing is listed, and a finding says why. */
export function failedHeader(dir: string, error: unknown, own: OwnItems): Header {
  const { code, message } = toErrorValue(error);
  const finding: Finding = {
    severity: 'high',
    kind: 'inspector',
    subject: dir,
    message: `${dir} cannot be scanned (${code}: ${message}); nothing is listed until it can be`,
  };
  return {
    dir,
    capacity: { total: 0, used: 0, free: 0 },
    initialPidNamespace: inInitialPidNamespace(),
    findings: [finding],
    ...own,
  };
}

/** The scan-level note on processes the scan could not inspect: their holds are unknown. */
function uninspected(result: ScanResult): Finding[] {
  const parts: string[] = [];
  const count = result.uninspectedProcesses;
  if (count > 0) parts.push(`${count} ${count === 1 ? 'process' : 'processes'} could not be inspected`);
  if (result.procHidepid !== null)
    parts.push(`/proc is mounted hidepid=${result.procHidepid} and hides other users' processes`);
  if (parts.length === 0) return [];
  const kept = result.segments.some((segment) => segment.holdersIncomplete !== null)
    ? ': segments they could hold are marked "holders unknown" and kept by cleanup unless named'
    : '';
  return [
    {
      severity: 'low',
      kind: 'inspector',
      subject: '/proc',
      message: `${parts.join('; ')}${kept}`,
    },
  ];
}

function notWatched(dir: string, problem: string, rescanMs: number): Finding {
  return {
    severity: 'low',
    kind: 'inspector',
    subject: dir,
    message: `${dir} is not watched (${problem}): changes show at the next rescan, every ${rescanMs} ms`,
  };
}
