import type { ChannelSamples } from '../../../protocol/channels';
import type { SrbchannelSample } from '../../../protocol/pool';

/** How much srbchannel history the UI keeps and charts. */
export const SERIES_WINDOW_MS = 60_000;
/** 60 s at the highest report rate the settings allow (20 Hz), with room: the arrays never grow past this. */
export const MAX_SERIES_POINTS = 6_000;
/** The current rate figure is the traffic of the last this many ms: PulseAudio's bursts come up to 2 s apart. */
export const RATE_WINDOW_MS = 5_000;

/** One srbchannel's traffic over the last minute, one entry per interval, oldest first. */
export interface ChannelSeries {
  /** Bytes per ring. */
  capacity: number;
  /** Engine time at the end of each interval, ms since the epoch. */
  times: readonly number[];
  /** Length of each interval, ms. */
  ms: readonly number[];
  /** Bytes written into the read ring (count at offset 0) in each interval. */
  readBytes: readonly number[];
  /** Bytes written into the write ring (count at offset 4) in each interval. */
  writeBytes: readonly number[];
  /** Highest fill of either ring seen in each interval. */
  peak: readonly number[];
  /** Semaphore changes seen in each interval. */
  wakeups: readonly number[];
  /** The header as last read. */
  last: SrbchannelSample | null;
}

/**
 * Appends new intervals and drops what is older than the window, measured from the
 * newest one (the engine's clock, not the browser's), and past the point cap.
 */
export function appendSamples(previous: ChannelSeries | undefined, incoming: ChannelSamples): ChannelSeries {
  const fresh = incoming.intervals;
  const times = [...(previous?.times ?? []), ...fresh.map((interval) => interval.time)];
  const newest = times[times.length - 1] ?? 0;
  let start = Math.max(0, times.length - MAX_SERIES_POINTS);
  while (start < times.length && (times[start] ?? 0) < newest - SERIES_WINDOW_MS) start += 1;
  const column = (kept: readonly number[] | undefined, pick: (interval: (typeof fresh)[number]) => number) =>
    [...(kept ?? []), ...fresh.map(pick)].slice(start);
  return {
    capacity: incoming.capacity,
    times: times.slice(start),
    ms: column(previous?.ms, (interval) => interval.ms),
    readBytes: column(previous?.readBytes, (interval) => interval.readBytes),
    writeBytes: column(previous?.writeBytes, (interval) => interval.writeBytes),
    peak: column(previous?.peak, (interval) => Math.max(interval.readPeak, interval.writePeak)),
    wakeups: column(previous?.wakeups, (interval) => interval.wakeups),
    last: fresh[fresh.length - 1]?.last ?? previous?.last ?? null,
  };
}

/** Bytes per second of an interval: 0 for an interval of no length. */
export function intervalRate(bytes: number, ms: number): number {
  return ms > 0 ? (bytes * 1000) / ms : 0;
}

export interface RecentTraffic {
  /** Bytes per second into each ring over the last RATE_WINDOW_MS (or what history there is). */
  readRate: number;
  writeRate: number;
  /** Highest fill seen, and semaphore changes, over the same intervals. */
  peak: number;
  wakeups: number;
}

/** The traffic of the intervals that ended within `windowMs` of the newest. */
export function recentTraffic(series: ChannelSeries, windowMs = RATE_WINDOW_MS): RecentTraffic {
  const newest = series.times[series.times.length - 1] ?? 0;
  let ms = 0;
  let read = 0;
  let write = 0;
  let peak = 0;
  let wakeups = 0;
  for (let i = series.times.length - 1; i >= 0 && (series.times[i] ?? 0) > newest - windowMs; i -= 1) {
    ms += series.ms[i] ?? 0;
    read += series.readBytes[i] ?? 0;
    write += series.writeBytes[i] ?? 0;
    peak = Math.max(peak, series.peak[i] ?? 0);
    wakeups += series.wakeups[i] ?? 0;
  }
  return { readRate: intervalRate(read, ms), writeRate: intervalRate(write, ms), peak, wakeups };
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
