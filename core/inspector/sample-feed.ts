/**
 * srbchannel samples as patches carry them: the sampler reads every tracked header once
 * per tick, and each tick's readings go out as new samples. Hosts keep the history, so
 * the sampler here keeps only the last two readings per channel.
 */
import type { ChannelSamples } from '../../protocol/channels';
import { SrbchannelSampler, type ChannelSource } from '../srbchannel-sampler';

export class SampleFeed {
  private readonly sampler: SrbchannelSampler;
  private readonly capacities = new Map<string, number>();

  constructor(now: () => number) {
    // The feed drives sampleOnce itself (at a rate that can change live), so the
    // sampler's own rate only sizes its ring: two readings.
    this.sampler = new SrbchannelSampler({ rateHz: 1, windowSeconds: 2, now });
  }

  get size(): number {
    return this.capacities.size;
  }

  /** Replaces the tracked channels (keys are channel ids). */
  track(sources: readonly ChannelSource[]): void {
    this.sampler.track(sources);
    this.capacities.clear();
    for (const source of sources) this.capacities.set(source.key, source.capacity);
  }

  /** Reads every channel once; channels that could not be read this time are left out. */
  sample(): ChannelSamples[] {
    if (this.capacities.size === 0) return [];
    this.sampler.sampleOnce();
    const fresh: ChannelSamples[] = [];
    for (const [channel, capacity] of this.capacities) {
      const stats = this.sampler.stats(channel);
      const time = this.sampler.history(channel)?.times.at(-1);
      if (!stats?.last || stats.error !== null || time === undefined) continue;
      fresh.push({ channel, capacity, times: [time], samples: [stats.last] });
    }
    return fresh;
  }
}
