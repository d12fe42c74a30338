/**
 * srbchannel traffic of a real PulseAudio stream as the browser host reports it: a real
 * daemon in a private /dev/shm (POSIX segments, then memfd pools), paplay playing a tone
 * with its default latency (the daemon asks for ~2 s of audio at a time, which crosses
 * the srbchannel in bursts of about a millisecond), and `serve` running in the same
 * namespace, read through a real WebSocket as the page reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSamples } from '../protocol/channels';
import { waitFor } from './support/processes';
import { PulseHost } from './support/pulse-host';

/** When the first interval that moved bytes (either ring) arrived after `since`, or undefined. */
function firstTrafficAfter(
  received: readonly { at: number; samples: ChannelSamples }[],
  since: number,
): { at: number; bytes: number } | undefined {
  for (const { at, samples } of received) {
    if (at < since) continue;
    const bytes = samples.intervals.reduce((total, i) => total + i.readBytes + i.writeBytes, 0);
    if (bytes > 0) return { at, bytes };
  }
  return undefined;
}

for (const memfd of [false, true]) {
  describe(`a real PulseAudio daemon (${memfd ? 'memfd pools' : 'POSIX shm'}) with paplay at its default latency`, () => {
    let host: PulseHost;
    // What the host sent about srbchannels, with the time each message arrived.
    const received: { at: number; samples: ChannelSamples }[] = [];

    beforeAll(async () => {
      host = await PulseHost.start({
        memfd,
        onMessage: (message) => {
          if (message.type !== 'patch') return;
          for (const samples of message.patch.samples) received.push({ at: Date.now(), samples });
        },
      });
    });

    afterAll(async () => {
      await host?.stop();
    });

    it('the host reports a non-zero byte rate within 5 s of playback start', async () => {
      const started = Date.now();
      await host.daemon.play(host.tone);
      const first = await waitFor(
        'an srbchannel interval that moved bytes',
        () => firstTrafficAfter(received, started),
        10_000,
      );
      expect(first.at - started).toBeLessThan(5_000);
      expect(first.bytes).toBeGreaterThan(0);
      // Nothing the host sent is impossible: within capacity, and read fast while the stream is live.
      const intervals = received.flatMap(({ samples }) => samples.intervals.map((i) => ({ ...i, samples })));
      for (const interval of intervals) {
        expect(interval.readPeak).toBeLessThanOrEqual(interval.samples.capacity);
        expect(interval.writePeak).toBeLessThanOrEqual(interval.samples.capacity);
      }
      expect(intervals.some((interval) => interval.reads > 50)).toBe(true);
    });
  });
}
