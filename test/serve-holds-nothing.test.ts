/**
 * The browser host reads segments (pool decoding, srbchannel samples) without holding
 * them: open, read, close. The one exception is a live srbchannel, read 2000 times a
 * second through an fd kept only while another process holds its pool. A `clean` run
 * beside `serve` must never find the host among a stale segment's holders.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { InspectorItem, Patch } from '../protocol/channels';
import { decodeServerMessage } from '../protocol/websocket-messages';
import { pageSocket, whenOpen } from '../server/page-socket';
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

/** Connects as the page does; `onPatch` sees every patch until the socket is closed. */
async function listen(url: URL, onPatch: (patch: Patch) => void): Promise<WebSocket> {
  const socket = pageSocket(url);
  socket.on('message', (data) => {
    const message = decodeServerMessage(String(data));
    if (message?.type === 'patch') onPatch(message.patch);
  });
  return whenOpen(socket);
}

/** Connects as the page does and counts the srbchannel samples the host sends in ~1 s (a dozen at 10 Hz). */
async function samplesSent(url: URL): Promise<number> {
  const socket = pageSocket(url);
  let samples = 0;
  socket.on('message', (data) => {
    const message = decodeServerMessage(String(data));
    if (message?.type === 'patch') samples += message.patch.samples.length;
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

  it('holds a live srbchannel read-only only while its lab runs, never lists itself as a holder, and lets go at once when the lab exits', async () => {
    const serve = start(cliArgv(['serve', '--port', '0', '--dir', dir]));
    const printed = await waitFor('the printed address', () => /SHM Inspector: (\S+)/.exec(serve.stdout())?.[1]);
    const items = new Map<string, InspectorItem>();
    let fastReads = 0;
    const socket = await listen(new URL(printed), (patch) => {
      for (const item of patch.upserts) items.set(item.id, item);
      for (const samples of patch.samples) {
        for (const interval of samples.intervals) fastReads = Math.max(fastReads, interval.reads);
      }
    });

    // A live pool: its lab (another process) maps it and moves traffic until SIGINT, then leaves it (--keep).
    const lab = start(cliArgv(['lab', 'srbchannel', '--rate', '1000', '--keep', '--dir', dir]));
    const pool = await waitFor('the lab pool', () => readdirSync(dir).find((name) => name.startsWith('pulse-shm-')));
    await waitFor('intervals read at 2 kHz', () => (fastReads > 50 ? true : undefined));
    // The sampler keeps one read-only fd on it (and maps nothing); the host's own scan leaves that fd out.
    expect(heldUnder(serve.pid, dir)).toEqual([path.join(dir, pool)]);
    const item = items.get(`seg:${pool}`);
    expect(item?.type === 'segment' ? item.segment.attached.map((holder) => holder.pid) : null).toEqual([lab.pid]);

    lab.child.kill('SIGINT');
    await lab.exited;
    // The lab is gone: the sampler lets go as its pidfd says so, long before the next rescan.
    const gone = Date.now();
    await waitFor('serve to close the pool', () => (heldUnder(serve.pid, dir).length === 0 ? true : undefined));
    expect(Date.now() - gone).toBeLessThan(250);
    const clean = await run(cliArgv(['clean', '--yes', '--dir', dir]));
    expect(clean.stdout).toContain(`removed ${pool}`);
    expect(clean.code).toBe(0);
    socket.close();
    await serve.stop();
  });
});
