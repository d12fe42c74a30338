/**
 * Everything in shared memory besides the directory's own entries, in one call for the
 * scan: memfd pools, deleted-but-held segments, and the findings about all of them.
 */
import type { DeletedSegment, Finding, MemfdPool } from '../../protocol/memory';
import type { Capacity, Segment } from '../../protocol/scan-result';
import type { ProcessIndex } from '../process-index';
import { capacityFindings } from './capacity-findings';
import { discoverDeletedSegments } from './deleted-segments';
import { exposureFindings } from './exposure-findings';
import { discoverMemfds } from './memfd-pools';
import type { FileOpener } from './proc-file';

export interface MemoryDiscoveryInput {
  processes: ProcessIndex;
  /** Device of the shm directory's filesystem (RawDirectoryScan.dev). */
  shmDev: number;
  capacity: Capacity;
  segments: readonly Segment[];
}

export interface MemoryDiscovery {
  memfds: MemfdPool[];
  deleted: DeletedSegment[];
  /** Capacity findings, then exposure findings, each most severe first. */
  findings: Finding[];
}

export function discoverMemory(input: MemoryDiscoveryInput, open?: FileOpener): MemoryDiscovery {
  const options = open ? { open } : {};
  const memfds = discoverMemfds(input.processes, options);
  const deleted = discoverDeletedSegments(input.processes, input.shmDev, { ...options, listed: input.segments });
  const findings = [
    ...capacityFindings(input.capacity, input.segments),
    ...exposureFindings(input.segments, memfds, input.processes),
  ];
  return { memfds, deleted, findings };
}
