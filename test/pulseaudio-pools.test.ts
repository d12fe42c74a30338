/**
 * Pools and srbchannels of a real PulseAudio daemon (reference §4-§6), each daemon in
 * its own private /dev/shm, with paplay playing a tone on a null sink: what `scan --json`
 * decodes, checked against the kernel's view in /proc/<pid>/maps, and what the
 * srbchannel sampler sees of the live channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SrbchannelSampler, type ChannelHistory } from '../core/srbchannel-sampler';
import type { Pool, Srbchannel } from '../protocol/pool';
import type { ScanResult, Segment } from '../protocol/scan-result';
import { fileKey, mappingBasesOf, memfdMappingsOf } from './support/memfd-maps';
import { PrivateShm } from './support/private-shm';
import { makeTone, PulseDaemon } from './support/pulse-daemon';
import { processState, stopAll, waitFor, type Running } from './support/processes';
import { parseScan, shmMappingsOf } from './support/segments';

/** Reference §5: a 65472-byte block gives two rings of 32712 bytes, at 48 and 32760. */
const SRB = { capacity: 32712, readOffset: 48, writeOffset: 32760 };
/** Reference §4: the largest POOL block, what the daemon allocates for an srbchannel. */
const MAX_BLOCK_LENGTH = 65472;

async function scanIn(shm: PrivateShm): Promise<ScanResult> {
  const result = await shm.cli(['scan', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return parseScan(result);
}

function decodedPool(segment: Segment | undefined): Pool {
  expect(segment?.pool?.notPool ?? null).toBeNull();
  const pool = segment?.pool?.pool;
  if (!pool) throw new Error(`${segment?.name ?? 'the segment'} was not decoded as a pool`);
  return pool;
}

/**
 * paplay on the null sink, as PulseDaemon.play but with a 20 ms target latency. With the
 * default (about 2 s of buffer) paplay refills once every ~2 s and the srbchannel is busy
 * for ~2 ms of that; at 20 ms it carries a burst every ~5 ms, often enough for a sampler
 * to catch within a second.
 */
async function playLowLatency(shm: PrivateShm, daemon: PulseDaemon, wav: string): Promise<Running> {
  const paplay = shm.start(['paplay', '--device=nul', '--latency-msec=20', wav], { env: daemon.env });
  await waitFor('paplay to have a sink input', async () => {
    if (processState(paplay.pid) === null) throw new Error(`paplay exited: ${paplay.stderr()}`);
    return (await daemon.pactl(['list', 'short', 'sink-inputs'])).stdout.trim() !== '' ? true : undefined;
  });
  return paplay;
}

const isPlaying = (paplay: Running): boolean => !paplay.closed() && processState(paplay.pid) !== null;

function expectCountsWithin(history: ChannelHistory | null, capacity: number): void {
  expect(history?.readCount.length).toBeGreaterThan(0);
  for (const count of [...(history?.readCount ?? []), ...(history?.writeCount ?? [])]) {
    expect(count).toBeGreaterThanOrEqual(0);
    expect(count).toBeLessThanOrEqual(capacity);
  }
}

describe('a real PulseAudio daemon with POSIX shm (--enable-memfd=no) and paplay playing', () => {
  let shm: PrivateShm;
  let daemon: PulseDaemon;
  let toneDir: string;
  let paplay: Running;
  /** The daemon's per-client rw pool that paplay maps read-write (found in the first test). */
  let clientPool: Segment | undefined;

  /** The pulse-shm names a process maps, from the kernel. */
  const pulseMapped = (pid: number, perms = '') =>
    shmMappingsOf(pid)
      .filter((mapping) => mapping.name.startsWith('pulse-shm-') && mapping.perms.startsWith(perms))
      .map((mapping) => mapping.name);

  beforeAll(async () => {
    shm = await PrivateShm.start();
    toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
    const tone = await makeTone(toneDir);
    daemon = await PulseDaemon.start(shm, { memfd: false });
    paplay = await playLowLatency(shm, daemon, tone);
    // pactl (used to wait for the daemon and the stream) had a rw pool of its own: wait
    // until the daemon has let it go, so that it maps its core pool and paplay's only.
    await waitFor('the daemon to map only its core pool besides paplay’s', () => {
      const clients = pulseMapped(paplay.pid);
      return pulseMapped(daemon.pid).filter((name) => !clients.includes(name)).length === 1 ? true : undefined;
    });
  });

  afterAll(async () => {
    // The daemon first: its parent kills and reaps it. Killing the parent first (stopAll)
    // would orphan the daemon, which keeps the parent's pipes open.
    await daemon?.stop();
    await stopAll();
    await shm?.stop();
    if (toneDir) rmSync(toneDir, { recursive: true, force: true });
  });

  it('scan --json shows the client’s rw pool (daemon-marked, mapped rw by paplay) with exactly one srbchannel at slot 0 offset 64: capacity 32712, offsets 48 and 32760, counts within capacity', async () => {
    const rwMapped = pulseMapped(paplay.pid, 'rw');
    expect(rwMapped).toHaveLength(1);

    const scan = await scanIn(shm);
    clientPool = scan.segments.find((segment) => segment.name === rwMapped[0]);
    expect(clientPool).toMatchObject({ state: 'live', marker: { valid: true, pid: daemon.pid } });
    expect(clientPool?.attached).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pid: daemon.pid, comm: 'pulseaudio', access: 'rw' }),
        expect.objectContaining({ pid: paplay.pid, comm: 'paplay', access: 'rw' }),
      ]),
    );

    const pool = decodedPool(clientPool);
    expect(pool.srbchannels).toHaveLength(1);
    const [channel] = pool.srbchannels as [Srbchannel];
    expect(channel).toMatchObject({ slot: 0, offset: 64, ...SRB });
    for (const count of [channel.last.readCount, channel.last.writeCount]) {
      expect(count).toBeGreaterThanOrEqual(0);
      expect(count).toBeLessThanOrEqual(SRB.capacity);
    }
    // The block holding it is the maximal POOL block in slot 0, written by the daemon
    // at its own mapping of the file.
    expect(pool.headers).toContainEqual(
      expect.objectContaining({ index: 0, state: 'in-use', type: 'pool', length: MAX_BLOCK_LENGTH }),
    );
    expect(pool.states[0]).toBe('in-use');
    expect(pool.baseCheck).toBe('matches-owner-maps');
    expect(mappingBasesOf(daemon.pid, clientPool?.inode ?? -1)).toContain(pool.base);
  });

  it('the srbchannel sampler, reading the header through /proc/<keeper>/root/dev/shm, sees counts within capacity at 20 Hz and sees them change at 1 kHz while paplay plays', async () => {
    if (!clientPool) throw new Error('the first test did not find the client’s rw pool');
    const source = {
      key: clientPool.name,
      path: path.join(shm.outsidePath, clientPool.name),
      identity: clientPool,
      offset: 64,
      capacity: SRB.capacity,
    };

    // One second at 20 Hz, as a UI would sample: every sample reads and is consistent.
    const slow = new SrbchannelSampler({ rateHz: 20 });
    slow.track([source]);
    for (let sample = 0; sample < 20; sample += 1) {
      slow.sampleOnce();
      await sleep(50);
    }
    expect(slow.stats(source.key)).toMatchObject({ samples: 20, error: null });
    expectCountsWithin(slow.history(source.key), SRB.capacity);

    // The traffic comes in bursts of ~0.1 ms every ~5 ms, which 20 samples a second
    // rarely hit; one second at the sampler's highest rate sees them.
    const fast = new SrbchannelSampler({ rateHz: 1000 });
    fast.track([source]);
    fast.start();
    await sleep(1000);
    fast.stop();
    expect(isPlaying(paplay)).toBe(true);

    const stats = fast.stats(source.key);
    expect(stats?.error).toBeNull();
    expect(stats?.samples).toBeGreaterThanOrEqual(200);
    const history = fast.history(source.key);
    expectCountsWithin(history, SRB.capacity);
    const distinct = new Set(history?.readCount.map((read, i) => `${read}/${history.writeCount[i] ?? ''}`));
    expect((stats?.changesPerSecond ?? 0) > 0 || distinct.size >= 2).toBe(true);
  });

  it('the daemon’s core pool (daemon-marked, not mapped by paplay) has blocks in use, one of them the silence block, and its base matches the daemon’s maps', async () => {
    const clients = pulseMapped(paplay.pid);
    const scan = await scanIn(shm);
    const core = scan.segments.filter(
      (segment) => segment.marker?.pid === daemon.pid && !clients.includes(segment.name),
    );
    expect(core).toHaveLength(1);
    const [segment] = core as [Segment];
    expect(pulseMapped(daemon.pid, 'rw')).toContain(segment.name);
    expect(segment).toMatchObject({ state: 'live', owner: { pid: daemon.pid, comm: 'pulseaudio' } });

    const pool = decodedPool(segment);
    expect(pool.inUse).toBeGreaterThan(0);
    expect(pool.headers.filter((header) => header.state === 'in-use')).toHaveLength(pool.inUse);
    expect(pool.headers).toContainEqual(expect.objectContaining({ state: 'in-use', isSilence: true }));
    expect(pool.baseCheck).toBe('matches-owner-maps');
    expect(mappingBasesOf(daemon.pid, segment.inode)).toContain(pool.base);
  });
});

describe('a real PulseAudio daemon with memfd pools (the default) and paplay playing', () => {
  let shm: PrivateShm;
  let daemon: PulseDaemon;
  let toneDir: string;
  let paplay: Running;

  /** The pulseaudio memfds a process maps, by identity, from the kernel. */
  const pulseMemfds = (pid: number): Set<string> =>
    new Set(
      memfdMappingsOf(pid)
        .filter((mapping) => mapping.name === 'pulseaudio')
        .map(fileKey),
    );

  beforeAll(async () => {
    shm = await PrivateShm.start();
    toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
    const tone = await makeTone(toneDir);
    daemon = await PulseDaemon.start(shm, { memfd: true });
    paplay = await daemon.play(tone);
    // Until the daemon has dropped pactl's rw pool, it maps a memfd paplay does not.
    await waitFor('every pulseaudio memfd of the daemon to be shared with paplay', () => {
      const clients = pulseMemfds(paplay.pid);
      const own = [...pulseMemfds(daemon.pid)];
      return own.length > 0 && own.every((key) => clients.has(key)) ? true : undefined;
    });
  });

  afterAll(async () => {
    // The daemon first: its parent kills and reaps it. Killing the parent first (stopAll)
    // would orphan the daemon, which keeps the parent's pipes open.
    await daemon?.stop();
    await stopAll();
    await shm?.stop();
    if (toneDir) rmSync(toneDir, { recursive: true, force: true });
  });

  it('scan --json lists the daemon’s pulseaudio memfds once each, held by the daemon and paplay, every one decoded as a pool, one holding an srbchannel of capacity 32712', async () => {
    // No /dev/shm file is involved: the private one stays empty.
    expect(shm.list()).toEqual([]);
    const kernel = pulseMemfds(daemon.pid);
    expect(kernel.size).toBeGreaterThanOrEqual(2);

    const scan = await scanIn(shm);
    const mine = scan.memfds.filter((memfd) => memfd.holders.some((holder) => holder.pid === daemon.pid));
    const keys = mine.map(fileKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...kernel].sort());
    for (const key of keys) expect(scan.memfds.filter((memfd) => fileKey(memfd) === key)).toHaveLength(1);

    for (const memfd of mine) {
      expect(memfd.name).toBe('pulseaudio');
      expect(memfd.holders).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pid: daemon.pid, comm: 'pulseaudio' }),
          expect.objectContaining({ pid: paplay.pid, comm: 'paplay' }),
        ]),
      );
      expect(memfd.holders.filter((holder) => holder.pid === daemon.pid)).toHaveLength(1);
      expect(memfd.unreadable).toBeNull();
      expect(memfd.pool?.notPool).toBeNull();
      const pool = memfd.pool?.pool;
      expect(pool).toBeTruthy();
      expect((pool?.slotCount ?? 0) * (pool?.slotSize ?? 0)).toBe(memfd.size);
    }

    const channels = mine.flatMap((memfd) => memfd.pool?.pool?.srbchannels ?? []);
    expect(channels).toContainEqual(expect.objectContaining({ slot: 0, offset: 64, ...SRB }));
    for (const channel of channels) {
      expect(channel.last.readCount).toBeLessThanOrEqual(channel.capacity);
      expect(channel.last.writeCount).toBeLessThanOrEqual(channel.capacity);
    }
  });
});
