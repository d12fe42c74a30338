import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSrbchannelHeader } from './pool/pool-encoding';
import { SrbchannelSampler } from './srbchannel-sampler';
import { identityOf } from './open-to-read';

const OFFSET = 64;
let dir: string;
let file: string;
let fd: number;
let clock = 0;

function setCounts(readCount: number, writeCount: number, waiting = 0): void {
  const words = Buffer.alloc(12);
  words.writeInt32LE(readCount, 0);
  words.writeInt32LE(writeCount, 4);
  words.writeInt32LE(waiting, 8);
  writeSync(fd, words, 0, 12, OFFSET);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shm-inspector-sampler-'));
  file = path.join(dir, 'pool');
  fd = openSync(file, 'w+');
  writeSync(fd, Buffer.alloc(OFFSET), 0, OFFSET, 0);
  writeSync(fd, encodeSrbchannelHeader(65472), 0, 48, OFFSET);
  clock = 1_000_000;
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

const sampler = (windowSeconds = 60) =>
  new SrbchannelSampler({ rateHz: 10, windowSeconds, activeWindowMs: 1000, now: () => clock });

describe('SrbchannelSampler', () => {
  it('records fill levels over time and counts the samples that changed', () => {
    const s = sampler();
    s.track([{ key: 'c', path: file, identity: identityOf(file), offset: OFFSET, capacity: 32712 }]);
    const levels = [0, 100, 100, 4000, 0];
    for (const level of levels) {
      setCounts(level, 32712 - level);
      s.sampleOnce();
      clock += 100;
    }
    expect(s.history('c')).toEqual({
      times: [1_000_000, 1_000_100, 1_000_200, 1_000_300, 1_000_400],
      readCount: levels,
      writeCount: levels.map((level) => 32712 - level),
    });
    const stats = s.stats('c');
    expect(stats?.samples).toBe(5);
    expect(stats?.changesPerSecond).toBeCloseTo(3 / 0.4);
    expect(stats?.active).toBe(true);
    expect(stats?.last?.readCount).toBe(0);
  });

  it('reads the semaphore words, and calls a channel idle once nothing changed for a while', () => {
    const s = sampler();
    s.track([{ key: 'c', path: file, identity: identityOf(file), offset: OFFSET, capacity: 32712 }]);
    setCounts(5, 0, 1);
    s.sampleOnce();
    expect(s.stats('c')?.last?.readSemaphore.waiting).toBe(1);
    for (let i = 0; i < 20; i += 1) {
      clock += 100;
      s.sampleOnce();
    }
    expect(s.stats('c')?.active).toBe(false);
  });

  it('keeps a fixed number of samples however long it runs', () => {
    const s = sampler(1);
    s.track([{ key: 'c', path: file, identity: identityOf(file), offset: OFFSET, capacity: 32712 }]);
    for (let i = 0; i < 35; i += 1) {
      setCounts(i, 0);
      s.sampleOnce();
      clock += 100;
    }
    const history = s.history('c');
    expect(history?.readCount).toEqual([25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
  });

  it('reports a pool that went away as an error and keeps its history', () => {
    const s = sampler();
    s.track([{ key: 'c', path: file, identity: identityOf(file), offset: OFFSET, capacity: 32712 }]);
    s.sampleOnce();
    unlinkSync(file);
    s.sampleOnce();
    expect(s.stats('c')).toMatchObject({ samples: 1, error: 'ENOENT' });
  });

  it('forgets channels that are no longer tracked, and refuses a rate out of range', () => {
    const s = sampler();
    s.track([{ key: 'c', path: file, identity: identityOf(file), offset: OFFSET, capacity: 32712 }]);
    s.track([]);
    expect(s.stats('c')).toBeNull();
    expect(() => new SrbchannelSampler({ rateHz: 0 })).toThrow(RangeError);
  });
});
