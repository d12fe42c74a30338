/**
 * Capacity findings: a pool is mapped with MAP_NORESERVE (reference §1), so tmpfs only
 * backs the pages written so far. When the shm filesystem has less free space than a
 * pool's untouched part, the next write into that part finds no page to allocate and the
 * writer gets SIGBUS, which kills PulseAudio and its clients.
 *
 * Only segments in the shm directory are judged. memfds live on the kernel's internal
 * shmem mount, which is bounded by memory (and the memory cgroup), not by the size of
 * /dev/shm: its free space says nothing about them.
 */
import { formatBytes } from '../../protocol/format';
import type { Finding } from '../../protocol/memory';
import type { Capacity, Segment } from '../../protocol/scan-result';
import { processLabel, processList } from './describe-process';

/** Who a SIGBUS would hit: the processes known to map it writable, else its marker's owner. */
function victims(segment: Segment): string {
  const writers = segment.attached.filter((holder) => holder.access === 'rw' && holder.via.includes('map'));
  if (writers.length > 0) return processList(writers);
  if (segment.owner) return `its owner ${processLabel(segment.owner)}`;
  return 'whichever process maps it writable';
}

/** A stale segment that nothing maps is written by no one: it risks no SIGBUS (cleanup frees it). */
function writtenByNoOne(segment: Segment): boolean {
  return segment.state.startsWith('stale') && !segment.attached.some((holder) => holder.via.includes('map'));
}

/**
 * One 'high' finding per PulseAudio segment, or segment that decodes as a pool, whose
 * untouched bytes (size - allocated) exceed the free space of the shm filesystem.
 */
export function capacityFindings(capacity: Capacity, segments: readonly Segment[]): Finding[] {
  const findings: Finding[] = [];
  for (const segment of segments) {
    if (segment.kind !== 'file') continue;
    if (!segment.pulse && !segment.pool?.pool) continue;
    const untouched = Math.max(0, segment.size - segment.allocated);
    if (untouched <= capacity.free || writtenByNoOne(segment)) continue;
    findings.push({
      severity: 'high',
      kind: 'capacity',
      subject: segment.name,
      message:
        `${formatBytes(untouched)} of its ${formatBytes(segment.size)} not yet allocated, ` +
        `${formatBytes(capacity.free)} free: writing into the untouched part can kill ${victims(segment)} with SIGBUS`,
    });
  }
  return findings;
}
