/**
 * The engine against a real PulseAudio daemon with POSIX shm (--enable-memfd=no), all
 * inside a private /dev/shm. The tests run in order: each one moves the same daemon a
 * step further through its life (running, playing, killed, reaped).
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Segment } from '../protocol/scan-result';
import { PrivateShm } from './support/private-shm';
import { makeTone, pulseCleanupShm, PulseDaemon } from './support/pulse-daemon';
import { processState, stopAll, type Running } from './support/processes';
import { names, parseClean, parseScan, randomPulseName, readTail, shmMappingsOf } from './support/segments';

describe('a real PulseAudio daemon with POSIX shm, in a private /dev/shm', () => {
  let shm: PrivateShm;
  let daemon: PulseDaemon;
  let toneDir: string;
  let tone: string;
  let paplay: Running;
  /** The daemon's rw pool that paplay maps (found in test b). */
  let clientPool: string | undefined;

  const scanInside = async () => parseScan(await shm.cli(['scan', '--json']));
  const ownedBy = (segments: Segment[], pid: number) => segments.filter((segment) => segment.marker?.pid === pid);

  beforeAll(async () => {
    shm = await PrivateShm.start();
    toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
    tone = await makeTone(toneDir);
    daemon = await PulseDaemon.start(shm);
  });

  afterAll(async () => {
    await daemon?.stop();
    await stopAll();
    await shm?.stop();
    if (toneDir) rmSync(toneDir, { recursive: true, force: true });
  });

  it('scan --json finds the daemon’s pulse-shm segments: live, marker PID = daemon, mapped rw by it, matching the bytes on disk', async () => {
    const scan = await scanInside();
    const mine = ownedBy(scan.segments, daemon.pid);
    expect(mine.length).toBeGreaterThanOrEqual(1);

    // The kernel's view: every pulse-shm file the daemon maps is one of them.
    const mapped = shmMappingsOf(daemon.pid).filter((mapping) => mapping.name.startsWith('pulse-shm-'));
    expect(mapped.length).toBeGreaterThanOrEqual(1);
    expect(names(mine)).toEqual(expect.arrayContaining(mapped.map((mapping) => mapping.name)));

    for (const segment of mine) {
      expect(segment).toMatchObject({
        kind: 'file',
        pulse: true,
        state: 'live',
        marker: { valid: true, pid: daemon.pid },
        owner: { pid: daemon.pid, comm: 'pulseaudio' },
      });
      expect(segment.attached).toContainEqual(
        expect.objectContaining({ pid: daemon.pid, comm: 'pulseaudio', access: 'rw' }),
      );
      const file = path.join(shm.outsidePath, segment.name);
      const stats = statSync(file);
      expect(segment.size).toBe(stats.size);
      expect(segment.inode).toBe(stats.ino);
      expect(segment.mode).toBe(stats.mode & 0o7777);
      const tail = readTail(file);
      expect([...tail.subarray(0, 4)]).toEqual([0xfe, 0xca, 0xef, 0xbe]);
      expect(tail.readInt32LE(4)).toBe(daemon.pid);
      expect(tail.subarray(8).every((byte) => byte === 0)).toBe(true);
      expect(segment.marker?.hex).toBe(tail.toString('hex'));
    }
  });

  it('with paplay playing, paplay maps the daemon’s rw pool and scan lists it in attached with access rw', async () => {
    paplay = await daemon.play(tone);
    const mapped = shmMappingsOf(paplay.pid).filter((mapping) => mapping.name.startsWith('pulse-shm-'));
    expect(mapped.length).toBeGreaterThanOrEqual(1);

    const scan = await scanInside();
    for (const mapping of mapped) {
      const segment = scan.segments.find((candidate) => candidate.name === mapping.name);
      expect(segment).toMatchObject({ state: 'live', inode: mapping.inode, marker: { valid: true, pid: daemon.pid } });
      expect(segment?.attached).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pid: paplay.pid, comm: 'paplay', access: mapping.perms[1] === 'w' ? 'rw' : 'ro' }),
          expect.objectContaining({ pid: daemon.pid, access: 'rw' }),
        ]),
      );
    }
    // Reference §5: the client maps the daemon's per-client rw pool read-write.
    clientPool = mapped.find((mapping) => mapping.perms.startsWith('rw'))?.name;
    expect(clientPool).toBeDefined();
  });

  it('after kill -9 and before reaping, the segments are stale-zombie: kept by default, removable with --include zombie, and kept by pulseaudio --cleanup-shm', async () => {
    await daemon.killToZombie();
    // The client goes down with it; the rw pool the daemon made for it stays on disk.
    await paplay.stop();

    const scan = await scanInside();
    const mine = ownedBy(scan.segments, daemon.pid);
    expect(names(mine)).toContain(clientPool);
    for (const segment of mine) {
      expect(segment).toMatchObject({ state: 'stale-zombie', owner: { pid: daemon.pid, state: 'Z' }, attached: [] });
    }

    const plan = parseClean(await shm.cli(['clean', '--dry-run', '--json']));
    expect(plan.dryRun).toBe(true);
    for (const segment of mine) {
      expect(plan.kept).toContainEqual({
        name: segment.name,
        state: 'stale-zombie',
        reason: expect.stringContaining('--include zombie') as unknown,
        cause: expect.not.stringContaining('--include') as unknown,
        forceable: true,
      });
    }
    for (const segment of mine) expect(names(plan.removed)).not.toContain(segment.name);

    const withZombies = parseClean(await shm.cli(['clean', '--dry-run', '--include', 'zombie', '--json']));
    expect(names(withZombies.removed)).toEqual(names(mine));

    const listing = shm.list();
    const pulse = await pulseCleanupShm(shm);
    expect(pulse.code).toBe(0);
    expect(shm.list()).toEqual(listing);
    for (const segment of mine) expect(existsSync(path.join(shm.outsidePath, segment.name))).toBe(true);
  });

  it('after reaping, they are stale, and clean --dry-run plans to remove exactly what pulseaudio --cleanup-shm then removes', async () => {
    const zombieSegments = names(ownedBy((await scanInside()).segments, daemon.pid));
    await daemon.reap();
    expect(processState(daemon.pid)).toBeNull();

    // Widen the comparison: a stale segment of a dead CLI, a live one (marker = this
    // test process), and a pulse-shm file too small to hold a marker.
    const staleCreated = await shm.cli(['create', '--size', '64KiB', '--json']);
    expect(staleCreated.code).toBe(0);
    const liveCreated = await shm.cli(['create', '--size', '64KiB', '--marker-pid', String(process.pid), '--json']);
    expect(liveCreated.code).toBe(0);
    const tiny = randomPulseName();
    writeFileSync(path.join(shm.outsidePath, tiny), Buffer.alloc(10));
    const stale = (JSON.parse(staleCreated.stdout) as { name: string }).name;
    const live = (JSON.parse(liveCreated.stdout) as { name: string }).name;

    const scan = await scanInside();
    for (const name of zombieSegments)
      expect(scan.segments).toContainEqual(expect.objectContaining({ name, state: 'stale' }));
    expect(scan.segments).toContainEqual(expect.objectContaining({ name: stale, state: 'stale' }));
    expect(scan.segments).toContainEqual(expect.objectContaining({ name: live, state: 'live' }));
    expect(scan.segments).toContainEqual(expect.objectContaining({ name: tiny, state: 'no-marker' }));

    const listing = shm.list();
    const plan = parseClean(await shm.cli(['clean', '--dry-run', '--json']));
    expect(shm.list()).toEqual(listing);

    const pulse = await pulseCleanupShm(shm);
    expect(pulse.code).toBe(0);
    const after = shm.list();
    const removedByPulse = listing.filter((name) => !after.includes(name));

    expect(names(plan.removed)).toEqual(removedByPulse);
    expect(removedByPulse).toEqual([...zombieSegments, stale].sort());
    expect(after).toEqual(expect.arrayContaining([live, tiny]));
  });

  it('clean --yes --json removes a killed and reaped daemon’s segments, reports the bytes freed, and the files are gone', async () => {
    const second = await PulseDaemon.start(shm);
    try {
      const itsSegments = ownedBy((await scanInside()).segments, second.pid);
      expect(itsSegments.length).toBeGreaterThanOrEqual(1);
      const before = shm.list();
      await second.killToZombie();
      await second.reap();

      const result = await shm.cli(['clean', '--yes', '--json']);
      expect(result.code).toBe(0);
      const cleaned = parseClean(result);
      expect(cleaned.dryRun).toBe(false);
      expect(cleaned.failed).toEqual([]);
      expect(names(cleaned.removed)).toEqual(names(itsSegments));
      expect(cleaned.bytesFreed).toBeGreaterThan(0);
      expect(cleaned.bytesFreed).toBe(cleaned.removed.reduce((sum, item) => sum + item.bytes, 0));
      expect(shm.list()).toEqual(before.filter((name) => !names(itsSegments).includes(name)));
    } finally {
      await second.stop();
    }
  });
});
