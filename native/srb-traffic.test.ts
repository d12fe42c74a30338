/**
 * Real srbchannel traffic through a block of a real pool file, sampled with pread from
 * this thread the way the inspector samples it (reference §5). Temp dirs and running
 * traffic are cleaned up in afterEach.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createSegment, NativeError, trafficStart, trafficStats, trafficStop, type TrafficStats } from './index';

const ADDON_PATH = path.join(__dirname, 'build', 'Release', 'shm_inspector.node');
const SLOT_SIZE = 65536;
/** The first block of a pool: slot 0, data 64 bytes in (reference §4). */
const BLOCK_OFFSET = 64;
/** PulseAudio's srbchannel block: a whole slot minus the block header (reference §5). */
const BLOCK_LENGTH = 65472;
const CAPACITY = 32712;
const WRITE_OFFSET = 32760;
const RATE = 200_000;

const tempDirs: string[] = [];
const running: number[] = [];

afterEach(() => {
  for (const handle of running.splice(0)) {
    try {
      trafficStop(handle);
    } catch {
      // already stopped by the test
    }
  }
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A two-slot pool file in a fresh temp dir, as the lab creates one. */
function makePool(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-traffic-'));
  tempDirs.push(dir);
  const created = createSegment({ dir, dataSize: 2 * SLOT_SIZE, mode: 0o600 });
  return path.join(dir, created.name);
}

/** Opens `file` read-write, starts traffic and closes the fd at once: the mapping keeps the channel alive. */
function startOn(file: string, blockOffset: number, rate: number): number {
  const fd = fs.openSync(file, 'r+');
  try {
    const handle = trafficStart(fd, blockOffset, BLOCK_LENGTH, rate);
    running.push(handle);
    return handle;
  } finally {
    fs.closeSync(fd);
  }
}

function stop(handle: number): TrafficStats {
  const final = trafficStop(handle);
  running.splice(running.indexOf(handle), 1);
  return final;
}

interface Header {
  readCount: number;
  writeCount: number;
  readWaiting: number;
  readSignalled: number;
  writeWaiting: number;
  writeSignalled: number;
  capacity: number;
  readOffset: number;
  writeOffset: number;
}

/** The srbchannel header at `blockOffset`, read with pread as the inspector's sampler reads it. */
function readHeader(file: string, blockOffset: number): Header {
  const bytes = Buffer.alloc(48);
  const fd = fs.openSync(file, 'r');
  try {
    expect(fs.readSync(fd, bytes, 0, 48, blockOffset)).toBe(48);
  } finally {
    fs.closeSync(fd);
  }
  return {
    readCount: bytes.readInt32LE(0),
    writeCount: bytes.readInt32LE(4),
    readWaiting: bytes.readInt32LE(8),
    readSignalled: bytes.readInt32LE(12),
    writeWaiting: bytes.readInt32LE(20),
    writeSignalled: bytes.readInt32LE(24),
    capacity: bytes.readInt32LE(32),
    readOffset: bytes.readInt32LE(36),
    writeOffset: bytes.readInt32LE(40),
  };
}

function expectExactFinal(final: TrafficStats, header: Header): void {
  expect(final.running).toBe(false);
  expect(final.errors).toBe(0);
  // Both ends are joined: what is left in each ring is exactly written minus read.
  expect(header.readCount).toBe(final.ring1.written - final.ring1.read);
  expect(header.writeCount).toBe(final.ring2.written - final.ring2.read);
}

describe('srbchannel traffic', () => {
  it('writes PulseAudio header and keeps counts within capacity while they change', async () => {
    const file = makePool();
    const handle = startOn(file, BLOCK_OFFSET, RATE);

    const samples: Header[] = [];
    for (let i = 0; i < 50; i++) {
      samples.push(readHeader(file, BLOCK_OFFSET));
      await sleep(10);
    }
    for (const sample of samples) {
      expect(sample).toMatchObject({ capacity: CAPACITY, readOffset: 48, writeOffset: WRITE_OFFSET });
      for (const count of [sample.readCount, sample.writeCount]) {
        expect(count).toBeGreaterThanOrEqual(0);
        expect(count).toBeLessThanOrEqual(CAPACITY);
      }
    }
    // Writes every 10 ms and drains every 25 ms: fill levels are non-zero and move.
    let changes = 0;
    for (let i = 1; i < samples.length; i++) {
      const [before, after] = [samples[i - 1], samples[i]];
      if (before?.readCount !== after?.readCount || before?.writeCount !== after?.writeCount) changes++;
    }
    expect(changes).toBeGreaterThan(samples.length / 2);
    expect(Math.max(...samples.map((s) => s.readCount))).toBeGreaterThan(0);
    expect(Math.max(...samples.map((s) => s.writeCount))).toBeGreaterThan(0);

    await sleep(Math.max(0, 1000 - trafficStats(handle).elapsedMs));
    const stats = trafficStats(handle);
    expect(stats.running).toBe(true);
    expect(stats.errors).toBe(0);
    const expected = (RATE * stats.elapsedMs) / 1000;
    for (const ring of [stats.ring1, stats.ring2]) {
      expect(ring.written).toBeGreaterThan(0.5 * expected);
      expect(ring.written).toBeLessThan(1.5 * expected);
      expect(ring.read).toBeLessThanOrEqual(ring.written);
      expect(ring.written - ring.read).toBeLessThanOrEqual(CAPACITY);
    }

    const final = stop(handle);
    expectExactFinal(final, readHeader(file, BLOCK_OFFSET));
    expect(final.ring1.written).toBeGreaterThanOrEqual(stats.ring1.written);
    expect(final.elapsedMs).toBeGreaterThanOrEqual(stats.elapsedMs);
    // Nothing moves once stopped.
    await sleep(50);
    expect(readHeader(file, BLOCK_OFFSET)).toEqual(readHeader(file, BLOCK_OFFSET));
  });

  it('moves bytes at a low rate through a block that is not page aligned', async () => {
    const file = makePool();
    const blockOffset = SLOT_SIZE + BLOCK_OFFSET; // slot 1's block
    const handle = startOn(file, blockOffset, 1000);
    await sleep(300);
    const final = stop(handle);
    expect(final.ring1.written).toBeGreaterThan(0);
    expect(final.ring2.written).toBeGreaterThan(0);
    expect(final.ring1.written).toBeLessThanOrEqual(Math.ceil(final.elapsedMs));
    expect(final.ring1.read).toBeGreaterThan(0);
    const header = readHeader(file, blockOffset);
    expect(header).toMatchObject({ capacity: CAPACITY, readOffset: 48, writeOffset: WRITE_OFFSET });
    expectExactFinal(final, header);
    // Slot 0 was left alone.
    expect(readHeader(file, BLOCK_OFFSET).capacity).toBe(0);
  });

  it('shows fdsem activity: an idle reader waits, its writer signals it', () => {
    const file = makePool();
    const handle = startOn(file, BLOCK_OFFSET, 1000);
    const seen = { waiting: false, signalled: false };
    // Tight pread sampling for 300 ms, as a fast sampler would see the words.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      const header = readHeader(file, BLOCK_OFFSET);
      const waiting = [header.readWaiting, header.writeWaiting];
      const signalled = [header.readSignalled, header.writeSignalled];
      for (const flag of [...waiting, ...signalled]) expect([0, 1]).toContain(flag);
      seen.waiting ||= waiting.includes(1);
      seen.signalled ||= signalled.includes(1);
    }
    stop(handle);
    expect(seen).toEqual({ waiting: true, signalled: true });
  });

  it('fails with EINVAL for a stopped or unknown handle', () => {
    const handle = startOn(makePool(), BLOCK_OFFSET, RATE);
    stop(handle);
    for (const call of [() => trafficStop(handle), () => trafficStats(handle), () => trafficStop(0xfffffff0)]) {
      expect(call).toThrow(NativeError);
      expect(call).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    }
  });

  it('rejects bad arguments with EINVAL and starts nothing', () => {
    const file = makePool();
    const fd = fs.openSync(file, 'r+');
    try {
      const bad: [number, number, number, number][] = [
        [-1, BLOCK_OFFSET, BLOCK_LENGTH, RATE],
        [1.5, BLOCK_OFFSET, BLOCK_LENGTH, RATE],
        [fd, 60, BLOCK_LENGTH, RATE], // not a multiple of 8
        [fd, -8, BLOCK_LENGTH, RATE],
        [fd, BLOCK_OFFSET, 4095, RATE],
        [fd, BLOCK_OFFSET, 1024 ** 3 + 8, RATE],
        [fd, BLOCK_OFFSET, BLOCK_LENGTH, 0],
        [fd, BLOCK_OFFSET, BLOCK_LENGTH, 1.5],
        [fd, BLOCK_OFFSET, BLOCK_LENGTH, 1_000_000_001],
        [fd, 2 * SLOT_SIZE, BLOCK_LENGTH, RATE], // past the end of the file
      ];
      for (const args of bad) {
        expect(() => trafficStart(...args), JSON.stringify(args)).toThrow(
          expect.objectContaining({ name: 'NativeError', code: 'EINVAL' }),
        );
      }
    } finally {
      fs.closeSync(fd);
    }
    // Nothing was written: the block and the file past it are still zero.
    expect(readHeader(file, BLOCK_OFFSET).capacity).toBe(0);
    expect(readHeader(file, SLOT_SIZE + BLOCK_OFFSET).capacity).toBe(0);
  });

  it('reports system failures with their errno names', () => {
    const file = makePool();
    const readOnly = fs.openSync(file, 'r');
    try {
      // The block is reserved before it is mapped, and reserving needs a writable fd.
      expect(() => trafficStart(readOnly, BLOCK_OFFSET, BLOCK_LENGTH, RATE)).toThrow(
        expect.objectContaining({ code: 'EBADF', syscall: 'posix_fallocate' }),
      );
    } finally {
      fs.closeSync(readOnly);
    }
    expect(() => trafficStart(readOnly, BLOCK_OFFSET, BLOCK_LENGTH, RATE)).toThrow(
      expect.objectContaining({ name: 'NativeError', code: 'EBADF' }),
    );
  });
});

describe('srbchannel traffic at exit', () => {
  /** Runs `script` in a child node with the raw addon at ADDON and the pool at FILE. */
  function runChild(script: string, file: string) {
    return spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...process.env, ADDON: ADDON_PATH, FILE: file },
    });
  }

  const start = `
    const fs = require('node:fs');
    const addon = require(process.env.ADDON);
    const fd = fs.openSync(process.env.FILE, 'r+');
    addon.trafficStart(fd, ${BLOCK_OFFSET}, ${BLOCK_LENGTH}, ${RATE});
    fs.closeSync(fd);
  `;

  it('exits cleanly when process.exit() leaves traffic running', () => {
    const file = makePool();
    const run = runChild(`${start} setTimeout(() => process.exit(0), 200);`, file);
    expect(run.stderr).toBe('');
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(readHeader(file, BLOCK_OFFSET).capacity).toBe(CAPACITY);
  });

  it('exits cleanly when the event loop ends with traffic running', () => {
    const file = makePool();
    const run = runChild(`${start} setTimeout(() => {}, 200);`, file);
    expect(run.stderr).toBe('');
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  });

  it('stops a worker thread’s traffic when the worker ends', () => {
    const file = makePool();
    const script = `
      const { Worker } = require('node:worker_threads');
      const fs = require('node:fs');
      // Loaded here too, so the worker's exit does not dlclose the addon: unloading runs
      // the static destructors, which would stop the traffic even without the hook.
      require(process.env.ADDON);
      const header = () => {
        const bytes = Buffer.alloc(8);
        const fd = fs.openSync(process.env.FILE, 'r');
        fs.readSync(fd, bytes, 0, 8, ${BLOCK_OFFSET});
        fs.closeSync(fd);
        return bytes.toString('hex');
      };
      const worker = new Worker(${JSON.stringify(start)} + 'setTimeout(() => {}, 100);', { eval: true });
      worker.on('exit', async (code) => {
        // The worker's env cleanup hook joined its traffic threads: the counts stand still.
        const samples = [];
        for (let i = 0; i < 5; i++) {
          samples.push(header());
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        console.log(JSON.stringify({ code, samples }));
      });
    `;
    const run = runChild(script, file);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { code, samples } = JSON.parse(run.stdout) as { code: number; samples: string[] };
    expect(code).toBe(0);
    expect(new Set(samples).size).toBe(1);
  });
});
