/**
 * `shm-inspector lab` as a user runs it: the pools, srbchannels and stale segments it
 * makes, seen by `scan --json` while they exist and gone when the lab stops; bad input
 * refused before anything is made; and a scan that survives pools corrupted on disk.
 * Every command gets --dir, a scratch directory on the real /dev/shm tmpfs.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultAuditLogPath } from '../core/audit/audit-log';
import { samplerClose, samplerCollect, samplerOpen, samplerTrack } from '../native';
import type { ScanResult } from '../protocol/scan-result';
import { cliArgv, firstLine, run, start, type RunResult, type Running } from './support/processes';
import type { LabObject } from '../core/lab/lab';
import { parseClean, parseScan, segmentNamed, shmTempDirEachTest } from './support/segments';

const SLOT = 65536;
const MARKER = 40;

/** What `lab ... --json` prints first (LabObject plus the directory). */
type LabPrinted = LabObject & { dir: string };

interface TrafficLine {
  traffic: {
    running: boolean;
    ring1: { written: number; read: number };
    ring2: { written: number; read: number };
    errors: number;
    elapsedMs: number;
  };
}

describe('shm-inspector lab', () => {
  let dir: string;

  const cli = (args: readonly string[]): Promise<RunResult> => run(cliArgv(args));
  const lab = (args: readonly string[]): Running => start(cliArgv(['lab', ...args, '--json', '--dir', dir]));
  const printed = async (running: Running): Promise<LabPrinted> => JSON.parse(await firstLine(running)) as LabPrinted;
  const scan = async (): Promise<ScanResult> => {
    const result = await cli(['scan', '--json', '--dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    return parseScan(result);
  };
  const poolOf = (result: ScanResult, name: string) => {
    const decode = segmentNamed(result, name).pool;
    expect(decode?.notPool).toBeNull();
    return decode?.pool;
  };

  shmTempDirEachTest((made) => (dir = made));

  it('lab pool --slots 16 --allocated 5 --freed 2 --seconds 3 prints the pool, scan shows it live with 5 in use and 2 free while it runs, and the file is gone when it exits', async () => {
    const started = Date.now();
    const running = lab(['pool', '--slots', '16', '--allocated', '5', '--freed', '2', '--seconds', '3']);
    const object = await printed(running);
    expect(object).toMatchObject({ kind: 'pool', storage: 'posix', slots: 16, channelOffset: null, dir });
    expect(object.name).toMatch(/^pulse-shm-\d+$/);
    expect(readdirSync(dir)).toEqual([object.name]);

    const result = await scan();
    expect(running.closed()).toBe(false);
    const segment = segmentNamed(result, object.name);
    expect(segment).toMatchObject({
      state: 'live',
      inode: object.inode,
      dev: object.dev,
      size: 16 * SLOT + MARKER,
      marker: { valid: true, pid: running.pid },
      owner: { pid: running.pid },
    });
    expect(segment.attached).toContainEqual(expect.objectContaining({ pid: running.pid, access: 'rw' }));
    const pool = poolOf(result, object.name);
    expect(pool).toMatchObject({ slotCount: 16, inUse: 5, free: 2, data: 0, highWater: 7 });
    expect(pool?.states).toEqual([...Array(5).fill('in-use'), 'free', 'free', ...Array(9).fill('untouched')]);
    expect(pool?.baseCheck).toBe('matches-owner-maps');

    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(readdirSync(dir)).toEqual([]);
    // The removal is audited (the tests' XDG_DATA_HOME, see vitest.config.mts).
    const audit = readFileSync(defaultAuditLogPath(), 'utf8').trimEnd().split('\n');
    expect(
      audit.map((line) => JSON.parse(line) as { name: string }).filter((entry) => entry.name === object.name),
    ).toEqual([expect.objectContaining({ interface: 'cli', dir, inode: object.inode, outcome: 'removed' })]);
  });

  it('lab pool --memfd: while it runs, scan lists one memfd named shm-inspector-lab held by the lab’s PID, with inUse equal to --allocated; nothing appears in --dir', async () => {
    const running = lab(['pool', '--slots', '16', '--allocated', '5', '--freed', '2', '--memfd', '--seconds', '3']);
    const object = await printed(running);
    expect(object).toMatchObject({ kind: 'pool', storage: 'memfd', name: 'shm-inspector-lab', slots: 16 });

    const result = await scan();
    expect(running.closed()).toBe(false);
    const labs = result.memfds.filter((memfd) => memfd.holders.some((holder) => holder.pid === running.pid));
    expect(labs).toHaveLength(1);
    expect(labs[0]).toMatchObject({
      name: 'shm-inspector-lab',
      dev: object.dev,
      inode: object.inode,
      size: 16 * SLOT,
      unreadable: null,
      holders: [expect.objectContaining({ pid: running.pid, access: 'rw' })],
      pool: { notPool: null, pool: { slotCount: 16, inUse: 5, free: 2 } },
    });
    expect(result.memfds.filter((memfd) => memfd.inode === object.inode && memfd.dev === object.dev)).toHaveLength(1);
    expect(result.segments).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);

    expect(await running.exited).toEqual({ code: 0, signal: null });
    const after = await scan();
    expect(after.memfds.filter((memfd) => memfd.inode === object.inode && memfd.dev === object.dev)).toEqual([]);
  });

  it('lab srbchannel --rate 100000 --seconds 2: scan shows one srbchannel of capacity 32712 while it runs, the sampler sees it move, and the final JSON line reports ~200000 bytes with no errors; the file is gone afterwards', async () => {
    const running = lab(['srbchannel', '--rate', '100000', '--seconds', '2']);
    const object = await printed(running);
    expect(object).toMatchObject({ kind: 'srbchannel', storage: 'posix', slots: 2, channelOffset: 64 });

    const result = await scan();
    expect(running.closed()).toBe(false);
    expect(segmentNamed(result, object.name)).toMatchObject({ state: 'live', marker: { pid: running.pid } });
    const pool = poolOf(result, object.name);
    expect(pool?.srbchannels).toHaveLength(1);
    expect(pool?.srbchannels[0]).toMatchObject({
      slot: 0,
      offset: 64,
      capacity: 32712,
      readOffset: 48,
      writeOffset: 32760,
    });

    // Continuous traffic: the host's native sampler (2 kHz while the lab holds the pool)
    // counts the bytes written into both rings.
    const sampler = samplerOpen(500);
    try {
      const channelPath = path.join(dir, object.name);
      const { dev, ino } = statSync(channelPath);
      samplerTrack(sampler, [
        {
          key: 'lab',
          path: channelPath,
          dev,
          inode: ino,
          followLink: false,
          offset: 64,
          capacity: 32712,
          holders: [running.pid],
        },
      ]);
      await sleep(500);
      const [interval] = samplerCollect(sampler);
      expect(running.closed()).toBe(false);
      expect(interval).toMatchObject({ key: 'lab', held: true, error: null });
      expect((interval?.readBytes ?? 0) + (interval?.writeBytes ?? 0)).toBeGreaterThan(0);
      expect(interval?.readPeak).toBeLessThanOrEqual(32712);
      expect(interval?.writePeak).toBeLessThanOrEqual(32712);
    } finally {
      samplerClose(sampler);
    }

    expect(await running.exited).toEqual({ code: 0, signal: null });
    const lines = running.stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    const { traffic } = JSON.parse(lines[1] ?? '') as TrafficLine;
    expect(traffic.errors).toBe(0);
    expect(traffic.ring1.written).toBeGreaterThanOrEqual(100_000);
    expect(traffic.ring1.written).toBeLessThanOrEqual(300_000);
    expect(traffic.ring1.read).toBeLessThanOrEqual(traffic.ring1.written);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lab pool and lab srbchannel without --seconds run until Ctrl-C, then remove what they made and say so in text', async () => {
    const pool = start(cliArgv(['lab', 'pool', '--slots', '2', '--dir', dir]));
    const channel = start(cliArgv(['lab', 'srbchannel', '--rate', '1000', '--dir', dir]));
    expect(await firstLine(pool)).toMatch(/^lab pool: .*, 2 slots$/);
    expect(await firstLine(channel)).toMatch(/^lab srbchannel: .*, 2 slots, srbchannel header at offset 64$/);
    // Still running a second later: nothing ended them but the signal to come.
    await sleep(1000);
    expect(pool.closed() || channel.closed()).toBe(false);
    expect(readdirSync(dir)).toHaveLength(2);

    pool.child.kill('SIGINT');
    channel.child.kill('SIGINT');
    expect(await pool.exited).toEqual({ code: 0, signal: null });
    expect(await channel.exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(dir)).toEqual([]);
    expect(channel.stdout().split('\n')[1]).toMatch(
      /^traffic over \d+\.\d s: ring 1 [\d,]+ bytes written, [\d,]+ bytes read; ring 2 [\d,]+ bytes written, [\d,]+ bytes read; no byte corrupted$/,
    );
  });

  it('lab stale names its one slot in the singular', async () => {
    const result = await cli(['lab', 'stale', '--dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^lab stale: .*, 1 slot\n$/);
  });

  it('lab stale leaves a segment whose state is stale, and clean --yes removes it', async () => {
    const created = await cli(['lab', 'stale', '--dir', dir, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const object = JSON.parse(created.stdout) as LabPrinted;
    expect(object).toMatchObject({ kind: 'stale', storage: 'posix', dir });
    expect(readdirSync(dir)).toEqual([object.name]);

    const segment = segmentNamed(await scan(), object.name);
    expect(segment).toMatchObject({ state: 'stale', owner: null, attached: [], marker: { valid: true } });

    const cleaned = await cli(['clean', '--yes', '--dir', dir, '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    const outcome = parseClean(cleaned);
    expect(outcome.removed.map((item) => item.name)).toEqual([object.name]);
    expect(outcome.failed).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [['pool', '--slots', '1'], /at least 2 slots/],
    [['pool', '--slots', '16385'], /at most 16384 slots/],
    [
      ['pool', '--slots', '4', '--allocated', '3', '--freed', '2'],
      /allocated \+ freed slots exceed the pool's 4 slots/,
    ],
    [['pool', '--slots', 'abc'], /--slots: "abc" is not a whole number/],
    [['srbchannel'], /--rate .*required/],
    [['srbchannel', '--rate', '0'], /rate must be at least 1 byte per second/],
    [['srbchannel', '--rate', '2000000'], /rate must be at most 1,000,000 bytes per second/],
    [['bogus'], /lab takes pool, srbchannel or stale/],
  ])('lab %j exits 2 naming the problem and makes nothing', async (args, message) => {
    const result = await cli(['lab', ...args, '--seconds', '1', '--json', '--dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('a kept pool corrupted on disk never crashes the scan', () => {
    let file: string;

    beforeEach(async () => {
      const made = await cli([
        'lab',
        'pool',
        '--slots',
        '16',
        '--allocated',
        '5',
        '--freed',
        '2',
        '--seconds',
        '1',
        '--keep',
        '--json',
        '--dir',
        dir,
      ]);
      expect(made.code, made.stderr).toBe(0);
      const object = JSON.parse(made.stdout) as LabPrinted;
      file = path.join(dir, object.name);
      expect(existsSync(file)).toBe(true);
      // Before corruption: a stale pool (its creator is gone), decoded as made.
      const before = await scan();
      expect(segmentNamed(before, object.name)).toMatchObject({ state: 'stale' });
      expect(poolOf(before, object.name)).toMatchObject({ inUse: 5, free: 2 });
    });

    /** Random bytes over the 64-byte block headers of these slots, the rest of the file untouched. */
    const overwriteHeaders = (slots: number[]): void => {
      const fd = openSync(file, 'r+');
      try {
        for (const slot of slots) writeSync(fd, randomBytes(64), 0, 64, slot * SLOT);
      } finally {
        closeSync(fd);
      }
    };

    it('random bytes over some slot headers: those slots read as data (or the segment as not a pool), exit 0', async () => {
      overwriteHeaders([0, 1, 2]);
      const result = await scan();
      const decode = segmentNamed(result, path.basename(file)).pool;
      if (decode?.pool) {
        expect(decode.pool.states.slice(0, 7)).toEqual(['data', 'data', 'data', 'in-use', 'in-use', 'free', 'free']);
        expect(decode.pool).toMatchObject({ inUse: 2, free: 2, data: 3 });
      } else {
        expect(decode?.notPool).toEqual(expect.any(String));
      }
    });

    it('random bytes over every touched header: not a pool, with the reason, exit 0', async () => {
      overwriteHeaders([0, 1, 2, 3, 4, 5, 6]);
      const decode = segmentNamed(await scan(), path.basename(file)).pool;
      expect(decode?.pool).toBeNull();
      expect(decode?.notPool).toMatch(/none of 7 touched slots starts with a PulseAudio block header/);
    });

    it('truncated to a size that is not data + 40 of whole slots: listed with its size, not decoded as a pool (docs/json.md), exit 0', async () => {
      const size = 3 * SLOT + 17;
      truncateSync(file, size);
      const segment = segmentNamed(await scan(), path.basename(file));
      expect(segment.size).toBe(size);
      expect(segment.pool).toBeNull();
    });

    it('enlarged (sparse) beyond PulseAudio’s 1 GiB maximum: not decoded slot by slot, as for memfds, exit 0', async () => {
      truncateSync(file, 2 * 1024 * 1024 * 1024 + MARKER);
      const decode = segmentNamed(await scan(), path.basename(file)).pool;
      // Compact on failure: not the 32768 slot states of a decoded pool.
      const outcome = decode?.pool ? `decoded as a pool of ${decode.pool.slotCount} slots` : decode?.notPool;
      expect(outcome).toMatch(/1 GiB/);
    });
  });
});
