/**
 * A PulseRig (a real daemon in a private /dev/shm, a tone) with `serve` running in the
 * same namespace, read through a real WebSocket as the page reads it: what the
 * PulseAudio tests of the browser host share.
 */
import type { WebSocket } from 'ws';
import { decodeServerMessage, type ServerMessage } from '../../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../../server/page-socket';
import { cliArgv, waitFor } from './processes';
import { PulseRig, type PulseDaemon } from './pulse-daemon';

export interface PulseHostOptions {
  memfd: boolean;
  /** Run `serve` with the daemon's client environment, so that its pactl reaches this daemon. */
  clientEnv?: boolean;
  /** Each message the host sends, decoded. */
  onMessage: (message: ServerMessage) => void;
}

export class PulseHost {
  private constructor(
    readonly rig: PulseRig,
    readonly socket: WebSocket,
  ) {}

  static async start(options: PulseHostOptions): Promise<PulseHost> {
    const rig = await PulseRig.start({ memfd: options.memfd });
    try {
      const serve = rig.shm.start(cliArgv(['serve', '--port', '0']), options.clientEnv ? { env: rig.daemon.env } : {});
      const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
      const socket = await whenOpen(pageSocket(printed));
      socket.on('message', (data) => {
        const message = decodeServerMessage(String(data));
        if (message) options.onMessage(message);
      });
      return new PulseHost(rig, socket);
    } catch (error) {
      await rig.stop();
      throw error;
    }
  }

  get daemon(): PulseDaemon {
    return this.rig.daemon;
  }

  get tone(): string {
    return this.rig.tone;
  }

  async stop(): Promise<void> {
    this.socket.close();
    await this.rig.stop();
  }
}
