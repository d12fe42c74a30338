/**
 * The native srbchannel sampler against the lab's real traffic (trafficStart: two
 * threads moving exact byte counts through a real pool file, reference §5), and what it
 * holds open: an fd only while a holder of the pool runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSegment,
  NativeError,
  samplerClose,
  samplerCollect,
  samplerOpen,
  samplerTrack,
  trafficStart,
  trafficStats,
  trafficStop,
  type ChannelInterval,
  type ChannelSpec,
} from './index';

const SLOT_SIZE = 65536;
const BLOCK_OFFSET = 64;
const BLOCK_LENGTH = 65472;
const CAPACITY = 32712;
/** 2 kHz, as the Inspector service samples. */
const PERIOD_MICROS = 500;

const tempDirs: string[] = [];
const samplers: number[] = [];
const traffic: number[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const handle of samplers.splice(0)) samplerClose(handle);
  for (const handle of traffic.splice(0)) trafficStop(handle);
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function makePool(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-sampler-'));
  tempDirs.push(dir);
  return path.join(dir, createSegment({ dir, dataSize: 2 * SLOT_SIZE, mode: 0o600 }).name);
}

function startTraffic(file: string, rate: number): number {
  const fd = fs.openSync(file, 'r+');
  try {
    const handle = trafficStart(fd, BLOCK_OFFSET, BLOCK_LENGTH, rate);
    traffic.push(handle);
    return handle;
  } finally {
    fs.closeSync(fd);
  }
}

function open(): number {
  const handle = samplerOpen(PERIOD_MICROS);
  samplers.push(handle);
  return handle;
}

function spec(file: string, holders: number[]): ChannelSpec {
  const st = fs.statSync(file);
  return {
    key: 'c',
    path: file,
    dev: st.dev,
    inode: st.ino,
    followLink: false,
    offset: BLOCK_OFFSET,
    capacity: CAPACITY,
    holders,
  };
}

function only(intervals: ChannelInterval[]): ChannelInterval {
  expect(intervals).toHaveLength(1);
  return intervals[0] as ChannelInterval;
}

/** Whether this process has `file` open right now. */
function holdsOpen(file: string): boolean {
  return fs.readdirSync('/proc/self/fd').some((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });
}

/** A process that lives until killed, to stand for a pool's holder. */
function holder(): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('the native srbchannel sampler', () => {
  it("sums each ring's fill increases into the bytes the lab wrote, within what one interval can miss", async () => {
    const file = makePool();
    const rate = 100_000;
    const run = startTraffic(file, rate);
    const sampler = open();
    samplerTrack(sampler, [spec(file, [process.pid])]);
    await sleep(150);
    samplerCollect(sampler); // from here on, every byte written is in some interval
    const before = trafficStats(run);

    const intervals: ChannelInterval[] = [];
    for (let i = 0; i < 20; i += 1) {
      await sleep(100);
      intervals.push(only(samplerCollect(sampler)));
    }
    const after = trafficStats(run);
    expect(after.errors).toBe(0);

    for (const interval of intervals) {
      expect(interval).toMatchObject({ key: 'c', held: true, error: null });
      // 2 kHz: about 200 reads in 100 ms; far fewer would mean the thread is not sampling.
      expect(interval.reads).toBeGreaterThan(50);
      expect(interval.readBytes).toBeGreaterThan(0);
      expect(interval.writeBytes).toBeGreaterThan(0);
      expect(interval.readPeak).toBeGreaterThan(0);
      expect(interval.readPeak).toBeLessThanOrEqual(CAPACITY);
      expect(interval.last).toHaveLength(8);
    }
    // Ring 1 is the "read" ring (count at +0), ring 2 the "write" ring (count at +4).
    const slack = rate / 10; // one 100 ms interval's worth
    const sum = (pick: (interval: ChannelInterval) => number) => intervals.reduce((total, i) => total + pick(i), 0);
    const moved1 = after.ring1.written - before.ring1.written;
    const moved2 = after.ring2.written - before.ring2.written;
    expect(moved1).toBeGreaterThan(rate); // two seconds of traffic went by
    expect(Math.abs(sum((i) => i.readBytes) - moved1)).toBeLessThanOrEqual(slack);
    expect(Math.abs(sum((i) => i.writeBytes) - moved2)).toBeLessThanOrEqual(slack);
    // Each end announces its wait and is posted: the semaphore words change many times a second.
    expect(sum((i) => i.wakeups)).toBeGreaterThan(20);
  });

  it('reads a channel no holder runs once per collect, holding nothing open between collects', async () => {
    const file = makePool();
    const run = startTraffic(file, 50_000);
    const sampler = open();
    samplerTrack(sampler, [spec(file, [])]);
    for (let i = 0; i < 5; i += 1) {
      await sleep(20);
      expect(holdsOpen(file)).toBe(false);
      expect(only(samplerCollect(sampler))).toMatchObject({ held: false, reads: 1, error: null });
    }
    trafficStop(run);
    traffic.splice(0);
  });

  it('holds the pool open while a holder runs, and closes it as soon as the last one exits', async () => {
    const file = makePool();
    const first = holder();
    const second = holder();
    const sampler = open();
    samplerTrack(sampler, [spec(file, [first.pid ?? 0, second.pid ?? 0])]);
    expect(holdsOpen(file)).toBe(true);

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await sleep(50);
    expect(holdsOpen(file)).toBe(true);
    expect(only(samplerCollect(sampler)).held).toBe(true);

    second.kill('SIGKILL');
    const exited = Date.now();
    await new Promise((resolve) => second.once('exit', resolve));
    await waitUntil('the sampler to close the pool', () => !holdsOpen(file));
    expect(Date.now() - exited).toBeLessThan(500);
    expect(only(samplerCollect(sampler))).toMatchObject({ held: false, error: null });
    // From now on it is read once per collect, and held no more.
    expect(only(samplerCollect(sampler))).toMatchObject({ held: false, reads: 1 });
    expect(holdsOpen(file)).toBe(false);
  });

  it('closes a held segment once it is unlinked, and when it is no longer tracked', async () => {
    const file = makePool();
    const sampler = open();
    samplerTrack(sampler, [spec(file, [process.pid])]);
    expect(holdsOpen(file)).toBe(true);
    samplerTrack(sampler, []);
    expect(holdsOpen(file)).toBe(false);
    expect(samplerCollect(sampler)).toEqual([]);

    samplerTrack(sampler, [spec(file, [process.pid])]);
    expect(holdsOpen(file)).toBe(true);
    fs.unlinkSync(file);
    await waitUntil('the sampler to close the unlinked pool', () =>
      fs.readdirSync('/proc/self/fd').every((fd) => {
        try {
          return !fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
        } catch {
          return true;
        }
      }),
    );
  });

  it('reports another file at the path as CHANGED, and counts beyond capacity as NOT_SRBCHANNEL', () => {
    const file = makePool();
    const sampler = open();
    const scanned = spec(file, []);
    // Another file renamed over it (made first: tmpfs would give a new file the freed inode number).
    fs.writeFileSync(`${file}.other`, Buffer.alloc(2 * SLOT_SIZE));
    fs.renameSync(`${file}.other`, file);
    samplerTrack(sampler, [scanned]);
    expect(only(samplerCollect(sampler))).toMatchObject({ reads: 0, error: 'CHANGED', last: null });

    const words = Buffer.alloc(8);
    words.writeInt32LE(CAPACITY + 1, 0);
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(BLOCK_OFFSET), words, Buffer.alloc(SLOT_SIZE)]));
    samplerTrack(sampler, [spec(file, [])]);
    expect(only(samplerCollect(sampler))).toMatchObject({ reads: 0, error: 'NOT_SRBCHANNEL' });
  });

  it('refuses a period out of range and an unknown handle', () => {
    expect(() => samplerOpen(10)).toThrow(NativeError);
    expect(() => samplerCollect(999_999)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
