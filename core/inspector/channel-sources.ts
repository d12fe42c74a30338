/**
 * Where each srbchannel of a scan can be sampled: a path that opens its pool and the
 * header's offset in it. The channel's key is its id in patches, `<item id>#<offset>`.
 */
import path from 'node:path';
import type { MemfdPool } from '../../protocol/memory';
import type { ScanResult } from '../../protocol/scan-result';
import { heldFileOf, type ProcessIndex } from '../process-index';
import type { ChannelSource } from '../srbchannel-sampler';
import { memfdId, segmentId } from './item-diff';

export const channelId = (itemId: string, offset: number): string => `${itemId}#${offset}`;

/**
 * The /proc link that opens a memfd: the first of the held file's links, in the one order
 * discovery tries them (this process's own mapping first). Null when no live holder is left.
 */
export function memfdPath(processes: ProcessIndex, memfd: MemfdPool): string | null {
  return heldFileOf(processes, memfd.dev, memfd.inode)?.links[0] ?? null;
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
