import type { ChannelSamples } from '../../../protocol/channels';

/** How much srbchannel history the UI keeps and charts. */
export const SERIES_WINDOW_MS = 60_000;
/** 60 s at the highest sampling rate the settings allow (100 Hz): the arrays never grow past this. */
export const MAX_SERIES_POINTS = 6_000;

/** One srbchannel's ring fill levels over the last minute, oldest first. */
export interface ChannelSeries {
  /** Bytes per ring. */
  capacity: number;
  /** Engine time of each sample, ms since the epoch. */
  times: readonly number[];
  /** Bytes waiting in the read ring. */
  read: readonly number[];
  /** Bytes waiting in the write ring. */
  write: readonly number[];
}

/**
 * Appends new samples and drops what is older than the window, measured from the newest
 * sample (the engine's clock, not the browser's), and past the point cap.
 */
export function appendSamples(previous: ChannelSeries | undefined, incoming: ChannelSamples): ChannelSeries {
  const times = [...(previous?.times ?? []), ...incoming.times];
  const read = [...(previous?.read ?? []), ...incoming.samples.map((sample) => sample.readCount)];
  const write = [...(previous?.write ?? []), ...incoming.samples.map((sample) => sample.writeCount)];
  const newest = times[times.length - 1] ?? 0;
  let start = Math.max(0, times.length - MAX_SERIES_POINTS);
  while (start < times.length && (times[start] ?? 0) < newest - SERIES_WINDOW_MS) start += 1;
  return {
    capacity: incoming.capacity,
    times: times.slice(start),
    read: read.slice(start),
    write: write.slice(start),
  };
}

/** The item a channel belongs to: channels are named `<item id>#<header offset>`. */
export function channelItemId(channel: string): string {
  const hash = channel.lastIndexOf('#');
  return hash < 0 ? channel : channel.slice(0, hash);
}

/** The channel name of an srbchannel at `offset` in the item `itemId`. */
export function channelName(itemId: string, offset: number): string {
  return `${itemId}#${offset}`;
}
