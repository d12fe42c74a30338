/**
 * The process view of a real PulseAudio daemon with paplay playing: `serve` runs in the
 * daemon's private /dev/shm with the daemon's client environment (so that its pactl
 * reaches this daemon), read through a real WebSocket as the page reads it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { parsePactlClients } from '../core/processes/pulse-clients';
import type { ProcessView } from '../protocol/processes';
import { decodeServerMessage } from '../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../server/page-socket';
import { PrivateShm } from './support/private-shm';
import { makeTone, PulseDaemon } from './support/pulse-daemon';
import { cliArgv, stopAll, waitFor, type Running } from './support/processes';

/** The last process view the host sent. */
class ViewLog {
  latest: ProcessView | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = decodeServerMessage(String(data));
      if (message?.type === 'patch' && message.patch.processes) this.latest = message.patch.processes;
    });
  }

  static async connect(printed: string): Promise<ViewLog> {
    return new ViewLog(await whenOpen(pageSocket(printed)));
  }

  process(pid: number) {
    return this.latest?.processes.find((process) => process.pid === pid);
  }
}

for (const memfd of [false, true]) {
  describe(`the process view of a real PulseAudio daemon (${memfd ? 'memfd pools' : 'POSIX shm'}) with paplay`, () => {
    let shm: PrivateShm;
    let daemon: PulseDaemon;
    let toneDir: string;
    let serve: Running;
    let log: ViewLog;
    let paplay: Running;

    beforeAll(async () => {
      shm = await PrivateShm.start();
      toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
      const tone = await makeTone(toneDir);
      daemon = await PulseDaemon.start(shm, { memfd });
      serve = shm.start(cliArgv(['serve', '--port', '0']), { env: daemon.env });
      const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
      log = await ViewLog.connect(printed);
      paplay = await daemon.play(tone);
    });

    afterAll(async () => {
      log?.socket.close();
      await daemon?.stop();
      await stopAll();
      await shm?.stop();
      if (toneDir) rmSync(toneDir, { recursive: true, force: true });
    });

    it('pactl’s real JSON parses to paplay’s PID with its application name and binary', async () => {
      const listed = await daemon.pactl(['-f', 'json', 'list', 'clients']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(parsePactlClients(listed.stdout).get(paplay.pid)).toEqual({ name: 'paplay', binary: 'pacat' });
    });

    it('lists the daemon with its PulseAudio pools and paplay with the name PulseAudio gives it', async () => {
      const client = await waitFor(
        'paplay named in the process view',
        () => (log.process(paplay.pid)?.client ? log.process(paplay.pid) : undefined),
        15_000,
      );
      expect(client).toMatchObject({ comm: 'paplay', pulse: true, client: { name: 'paplay', binary: 'pacat' } });
      expect(client.cmdline).toMatch(/^paplay --device=nul .*tone\.wav$/);
      expect(client.holds.length).toBeGreaterThan(0);
      expect(log.latest?.pulseNames).toEqual({ available: true });

      const server = await waitFor('the daemon in the process view', () => log.process(daemon.pid));
      expect(server).toMatchObject({ comm: 'pulseaudio', pulse: true });
      expect(server.holds.length).toBeGreaterThan(0);
      expect(server.bytes).toBeGreaterThan(0);
      expect(server.rw + server.ro).toBe(server.holds.length);
      const prefix = memfd ? 'memfd:' : 'seg:pulse-shm-';
      expect(server.holds.some((hold) => hold.id.startsWith(prefix))).toBe(true);
      // POSIX pools carry the creator's PID in their marker; memfd pools carry none.
      if (memfd) expect(server.created).toEqual([]);
      else expect(server.createdAlive).toBeGreaterThan(0);
      // The server is PulseAudio's, not its own client: pactl lists no name for it.
      expect(server.client).toBeNull();
      // pactl itself runs without shared memory: it never shows among the holders.
      expect(log.latest?.processes.some((process) => process.comm === 'pactl')).toBe(false);
    });
  });
}
