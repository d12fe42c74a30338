/**
 * srbchannel traffic as patches carry it. The native sampler reads every live channel's
 * header at 2 kHz on a thread of its own (PulseAudio's bursts last about a millisecond,
 * so a 10 Hz reader sees none); each `sample()` collects what it saw since the last one
 * as one interval per channel. Hosts keep the history.
 */
import { samplerClose, samplerCollect, samplerOpen, samplerTrack, type ChannelInterval } from '../../native';
import type { ChannelSamples, TrafficInterval } from '../../protocol/channels';
import type { SrbchannelSample } from '../../protocol/pool';
import type { ChannelSource } from '../srbchannel-sampler';

/**
 * 2 kHz. At 1 kHz a real paplay stream's traffic was sometimes first seen after 6 s, at
 * 10 Hz never (test/pulseaudio-traffic.test.ts); at 2 kHz always within about 2 s. The
 * cost is the thread's wake-ups: 2-4% of a core on a loaded 2-core VM for one channel,
 * about 2 us more per channel; nothing while no channel is live or no one listens.
 */
export const SAMPLE_PERIOD_MICROS = 500;

function headerOf(words: readonly number[]): SrbchannelSample {
  const w = (index: number): number => words[index] ?? 0;
  return {
    readCount: w(0),
    writeCount: w(1),
    readSemaphore: { waiting: w(2), signalled: w(3), inPipe: w(4) },
    writeSemaphore: { waiting: w(5), signalled: w(6), inPipe: w(7) },
  };
}

function trafficInterval(
  interval: ChannelInterval,
  last: readonly number[],
  time: number,
  ms: number,
): TrafficInterval {
  return {
    time,
    ms,
    reads: interval.reads,
    readBytes: interval.readBytes,
    writeBytes: interval.writeBytes,
    readPeak: interval.readPeak,
    writePeak: interval.writePeak,
    wakeups: interval.wakeups,
    last: headerOf(last),
  };
}

export class SampleFeed {
  private handle: number | null = null;
  private sources: readonly ChannelSource[] = [];
  private readonly capacities = new Map<string, number>();
  /** Inactive until someone listens: see setActive. */
  private active = false;
  private lastCollect: number;

  constructor(private readonly now: () => number) {
    this.lastCollect = now();
  }

  get size(): number {
    return this.capacities.size;
  }

  /** Replaces the tracked channels (keys are channel ids); a channel that stays keeps its interval so far. */
  track(sources: readonly ChannelSource[]): void {
    this.sources = sources;
    this.capacities.clear();
    for (const source of sources) this.capacities.set(source.key, source.capacity);
    this.apply();
  }

  /**
   * Whether anyone is listening: while no one is, the sampler's thread and every fd it
   * held are let go (tracked channels are remembered for when someone listens again).
   */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) this.lastCollect = this.now();
    this.apply();
  }

  /** Every channel's interval since the last call; channels that could not be read at all are left out. */
  sample(): ChannelSamples[] {
    if (this.handle === null) return [];
    const time = this.now();
    const ms = Math.max(0, time - this.lastCollect);
    this.lastCollect = time;
    const fresh: ChannelSamples[] = [];
    for (const interval of samplerCollect(this.handle)) {
      const capacity = this.capacities.get(interval.key);
      if (capacity === undefined || interval.last === null || interval.reads === 0) continue;
      fresh.push({ channel: interval.key, capacity, intervals: [trafficInterval(interval, interval.last, time, ms)] });
    }
    return fresh;
  }

  /** Stops the sampler's thread and closes what it held. */
  close(): void {
    this.active = false;
    this.apply();
  }

  private apply(): void {
    const wanted = this.active && this.sources.length > 0;
    if (!wanted) {
      if (this.handle !== null) samplerClose(this.handle);
      this.handle = null;
      return;
    }
    try {
      this.handle ??= samplerOpen(SAMPLE_PERIOD_MICROS);
    } catch {
      // No thread to be had (EAGAIN, EMFILE): no traffic shown, but the scan goes on; the next track tries again.
      return;
    }
    samplerTrack(
      this.handle,
      this.sources.map((source) => ({
        key: source.key,
        path: source.path,
        dev: source.identity.dev,
        inode: source.identity.inode,
        followLink: source.followLink === true,
        offset: source.offset,
        capacity: source.capacity,
        holders: [...(source.holders ?? [])],
      })),
    );
  }
}
