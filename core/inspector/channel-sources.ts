/**
 * Where each srbchannel of a scan can be sampled: a path that opens its pool and the
 * header's offset in it. The channel's key is its id in patches, `<item id>#<offset>`.
 */
import path from 'node:path';
import type { MemfdPool } from '../../protocol/memory';
import type { ScanResult } from '../../protocol/scan-result';
import { fdLink, mapFilesLink } from '../discovery/proc-file';
import type { ProcessIndex } from '../process-index';
import type { ChannelSource } from '../srbchannel-sampler';
import { memfdId, segmentId } from './item-diff';

export const channelId = (itemId: string, offset: number): string => `${itemId}#${offset}`;

/**
 * A /proc link that opens a memfd, as discovery opens it: this process's own mapping
 * first (always ours to open), then a holder's fd, then a holder's mapping of the
 * file's start. Null when no live holder is left.
 */
export function memfdPath(processes: ProcessIndex, memfd: MemfdPool, selfPid = process.pid): string | null {
  const same = (held: { dev: number; inode: number }): boolean => held.dev === memfd.dev && held.inode === memfd.inode;
  const own = processes.raw.get(selfPid)?.mappings.find(same);
  if (own) return mapFilesLink(selfPid, own.start, own.end);
  const holders = [...processes.raw.values()];
  for (const holder of holders) {
    const fd = holder.fds.find(same);
    if (fd) return fdLink(holder.pid, fd.fd);
  }
  for (const holder of holders) {
    const mapping = holder.mappings.find((candidate) => same(candidate) && candidate.offset === 0);
    if (mapping) return mapFilesLink(holder.pid, mapping.start, mapping.end);
  }
  return null;
}

/** Every srbchannel found in the scan's segment and memfd pools. */
export function channelSources(result: ScanResult, processes: ProcessIndex): ChannelSource[] {
  const sources: ChannelSource[] = [];
  for (const segment of result.segments) {
    for (const channel of segment.pool?.pool?.srbchannels ?? []) {
      sources.push({
        key: channelId(segmentId(segment.name), channel.offset),
        path: path.join(result.dir, segment.name),
        identity: segment,
        followLink: false,
        offset: channel.offset,
        capacity: channel.capacity,
        holders: segment.attached.map((holder) => holder.pid),
      });
    }
  }
  for (const memfd of result.memfds) {
    const channels = memfd.pool?.pool?.srbchannels ?? [];
    const link = channels.length > 0 ? memfdPath(processes, memfd) : null;
    if (link === null) continue;
    for (const channel of channels) {
      sources.push({
        key: channelId(memfdId(memfd.dev, memfd.inode), channel.offset),
        path: link,
        identity: memfd,
        followLink: true,
        offset: channel.offset,
        capacity: channel.capacity,
        holders: memfd.holders.map((holder) => holder.pid),
      });
    }
  }
  return sources;
}
