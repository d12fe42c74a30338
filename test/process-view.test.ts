/**
 * The process view of a real PulseAudio daemon with paplay playing: `serve` runs in the
 * daemon's private /dev/shm with the daemon's client environment (so that its pactl
 * reaches this daemon), read through a real WebSocket as the page reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePactlClients } from '../core/processes/pulse-clients';
import type { ProcessView } from '../protocol/processes';
import { waitFor, type Running } from './support/processes';
import { PulseHost } from './support/pulse-host';

for (const memfd of [false, true]) {
  describe(`the process view of a real PulseAudio daemon (${memfd ? 'memfd pools' : 'POSIX shm'}) with paplay`, () => {
    let host: PulseHost;
    let paplay: Running;
    // The last process view the host sent.
    let latest: ProcessView | null = null;
    const processOf = (pid: number) => latest?.processes.find((process) => process.pid === pid);

    beforeAll(async () => {
      host = await PulseHost.start({
        memfd,
        clientEnv: true,
        onMessage: (message) => {
          if (message.type === 'patch' && message.patch.processes) latest = message.patch.processes;
        },
      });
      paplay = await host.daemon.play(host.tone);
    });

    afterAll(async () => {
      await host?.stop();
    });

    it('pactl’s real JSON parses to paplay’s PID with its application name and binary', async () => {
      const listed = await host.daemon.pactl(['-f', 'json', 'list', 'clients']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(parsePactlClients(listed.stdout).get(paplay.pid)).toEqual({ name: 'paplay', binary: 'pacat' });
    });

    it('lists the daemon with its PulseAudio pools and paplay with the name PulseAudio gives it', async () => {
      const client = await waitFor(
        'paplay named in the process view',
        () => (processOf(paplay.pid)?.client ? processOf(paplay.pid) : undefined),
        15_000,
      );
      expect(client).toMatchObject({ comm: 'paplay', pulse: true, client: { name: 'paplay', binary: 'pacat' } });
      expect(client.cmdline).toMatch(/^paplay --device=nul .*tone\.wav$/);
      expect(client.holds.length).toBeGreaterThan(0);
      expect(latest?.pulseNames).toEqual({ available: true });

      const server = await waitFor('the daemon in the process view', () => processOf(host.daemon.pid));
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
      expect(latest?.processes.some((process) => process.comm === 'pactl')).toBe(false);
    });
  });
}
