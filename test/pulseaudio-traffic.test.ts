/**
 * srbchannel traffic of a real PulseAudio stream as the browser host reports it: a real
 * daemon in a private /dev/shm (POSIX segments, then memfd pools), paplay playing a tone
 * with its default latency (the daemon asks for ~2 s of audio at a time, which crosses
 * the srbchannel in bursts of about a millisecond), and `serve` running in the same
 * namespace, read through a real WebSocket as the page reads it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ChannelSamples } from '../protocol/channels';
import { decodeServerMessage } from '../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../server/page-socket';
import { PrivateShm } from './support/private-shm';
import { makeTone, PulseDaemon } from './support/pulse-daemon';
import { cliArgv, stopAll, waitFor, type Running } from './support/processes';

/** What the host sent about srbchannels, with the time each message arrived. */
class TrafficLog {
  readonly received: { at: number; samples: ChannelSamples }[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = decodeServerMessage(String(data));
      if (message?.type !== 'patch') return;
      for (const samples of message.patch.samples) this.received.push({ at: Date.now(), samples });
    });
  }

  /** Connects as the page does: the token from the printed address's fragment, as a subprotocol. */
  static async connect(printed: string): Promise<TrafficLog> {
    return new TrafficLog(await whenOpen(pageSocket(printed)));
  }

  /** When the first interval that moved bytes (either ring) arrived after `since`, or undefined. */
  firstTrafficAfter(since: number): { at: number; bytes: number } | undefined {
    for (const { at, samples } of this.received) {
      if (at < since) continue;
      const bytes = samples.intervals.reduce((total, i) => total + i.readBytes + i.writeBytes, 0);
      if (bytes > 0) return { at, bytes };
    }
    return undefined;
  }
}

for (const memfd of [false, true]) {
  describe(`a real PulseAudio daemon (${memfd ? 'memfd pools' : 'POSIX shm'}) with paplay at its default latency`, () => {
    let shm: PrivateShm;
    let daemon: PulseDaemon;
    let toneDir: string;
    let tone: string;
    let serve: Running;
    let log: TrafficLog;

    beforeAll(async () => {
      shm = await PrivateShm.start();
      toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
      tone = await makeTone(toneDir);
      daemon = await PulseDaemon.start(shm, { memfd });
      serve = shm.start(cliArgv(['serve', '--port', '0']));
      const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
      log = await TrafficLog.connect(printed);
    });

    afterAll(async () => {
      log?.socket.close();
      await daemon?.stop();
      await stopAll();
      await shm?.stop();
      if (toneDir) rmSync(toneDir, { recursive: true, force: true });
    });

    it('the host reports a non-zero byte rate within 5 s of playback start', async () => {
      const started = Date.now();
      await daemon.play(tone);
      const first = await waitFor(
        'an srbchannel interval that moved bytes',
        () => log.firstTrafficAfter(started),
        10_000,
      );
      expect(first.at - started).toBeLessThan(5_000);
      expect(first.bytes).toBeGreaterThan(0);
      // Nothing the host sent is impossible: within capacity, and read fast while the stream is live.
      const intervals = log.received.flatMap(({ samples }) => samples.intervals.map((i) => ({ ...i, samples })));
      for (const interval of intervals) {
        expect(interval.readPeak).toBeLessThanOrEqual(interval.samples.capacity);
        expect(interval.writePeak).toBeLessThanOrEqual(interval.samples.capacity);
      }
      expect(intervals.some((interval) => interval.reads > 50)).toBe(true);
    });
  });
}
