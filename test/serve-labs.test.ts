/**
 * `shm-inspector serve` and the lab, through the real CLI and a real WebSocket: a client
 * may run only a few labs at once, and SIGINT or SIGTERM stop them (removing their files)
 * and end the host within 2 s.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { decodeServerMessage } from '../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../server/page-socket';
import { cliArgv, start, waitFor } from './support/processes';
import { shmTempDirEachTest } from './support/segments';

/** Connects as the page does: the token from the printed address's fragment, as a subprotocol. */
const connect = (printed: string): Promise<WebSocket> => whenOpen(pageSocket(printed));

/** Sends requests one after another, each after the previous answer, and returns the results. */
async function requestAll(socket: WebSocket, channel: string, requests: unknown[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const [index, request] of requests.entries()) {
    const id = index + 1;
    const answer = new Promise<unknown>((resolve) => {
      const listen = (data: unknown): void => {
        const message = decodeServerMessage(String(data));
        if (message?.type !== 'response' || message.id !== id) return;
        socket.off('message', listen);
        resolve(message.result);
      };
      socket.on('message', listen);
    });
    socket.send(JSON.stringify({ type: 'request', id, channel, request }));
    results.push(await answer);
  }
  return results;
}

describe('serve and the lab', () => {
  let dir = '';
  shmTempDirEachTest((made) => (dir = made));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`runs at most 4 srbchannel labs at once, and ${signal} stops them and exits within 2 s`, async () => {
      const serve = start(cliArgv(['serve', '--port', '0', '--dir', dir]));
      const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
      const socket = await connect(printed);
      const results = await requestAll(
        socket,
        'lab-srbchannel',
        Array.from({ length: 10 }, () => ({ rate: 1000, memfd: false })),
      );
      const accepted = results.filter((result) => (result as { ok: boolean }).ok);
      expect(accepted).toHaveLength(4);
      expect(results[4]).toMatchObject({
        ok: false,
        error: { code: 'limit', message: expect.stringContaining('at most 4 srbchannel labs') as unknown },
      });
      expect(readdirSync(dir)).toHaveLength(4);

      const signalled = Date.now();
      serve.child.kill(signal);
      const exit = await serve.exited;
      expect(Date.now() - signalled).toBeLessThan(2_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});
