import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labPoolRequest } from '../../protocol/requests';
import { scanShm } from '../scan-shm';
import { SrbchannelSampler } from '../srbchannel-sampler';
import { identityOf } from '../open-to-read';
import { Lab, LAB_MEMFD_NAME, type LabRemoval } from './lab';

// A scratch directory on tmpfs, like /dev/shm itself; removed after each test.
let dir: string;
let lab: Lab;
beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-lab-test-');
  lab = new Lab(dir);
});
afterEach(() => {
  lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Lab', () => {
  it('makes a POSIX pool whose k allocated slots decode as exactly k in-use slots, owned and mapped by this process', () => {
    const pool = lab.createPool({ slots: 16, allocated: 5, freed: 2, memfd: false });
    const segment = scanShm(dir).segments.find((candidate) => candidate.name === pool.name);
    expect(segment?.state).toBe('live');
    expect(segment?.attached.map((holder) => [holder.pid, holder.access])).toEqual([[process.pid, 'rw']]);
    const decoded = segment?.pool?.pool;
    expect(decoded).toMatchObject({ slotCount: 16, inUse: 5, free: 2, data: 0, highWater: 7 });
    expect(decoded?.states.slice(0, 8)).toEqual([
      'in-use',
      'in-use',
      'in-use',
      'in-use',
      'in-use',
      'free',
      'free',
      'untouched',
    ]);
    expect(decoded?.baseCheck).toBe('matches-owner-maps');
  });

  it('makes a memfd pool that exists only as this process’s mapping', () => {
    const pool = lab.createPool({ slots: 4, allocated: 1, freed: 0, memfd: true });
    expect(pool.storage).toBe('memfd');
    expect(readdirSync(dir)).toEqual([]);
    const maps = readFileSync('/proc/self/maps', 'utf8');
    expect(maps).toContain(`${pool.inode}`);
    expect(maps).toContain(`/memfd:${LAB_MEMFD_NAME} (deleted)`);
  });

  it('runs srbchannel traffic that the sampler sees as active, with fill levels within capacity', async () => {
    const channel = lab.createSrbchannel({ rate: 200_000, memfd: false });
    const decoded = scanShm(dir).segments.find((candidate) => candidate.name === channel.name)?.pool?.pool;
    expect(
      decoded?.srbchannels.map((found) => [found.offset, found.capacity, found.readOffset, found.writeOffset]),
    ).toEqual([[64, 32712, 48, 32760]]);
    const sampler = new SrbchannelSampler({ rateHz: 50 });
    const channelPath = path.join(dir, channel.name);
    sampler.track([{ key: 'lab', path: channelPath, identity: identityOf(channelPath), offset: 64, capacity: 32712 }]);
    for (let i = 0; i < 40; i += 1) {
      sampler.sampleOnce();
      await waitMs(20);
    }
    const stats = sampler.stats('lab');
    expect(stats?.active).toBe(true);
    expect(stats?.changesPerSecond).toBeGreaterThan(1);
    const history = sampler.history('lab');
    for (const level of [...(history?.readCount ?? []), ...(history?.writeCount ?? [])]) {
      expect(level).toBeGreaterThanOrEqual(0);
      expect(level).toBeLessThanOrEqual(32712);
    }
    const traffic = lab.trafficOf(channel);
    expect(traffic?.errors).toBe(0);
    expect(traffic?.ring1.written).toBeGreaterThan(50_000);
  });

  it('makes a stale segment: its creator has exited', () => {
    const stale = lab.createStale();
    const segment = scanShm(dir).segments.find((candidate) => candidate.name === stale.name);
    expect(segment?.state).toBe('stale');
  });

  it('removes everything it made when it stops, and leaves it (stale once we exit) with keep', () => {
    const pool = lab.createPool({ slots: 2, allocated: 1, freed: 0, memfd: false });
    const channel = lab.createSrbchannel({ rate: 1000, memfd: false });
    const stale = lab.createStale();
    lab.stop();
    expect(readdirSync(dir)).toEqual([]);
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(path.join(dir, pool.name));

    const kept = lab.createPool({ slots: 2, allocated: 0, freed: 0, memfd: false });
    lab.stop({ keep: true });
    expect(existsSync(path.join(dir, kept.name))).toBe(true);
    expect([channel.name, stale.name].some((name) => existsSync(path.join(dir, name)))).toBe(false);
  });

  it('stops cleanly when a cleanup already removed one of its files, reporting it missing and releasing the rest', () => {
    const stale = lab.createStale();
    const pool = lab.createPool({ slots: 2, allocated: 1, freed: 0, memfd: false });
    rmSync(path.join(dir, stale.name)); // as Clean would, the point of a stale lab segment
    const removals: LabRemoval[] = [];
    lab.stop({}, (removal) => removals.push(removal));
    expect(removals.map(({ name, outcome, bytes }) => ({ name, outcome, freed: bytes > 0 }))).toEqual([
      { name: stale.name, outcome: 'missing', freed: false },
      { name: pool.name, outcome: 'removed', freed: true },
    ]);
    expect(readdirSync(dir)).toEqual([]);
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(path.join(dir, pool.name));
  });

  it('refuses pools out of range and creates nothing', () => {
    for (const bad of [
      { slots: 1, allocated: 0, freed: 0, memfd: false },
      { slots: 16_385, allocated: 0, freed: 0, memfd: false },
      { slots: 4, allocated: 3, freed: 2, memfd: false },
      { slots: 4, allocated: -1, freed: 0, memfd: false },
    ]) {
      expect(labPoolRequest.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
