/**
 * A real PulseAudio daemon in a private /dev/shm, a tone for it to play, and `serve`
 * running in the same namespace, read through a real WebSocket as the page reads it:
 * what the PulseAudio tests of the browser host share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebSocket } from 'ws';
import { decodeServerMessage, type ServerMessage } from '../../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../../server/page-socket';
import { PrivateShm } from './private-shm';
import { makeTone, PulseDaemon } from './pulse-daemon';
import { cliArgv, stopAll, waitFor } from './processes';

export interface PulseHostOptions {
  memfd: boolean;
  /** Run `serve` with the daemon's client environment, so that its pactl reaches this daemon. */
  clientEnv?: boolean;
  /** Each message the host sends, decoded. */
  onMessage: (message: ServerMessage) => void;
}

export class PulseHost {
  private constructor(
    readonly shm: PrivateShm,
    readonly daemon: PulseDaemon,
    readonly tone: string,
    private readonly toneDir: string,
    readonly socket: WebSocket,
  ) {}

  static async start(options: PulseHostOptions): Promise<PulseHost> {
    const shm = await PrivateShm.start();
    const toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
    let daemon: PulseDaemon | undefined;
    try {
      const tone = await makeTone(toneDir);
      daemon = await PulseDaemon.start(shm, { memfd: options.memfd });
      const serve = shm.start(cliArgv(['serve', '--port', '0']), options.clientEnv ? { env: daemon.env } : {});
      const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
      const socket = await whenOpen(pageSocket(printed));
      socket.on('message', (data) => {
        const message = decodeServerMessage(String(data));
        if (message) options.onMessage(message);
      });
      return new PulseHost(shm, daemon, tone, toneDir, socket);
    } catch (error) {
      await PulseHost.cleanUp(shm, daemon, toneDir);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.socket.close();
    await PulseHost.cleanUp(this.shm, this.daemon, this.toneDir);
  }

  private static async cleanUp(shm: PrivateShm, daemon: PulseDaemon | undefined, toneDir: string): Promise<void> {
    await daemon?.stop();
    await stopAll();
    await shm.stop();
    rmSync(toneDir, { recursive: true, force: true });
  }
}
