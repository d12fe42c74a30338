/**
 * The browser host reads segments (pool decoding, srbchannel samples) but never holds
 * them: open, read, close. A `clean` run beside `serve` must not find the host among a
 * stale segment's holders.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { websocketProtocols, type ServerMessage } from '../protocol/websocket-messages';
import { cliArgv, run, start, waitFor } from './support/processes';
import { shmTempDirEachTest } from './support/segments';

/** The files under `dir` that process `pid` has open or mapped right now. */
function heldUnder(pid: number, dir: string): string[] {
  const fds = readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return []; // closed meanwhile
    }
  });
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n');
  return [...fds, ...maps].filter((entry) => entry.includes(dir));
}

/** Connects as the page does and counts the srbchannel samples the host sends in ~1 s (a dozen at 10 Hz). */
async function samplesSent(url: URL): Promise<number> {
  const token = url.hash.replace(/^#token=/, '');
  const socket = new WebSocket(`ws://${url.host}/ws`, websocketProtocols(token), { origin: url.origin });
  let samples = 0;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type === 'patch') samples += message.patch.samples.length;
  });
  await sleep(1_200);
  socket.close();
  return samples;
}

describe('serve beside clean', () => {
  let dir = '';
  shmTempDirEachTest((made) => (dir = made));

  it('keeps no stale pool it samples open between samples, so clean --yes removes it', async () => {
    // A stale pool with an srbchannel in slot 0: its lab process has exited.
    const lab = await run(cliArgv(['lab', 'srbchannel', '--rate', '1000', '--seconds', '1', '--keep', '--dir', dir]));
    expect(lab.code).toBe(0);
    const [pool] = readdirSync(dir);
    expect(pool).toMatch(/^pulse-shm-/);

    const serve = start(cliArgv(['serve', '--port', '0', '--dir', dir]));
    const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
    // The host samples the pool's srbchannel: its patches carry samples.
    expect(await samplesSent(new URL(printed))).toBeGreaterThan(0);
    for (let check = 0; check < 40; check += 1) {
      expect(heldUnder(serve.pid, dir), `check ${check}`).toEqual([]);
      await sleep(15);
    }

    const clean = await run(cliArgv(['clean', '--yes', '--dir', dir]));
    expect(clean.stdout).toContain(`removed ${pool ?? ''}`);
    expect(clean.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    await serve.stop();
  });
});
