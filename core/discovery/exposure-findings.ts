/**
 * Exposure findings: who besides a segment's owner can read or write it. A pool carries
 * audio and, through its srbchannel, the control stream between daemon and client; a
 * writer can corrupt block headers the daemon trusts.
 */
import { formatMode } from '../../protocol/format';
import type { Finding, Holder, MemfdPool, Severity } from '../../protocol/memory';
import type { Attachment, Segment } from '../../protocol/scan-result';
import type { ProcessIndex } from '../process-index';
import { processLabel, processList } from './describe-process';

const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low', 'info'];

function rights(read: boolean, write: boolean): string {
  return read && write ? 'read and write' : write ? 'write' : 'read';
}

/**
 * The mode bits as one finding: others writing is 'high'; others reading or the group
 * writing is 'medium'; the group reading is 'low'. The group's part names only rights
 * others do not already have.
 */
function modeFinding(segment: Segment): Finding | null {
  const { mode } = segment;
  const otherRead = (mode & 0o004) !== 0;
  const otherWrite = (mode & 0o002) !== 0;
  const groupRead = (mode & 0o040) !== 0 && !otherRead;
  const groupWrite = (mode & 0o020) !== 0 && !otherWrite;
  const parts: string[] = [];
  if (otherRead || otherWrite) parts.push(`any user can ${rights(otherRead, otherWrite)} it`);
  if (groupRead || groupWrite) parts.push(`group ${segment.gid} can ${rights(groupRead, groupWrite)} it`);
  if (parts.length === 0) return null;
  const severity: Severity = otherWrite ? 'high' : otherRead || groupWrite ? 'medium' : 'low';
  return {
    severity,
    kind: 'exposure',
    subject: segment.name,
    message: `mode ${formatMode(mode)}: ${parts.join(', ')}`,
  };
}

function howHeld(via: readonly ('map' | 'fd')[]): string {
  return via.includes('map') ? 'mapped' : 'held open';
}

/** Writers besides one: the processes that share a writable view of it, or none. */
function sharedWriters<T extends Attachment | Holder>(holders: readonly T[]): T[] {
  const writers = holders.filter((holder) => holder.access === 'rw');
  return writers.length > 1 ? writers : [];
}

function segmentFindings(segment: Segment, index: ProcessIndex): Finding[] {
  const findings: Finding[] = [];
  const finding = (severity: Severity, message: string): Finding => ({
    severity,
    kind: 'exposure',
    subject: segment.name,
    message,
  });
  const byMode = modeFinding(segment);
  if (byMode) findings.push(byMode);
  for (const holder of segment.attached) {
    const uid = index.byPid.get(holder.pid)?.uid;
    if (uid === undefined || uid === segment.uid) continue;
    const label = processLabel(holder);
    findings.push(finding('medium', `${howHeld(holder.via)} by ${label} of uid ${uid}, owner uid ${segment.uid}`));
  }
  const writers = sharedWriters(segment.attached);
  if (writers.length > 0) findings.push(finding('info', `writable by ${processList(writers)}`));
  return findings;
}

/**
 * A memfd has mode 0777 but no name: only its holders' fds and /proc (which needs the
 * right to ptrace a holder) reach it, so its mode is no exposure. What is: holders of
 * different users, and several processes writing it.
 */
function memfdFindings(memfd: MemfdPool): Finding[] {
  const findings: Finding[] = [];
  const subject = `memfd:${memfd.name}:${memfd.inode}`;
  const uids = new Set(memfd.holders.map((holder) => holder.uid));
  if (uids.size > 1) {
    const who = memfd.holders.map((holder) => `${processLabel(holder)} of uid ${holder.uid}`).join(', ');
    findings.push({
      severity: 'medium',
      kind: 'exposure',
      subject,
      message: `shared across ${uids.size} users: ${who}`,
    });
  }
  const writers = sharedWriters(memfd.holders);
  if (writers.length > 0) {
    findings.push({ severity: 'info', kind: 'exposure', subject, message: `writable by ${processList(writers)}` });
  }
  return findings;
}

/** Findings about who may read or write each regular segment and each memfd, most severe first. */
export function exposureFindings(
  segments: readonly Segment[],
  memfds: readonly MemfdPool[],
  index: ProcessIndex,
): Finding[] {
  const findings = [
    ...segments.filter((segment) => segment.kind === 'file').flatMap((segment) => segmentFindings(segment, index)),
    ...memfds.flatMap(memfdFindings),
  ];
  // Stable: within a severity, segments first in the order given, then memfds.
  return findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}
