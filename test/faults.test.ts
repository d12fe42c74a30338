/**
 * Faults with real files and processes: entries that change between a scan's readdir
 * and its reads, owners that die during a scan, a PID reused and a segment replaced
 * between a cleanup's plan and its execution, a full shm filesystem, and /proc that
 * cannot be read for want of fds or memory (an LD_PRELOAD shim, support/proc-open-fault.c).
 *
 * Where a fault must land at an exact point of a scan, a fanotify gate
 * (support/fault-gate.py) makes the kernel hold the scanner's open or read of one file
 * while the fault is injected: no sleeps, no timing. PID reuse is real: a new process is
 * started with exactly the dead owner's PID (support/spawn-with-pid.py, clone3 set_tid).
 */
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAuditLogPath } from '../core/audit/audit-log';
import { PID_REUSE_MARGIN_MS } from '../core/classify-segment';
import { executeCleanup } from '../core/cleanup-execute';
import { planCleanup } from '../core/cleanup-plan';
import { scanShm, scanShmSnapshot } from '../core/scan-shm';
import { createSegment, NativeError, scanDirectory, scanEntry, type RawEntry } from '../native';
import type { CleanupOptions } from '../protocol/cleanup';
import type { Segment, SegmentState } from '../protocol/scan-result';
import { withProcOpenFault } from './support/c-programs';
import { FaultGate, gateAction } from './support/fault-gate';
import { startWithPid } from './support/pid-reuse';
import { cliArgv, deadPid, firstLine, linesOf, processState, run, start, stopAll } from './support/processes';
import { asNobody, startChurn, startDyingOwners, startHeldOwner, type HeldOwner } from './support/racing-processes';
import { MARKER_SIZE, names, parseScan, segmentNamed, shmTempDirEachTest, writeMarkerPid } from './support/segments';
import { PAGE_SIZE, PrivateShm } from './support/private-shm';

const DATA_SIZE = 4096;
const defaults: CleanupOptions = { includeZombie: false, includeReused: false, force: [] };

/** The error `call` throws; fails if it throws none. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, got none');
}

/** Stale segments made here, in the directory's readdir order (the order a scan reads them in). */
async function staleSegments(dir: string, count: number, mode = 0o600): Promise<string[]> {
  const markerPid = deadPid();
  for (let i = 0; i < count; i += 1) createSegment({ dir, dataSize: DATA_SIZE, mode, markerPid });
  return scanDirectory(dir).entries.map((entry) => entry.name);
}

/** A segment made by the CLI, which then exits: stale, its marker naming a PID now free. */
async function cliStaleSegment(dir: string): Promise<{ name: string; markerPid: number; inode: number }> {
  const created = await run(cliArgv(['create', '--size', String(DATA_SIZE), '--json', '--dir', dir]));
  expect(created.code, created.stderr).toBe(0);
  return JSON.parse(created.stdout) as { name: string; markerPid: number; inode: number };
}

describe('entries that change between the scan’s readdir and its reads', () => {
  let dir: string;

  shmTempDirEachTest((made) => (dir = made));

  it('scanEntry of a name removed after the directory was read throws a NativeError with code ENOENT, and the next scan simply omits it', async () => {
    const [name = ''] = await staleSegments(dir, 1);
    unlinkSync(path.join(dir, name));

    const error = thrownBy(() => scanEntry(dir, name));
    expect(error).toBeInstanceOf(NativeError);
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect(scanDirectory(dir).entries).toEqual([]);
  });

  it('an entry removed between readdir and open has a per-entry ENOENT, one truncated below the 40-byte marker is a 10-byte no-marker file, the rest is complete, and cleanup removes only the intact stale ones', async () => {
    const [gate = '', removed = '', truncated = '', intact = ''] = await staleSegments(dir, 4);
    const held = await FaultGate.arm('open', path.join(dir, gate), [
      gateAction.unlink(path.join(dir, removed)),
      gateAction.truncate(path.join(dir, truncated), 10),
    ]);

    const { result } = scanShmSnapshot(dir);
    expect(await held.fired()).toBe(process.pid);

    // Readdir had listed all four before the gate's open, so all four are reported.
    expect(result.segments.map((segment) => segment.name)).toEqual([gate, removed, truncated, intact]);
    expect(segmentNamed(result, removed)).toMatchObject({
      state: 'no-marker',
      reason: 'marker could not be read (ENOENT)',
      error: { code: 'ENOENT' },
      marker: null,
    });
    expect(segmentNamed(result, truncated)).toMatchObject({
      state: 'no-marker',
      reason: `smaller than the ${MARKER_SIZE}-byte marker`,
      size: 10,
      marker: null,
      error: null,
    });
    for (const name of [gate, intact]) {
      expect(segmentNamed(result, name)).toMatchObject({ state: 'stale', error: null, marker: { valid: true } });
    }

    const cleaned = executeCleanup(planCleanup(result, defaults));
    expect(names(cleaned.removed)).toEqual([gate, intact].sort());
    expect(cleaned.failed).toEqual([]);
    expect(readdirSync(dir)).toEqual([truncated]);
  });

  it('a pool-sized segment truncated between the scan’s fstat and its marker pread gives a short read: reported with its old size and no marker, no SIGBUS, and the scan goes on', async () => {
    const markerPid = deadPid();
    const pool = createSegment({ dir, dataSize: 2 * 65536, mode: 0o600, markerPid }).name;
    const other = createSegment({ dir, dataSize: DATA_SIZE, mode: 0o600, markerPid }).name;
    const held = await FaultGate.arm('read', path.join(dir, pool), [gateAction.truncate(path.join(dir, pool), 10)]);

    const { result } = scanShmSnapshot(dir);
    expect(await held.fired()).toBe(process.pid);

    expect(statSync(path.join(dir, pool)).size).toBe(10);
    expect(segmentNamed(result, pool)).toMatchObject({
      size: 2 * 65536 + MARKER_SIZE, // what fstat saw before the truncation
      marker: null,
      state: 'no-marker',
      reason: 'marker could not be read',
      error: null,
    });
    expect(segmentNamed(result, other)).toMatchObject({ state: 'stale', error: null });
  });

  it('scanned by an unprivileged user, an entry made unreadable (mode 000, owned by root) between readdir and open has a per-entry EACCES with its metadata, one removed in the same window ENOENT, and the rest is reported; exit 0', async () => {
    chmodSync(dir, 0o755);
    const [gate = '', unreadable = '', removed = '', intact = ''] = await staleSegments(dir, 4, 0o644);
    const held = await FaultGate.arm('open', path.join(dir, gate), [
      gateAction.chmod(path.join(dir, unreadable), 0),
      gateAction.unlink(path.join(dir, removed)),
    ]);

    const scanned = await run(asNobody(cliArgv(['scan', '--json', '--dir', dir])));
    await held.fired();

    expect(scanned.code, scanned.stderr).toBe(0);
    const scan = parseScan(scanned);
    expect(scan.segments.map((segment) => segment.name).sort()).toEqual([gate, unreadable, removed, intact].sort());
    expect(segmentNamed(scan, unreadable)).toMatchObject({
      state: 'no-marker',
      reason: 'marker could not be read (EACCES)',
      error: { code: 'EACCES' },
      kind: 'file',
      size: DATA_SIZE + MARKER_SIZE,
      mode: 0,
      uid: 0,
    });
    expect(segmentNamed(scan, removed)).toMatchObject({ state: 'no-marker', error: { code: 'ENOENT' } });
    for (const name of [gate, intact]) {
      expect(segmentNamed(scan, name)).toMatchObject({ state: 'stale', error: null, marker: { valid: true } });
    }
  });

  it('while another process keeps creating, truncating, renaming and removing files, every scan succeeds and every entry is either complete or carries ENOENT; the race window is hit', async () => {
    const churn = await startChurn(dir, deadPid());
    let scans = 0;
    let perEntryErrors = 0;
    let shortReads = 0;
    const unexpected: string[] = [];

    /** A raw entry is complete (metadata, allocated ranges within its size, and the marker whenever the size has one) or carries ENOENT. */
    const check = (entry: RawEntry): void => {
      if (entry.error) {
        if (entry.error.code !== 'ENOENT') unexpected.push(`${entry.name}: ${entry.error.syscall} ${entry.error.code}`);
        perEntryErrors += 1;
        return;
      }
      if (entry.type !== 'file' || entry.inode === 0 || entry.dataRanges === null) {
        unexpected.push(`${entry.name}: incomplete ${JSON.stringify(entry)}`);
        return;
      }
      if (entry.dataRanges.some((offset) => offset > entry.size)) unexpected.push(`${entry.name}: range past its size`);
      if (entry.tail !== null && entry.tail.hex.length !== 2 * MARKER_SIZE)
        unexpected.push(`${entry.name}: short tail`);
      // The size from fstat has a marker, but the file was truncated before the pread.
      if (entry.tail === null && entry.size >= MARKER_SIZE) shortReads += 1;
    };
    const checkSegment = (segment: Segment): void => {
      if (segment.error) {
        if (segment.error.code !== 'ENOENT') unexpected.push(`${segment.name}: ${segment.error.code}`);
        perEntryErrors += 1;
      }
      if (segment.name.startsWith('pulse-shm-') && !['stale', 'no-marker'].includes(segment.state)) {
        unexpected.push(`${segment.name}: ${segment.state} (the churn's marker PID is dead)`);
      }
    };

    // Until the race has been seen at least once (in practice within the first few scans), at most 60 s.
    const deadline = Date.now() + 60_000;
    while (scans < 50 || (perEntryErrors === 0 && shortReads === 0)) {
      if (Date.now() > deadline) break;
      if (scans % 2 === 0) scanDirectory(dir).entries.forEach(check);
      else scanShmSnapshot(dir).result.segments.forEach(checkSegment);
      scans += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(unexpected).toEqual([]);
    expect(churn.closed()).toBe(false);
    expect(perEntryErrors + shortReads, `over ${scans} scans`).toBeGreaterThan(0);
  });
});

/**
 * A segment's holders other than the fault gate: the addon reads /proc while it reads
 * the directory, so it can see the gate's fanotify fd to the file it is holding open.
 */
function heldByOthersThan(gate: FaultGate, segment: Segment): number[] {
  return segment.attached.map((holder) => holder.pid).filter((pid) => pid !== gate.pid);
}

describe('an owner that starts during a scan', () => {
  let dir: string;
  let started: number | undefined;

  shmTempDirEachTest((made) => (dir = made));

  beforeEach(() => {
    started = undefined;
  });

  afterEach(() => {
    if (started !== undefined) process.kill(started, 'SIGKILL');
  });

  it('started while the scan reads the directory, after the process table was read, and written into a segment read later: judged live with that owner, not stale', async () => {
    const markerPid = deadPid();
    for (let i = 0; i < 3; i++) createSegment({ dir, dataSize: 64 * 1024, mode: 0o600, markerPid });
    // The scan reads entries in readdir order: hold the first, change the last.
    const order = scanDirectory(dir).entries.map((entry) => entry.name);
    const [first, last] = [order[0] ?? '', order[order.length - 1] ?? ''];
    expect(segmentNamed(scanShm(dir), last)).toMatchObject({ state: 'stale', owner: null });

    const held = await FaultGate.arm('open', path.join(dir, first), [gateAction.startOwner(path.join(dir, last))]);
    const during = scanShm(dir);
    expect(await held.fired()).toBe(process.pid);
    started = await held.owner();

    // The process table is read beside the directory and is done long before the gate lets go.
    expect(segmentNamed(during, last)).toMatchObject({ state: 'live', owner: { pid: started } });
    expect(segmentNamed(during, last).attached).toContainEqual(expect.objectContaining({ pid: started, access: 'rw' }));
    expect(segmentNamed(during, first)).toMatchObject({ state: 'stale' });
  });
});

describe('an owner that exits during a scan', () => {
  let dir: string;
  let owner: HeldOwner | undefined;

  shmTempDirEachTest((made) => (dir = made));

  beforeEach(() => {
    owner = undefined;
  });

  afterEach(async () => {
    await owner?.reap();
  });

  it('killed to a zombie while the scan reads the directory, the owner is judged stale-zombie (never live), and cleanup follows the re-check: a plan made while it ran removes nothing, a zombie is kept by default, and an --include zombie plan is refused as CHANGED once the zombie is reaped', async () => {
    owner = await startHeldOwner(dir);
    const { name, pid } = owner;
    const file = path.join(dir, name);
    const before = segmentNamed(scanShm(dir), name);
    expect(before).toMatchObject({ state: 'live', owner: { pid } });
    expect(before.attached).toContainEqual(expect.objectContaining({ pid, access: 'rw' }));
    const planWhileLive = planCleanup(scanShm(dir), { includeZombie: true, includeReused: true, force: [] });
    expect(planWhileLive.keep).toContainEqual(expect.objectContaining({ name, state: 'live' }));

    const held = await FaultGate.arm('open', file, [gateAction.killToZombie(pid)]);
    const during = segmentNamed(scanShm(dir), name);
    expect(await held.fired()).toBe(process.pid);
    expect(during).toMatchObject({ state: 'stale-zombie', owner: { pid, state: 'Z' } });
    expect(heldByOthersThan(held, during)).toEqual([]);

    expect(executeCleanup(planWhileLive)).toMatchObject({ removed: [], failed: [] });
    expect(existsSync(file)).toBe(true);

    const byDefault = planCleanup(scanShm(dir), defaults);
    expect(byDefault.keep).toContainEqual({
      name,
      state: 'stale-zombie',
      reason: expect.stringContaining('--include zombie') as unknown,
      cause: expect.not.stringContaining('--include') as unknown,
      forceable: true,
    });
    expect(executeCleanup(byDefault).removed).toEqual([]);
    expect(existsSync(file)).toBe(true);

    const withZombies = planCleanup(scanShm(dir), { ...defaults, includeZombie: true });
    expect(withZombies.remove).toEqual([expect.objectContaining({ name, state: 'stale-zombie' })]);
    await owner.reap();
    expect(processState(pid)).toBeNull();
    const refused = executeCleanup(withZombies);
    expect(refused.removed).toEqual([]);
    expect(refused.failed).toEqual([
      { name, code: 'CHANGED', message: `${name}: state changed from stale-zombie to stale; not removed` },
    ]);
    expect(existsSync(file)).toBe(true);

    // Now plainly stale: a fresh plan removes it.
    expect(names(executeCleanup(planCleanup(scanShm(dir), defaults)).removed)).toEqual([name]);
  });

  it('killed and reaped while a CLI scan reads the directory, the owner is judged stale; a plan made while it ran still removes nothing, a fresh one removes it', async () => {
    const holder = start(cliArgv(['create', '--size', '64KiB', '--hold', '300', '--json', '--dir', dir]));
    const { name } = JSON.parse(await firstLine(holder)) as { name: string };
    const planWhileLive = planCleanup(scanShm(dir), defaults);
    expect(planWhileLive.keep).toContainEqual(expect.objectContaining({ name, state: 'live' }));

    // The scan runs in another process: this one must stay free to reap the owner.
    const held = await FaultGate.arm('open', path.join(dir, name), [gateAction.killAndReap(holder.pid)]);
    const scanned = await run(cliArgv(['scan', '--json', '--dir', dir]));
    await held.fired();
    expect(scanned.code, scanned.stderr).toBe(0);
    const judged = segmentNamed(parseScan(scanned), name);
    expect(judged).toMatchObject({ state: 'stale', owner: null });
    expect(heldByOthersThan(held, judged)).toEqual([]);

    expect(executeCleanup(planWhileLive)).toMatchObject({ removed: [], failed: [] });
    expect(existsSync(path.join(dir, name))).toBe(true);
    expect(names(executeCleanup(planCleanup(scanShm(dir), defaults)).removed)).toEqual([name]);
  });

  it('owners that exit and are reaped at arbitrary moments during repeated scans: every scan succeeds and each verdict only moves forward, live → stale-zombie → stale', async () => {
    const count = 8;
    const seed = randomInt(0, 2 ** 31);
    console.log(`dying owners seed: ${seed}`); // printed with a failure, to replay it
    const owners = startDyingOwners(dir, count, seed);
    const rank: Partial<Record<SegmentState, number>> = { live: 0, 'stale-zombie': 1, stale: 2 };
    const seen = new Map<string, SegmentState[]>();
    let last: Segment[] = [];
    const deadline = Date.now() + 45_000;
    for (;;) {
      // Read before the scan: a name announced by then was complete (marked, mapped) when scanned.
      const lines = linesOf(owners);
      const done = lines.includes('done');
      const announced = new Set(lines.filter((line) => line.startsWith('pulse-shm-')));
      last = scanShmSnapshot(dir).result.segments.filter((segment) => announced.has(segment.name));
      for (const segment of last) seen.set(segment.name, [...(seen.get(segment.name) ?? []), segment.state]);
      if (done || owners.closed() || Date.now() > deadline) break;
      await sleep(20);
    }

    expect(owners.stderr()).toBe('');
    expect(seen.size).toBe(count);
    for (const [name, states] of seen) {
      const ranks = states.map((state) => rank[state]);
      expect(
        ranks.every((value) => value !== undefined),
        `${name}: ${states.join(' → ')}`,
      ).toBe(true);
      const sorted = [...ranks].sort((a = 0, b = 0) => a - b);
      expect(ranks, `${name}: ${states.join(' → ')}`).toEqual(sorted);
    }
    // The last scan came after every owner was reaped.
    expect(last.map((segment) => segment.state)).toEqual(Array<SegmentState>(count).fill('stale'));
    expect(executeCleanup(planCleanup(scanShm(dir), defaults)).removed).toHaveLength(count);
  });
});

describe('a PID reused between the cleanup plan and its execution', () => {
  let dir: string;

  shmTempDirEachTest((made) => (dir = made));

  it.each([
    {
      label: 'by default',
      options: defaults,
      message: (name: string, pid: number) =>
        new RegExp(
          `^${name}: no longer removable: PID ${pid} now belongs to sleep, .*; include with --include reused; not removed$`,
        ),
    },
    {
      label: 'with --include reused',
      options: { ...defaults, includeReused: true },
      message: (name: string) => new RegExp(`^${name}: state changed from stale to stale-pid-reused; not removed$`),
    },
  ])(
    'planned as stale, then a new process takes the marker’s PID: execution $label refuses it as CHANGED and the segment stays',
    async ({ options, message }) => {
      const { name, markerPid } = await cliStaleSegment(dir);
      const plan = planCleanup(scanShm(dir), options);
      expect(plan.remove).toEqual([expect.objectContaining({ name, state: 'stale' })]);

      // Beyond the classifier's margin, so the newcomer is judged a reused PID, not the creator.
      await sleep(PID_REUSE_MARGIN_MS + 500);
      const newcomer = await startWithPid(markerPid, ['sleep', '300']);

      const result = executeCleanup(plan);
      expect(result.removed).toEqual([]);
      expect(result.failed).toEqual([
        { name, code: 'CHANGED', message: expect.stringMatching(message(name, markerPid)) as unknown },
      ]);
      expect(existsSync(path.join(dir, name))).toBe(true);
      expect(segmentNamed(scanShm(dir), name)).toMatchObject({
        state: 'stale-pid-reused',
        owner: { pid: newcomer.pid, comm: 'sleep' },
      });
    },
  );

  it('a new process that takes the PID at once (within the margin, so it may be judged live) also stops the removal', async () => {
    const { name, markerPid } = await cliStaleSegment(dir);
    const plan = planCleanup(scanShm(dir), { ...defaults, includeReused: true });
    expect(plan.remove).toEqual([expect.objectContaining({ name, state: 'stale' })]);
    await startWithPid(markerPid, ['sleep', '300']);

    const result = executeCleanup(plan);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([expect.objectContaining({ name, code: 'CHANGED' })]);
    expect(existsSync(path.join(dir, name))).toBe(true);
    expect(['live', 'stale-pid-reused']).toContain(segmentNamed(scanShm(dir), name).state);
  });
});

describe('a segment replaced by another with the same name between plan and execution', () => {
  let dir: string;
  let elsewhere: string;

  shmTempDirEachTest((made) => (dir = made));
  shmTempDirEachTest((made) => (elsewhere = made));

  /** A replacement a cleanup would remove on its own merits: same size, marker naming the same dead PID. */
  async function staleTwin(markerPid: number): Promise<{ file: string; inode: number }> {
    const { name, inode } = await cliStaleSegment(elsewhere);
    writeMarkerPid(path.join(elsewhere, name), markerPid);
    return { file: path.join(elsewhere, name), inode };
  }

  it('unlinked and recreated by another process with identical size and marker: not removed, CHANGED, the new file intact', async () => {
    const { name, markerPid } = await cliStaleSegment(dir);
    const file = path.join(dir, name);
    const plan = planCleanup(scanShm(dir), defaults);
    expect(names(plan.remove)).toEqual([name]);

    const recreate = `
import os, struct, sys
path, size, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.unlink(path)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o700)
os.ftruncate(fd, size + 40)
os.pwrite(fd, struct.pack('<Ii32x', 0xbeefcafe, pid), size)
print(os.fstat(fd).st_ino)
`;
    const recreated = await run(['python3', '-c', recreate, file, String(DATA_SIZE), String(markerPid)]);
    expect(recreated.code, recreated.stderr).toBe(0);
    const inode = Number(recreated.stdout);
    // Alone, the newcomer would be removed: only its identity protects it.
    expect(segmentNamed(scanShm(dir), name)).toMatchObject({ state: 'stale', inode, marker: { pid: markerPid } });

    const result = executeCleanup(plan);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      { name, code: 'CHANGED', message: `${name}: replaced by another file since the plan was made; not removed` },
    ]);
    expect(statSync(file).ino).toBe(inode);
  });

  it('renamed over (mv) by another process: not removed, CHANGED, the file moved in intact', async () => {
    const { name, markerPid } = await cliStaleSegment(dir);
    const file = path.join(dir, name);
    const plan = planCleanup(scanShm(dir), defaults);
    const twin = await staleTwin(markerPid);

    const moved = await run(['mv', twin.file, file]);
    expect(moved.code, moved.stderr).toBe(0);
    const result = executeCleanup(plan);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      { name, code: 'CHANGED', message: `${name}: replaced by another file since the plan was made; not removed` },
    ]);
    expect(statSync(file).ino).toBe(twin.inode);
  });

  it('renamed over while the cleanup re-reads it (after its re-check opened the old file, before the unlink): the unlink’s own identity check refuses it, CHANGED at the moment of removal', async () => {
    const { name, markerPid } = await cliStaleSegment(dir);
    const file = path.join(dir, name);
    const plan = planCleanup(scanShm(dir), defaults);
    const twin = await staleTwin(markerPid);
    const held = await FaultGate.arm('open', file, [gateAction.rename(twin.file, file)]);

    const result = executeCleanup(plan);
    expect(await held.fired()).toBe(process.pid);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      { name, code: 'CHANGED', message: `${name}: replaced by another file at the moment of removal; not removed` },
    ]);
    expect(statSync(file).ino).toBe(twin.inode);
  });
});

/*
 * memfds are not covered here: they live on the kernel's internal shm mount, which no
 * shm filesystem's size limits, and are created sparse (ftruncate), so filling /dev/shm
 * cannot make a memfd create fail; their 1 GiB request limit is tested in cli.test.ts.
 */
describe('a full shm filesystem', () => {
  let shm: PrivateShm | undefined;

  afterEach(async () => {
    await stopAll();
    await shm?.stop();
    shm = undefined;
  });

  it('the native createSegment fails with ENOSPC from posix_fallocate, leaves no file behind, and this process survives', async () => {
    shm = await PrivateShm.start({ size: '1m' });
    shm.fill(0);

    const error = thrownBy(() => createSegment({ dir: shm?.outsidePath ?? '', dataSize: 4 << 20, mode: 0o700 }));
    expect(error).toBeInstanceOf(NativeError);
    expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'posix_fallocate' });
    expect((error as Error).message).toContain('No space left on device');
    expect(shm.list()).toEqual(['filler']);
  });

  it('create --size 4MiB (plain, --json, --hold) exits 1 with an ENOSPC message, prints nothing on stdout, leaves no file, and is not killed by a signal', async () => {
    shm = await PrivateShm.start({ size: '1m' });
    shm.fill(0);

    for (const extra of [[], ['--json'], ['--hold', '300']]) {
      const result = await shm.cli(['create', '--size', '4MiB', ...extra]);
      expect({ code: result.code, signal: result.signal, stdout: result.stdout }).toEqual({
        code: 1,
        signal: null,
        stdout: '',
      });
      expect(result.stderr).toMatch(/^shm-inspector create: ENOSPC: .*No space left on device\n$/);
      expect(shm.list()).toEqual(['filler']);
    }
  });

  it('out of inodes, create fails with ENOSPC at open, exit 1, nothing left behind', async () => {
    shm = await PrivateShm.start({ size: '1m', inodes: 8 });
    const made: string[] = [];
    for (;;) {
      try {
        writeFileSync(path.join(shm.outsidePath, `f${made.length}`), '');
        made.push(`f${made.length}`);
      } catch (error) {
        expect(error).toMatchObject({ code: 'ENOSPC' });
        break;
      }
    }
    expect(shm.freeBytes()).toBeGreaterThan(0);

    const result = await shm.cli(['create', '--size', '64KiB']);
    expect(result).toMatchObject({ code: 1, signal: null, stdout: '' });
    expect(result.stderr).toMatch(/^shm-inspector create: ENOSPC: open .*No space left on device\n$/);
    expect(shm.list()).toEqual(made.sort());
  });

  it('create refuses a 4 MiB segment in a 1 MiB shm; one made sparse elsewhere, as PulseAudio makes its own, is reported while its owner holds it: a high capacity finding naming the owner', async () => {
    shm = await PrivateShm.start({ size: '1m' });
    // Beyond the free space, create makes nothing (tmpfs would allocate only when written, then SIGBUS).
    const refused = await shm.cli(['create', '--size', '4MiB', '--hold', '300']);
    expect(refused).toMatchObject({ code: 1, signal: null, stdout: '' });
    expect(refused.stderr).toContain('ENOSPC');
    expect(shm.list()).toEqual([]);

    // PulseAudio makes its pools sparse: the addon makes one the same way, and a holder maps it.
    const { name } = createSegment({ dir: shm.outsidePath, dataSize: 4 << 20, mode: 0o600 });
    const holder = shm.start([
      'python3',
      '-c',
      'import mmap, os, sys, time\nm = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 0)\nprint("mapped", flush=True)\ntime.sleep(300)',
      `/dev/shm/${name}`,
    ]);
    await firstLine(holder);
    writeMarkerPid(path.join(shm.outsidePath, name), holder.pid);

    const scanned = await shm.cli(['scan', '--json']);
    expect(scanned.code, scanned.stderr).toBe(0);
    const scan = parseScan(scanned);
    const segment = segmentNamed(scan, name);
    expect(segment).toMatchObject({ state: 'live', size: (4 << 20) + MARKER_SIZE, owner: { pid: holder.pid } });
    expect(segment.allocated).toBeLessThanOrEqual(PAGE_SIZE);
    const finding = scan.findings.find((candidate) => candidate.kind === 'capacity' && candidate.subject === name);
    expect(finding).toMatchObject({ severity: 'high', message: expect.stringContaining('SIGBUS') as unknown });
    expect(finding?.message).toContain(`PID ${holder.pid}`);
  });

  // Lab.createStale's error carries its errno, so the CLI prints one line, not a stack trace.
  it('lab stale fails with a one-line ENOSPC message (no "unexpected error", no stack trace), exit 1', async () => {
    shm = await PrivateShm.start({ size: '1m' });
    shm.fill(0);

    const result = await shm.cli(['lab', 'stale']);
    expect(result).toMatchObject({ code: 1, signal: null });
    expect(result.stderr).toMatch(/^shm-inspector lab: ENOSPC: .*No space left on device\n$/);
    expect(shm.list()).toEqual(['filler']);
  });

  // The srbchannel's block is reserved (posix_fallocate) before its threads write it
  // through a mapping: a page tmpfs cannot back would otherwise raise SIGBUS.
  it('lab srbchannel with too few free pages for its block fails with ENOSPC, exit 1: no SIGBUS, no pool left behind', async () => {
    shm = await PrivateShm.start({ size: '1m' });
    // Room for the marker's page and the first page of the block, not for the rings.
    shm.fill(2 * PAGE_SIZE);

    const result = await shm.cli(['lab', 'srbchannel', '--rate', '100000', '--seconds', '2']);
    expect(result).toMatchObject({ code: 1, signal: null });
    expect(result.stderr).toMatch(/ENOSPC/);
    expect(shm.list()).toEqual(['filler']);
  });
});

/**
 * /proc cannot be read for want of resources (fds, memory): an LD_PRELOAD shim
 * (support/proc-open-fault.c) makes the CLI's open of /proc/<pid> fail, since the kernel
 * gives EMFILE only to a process that has used up its fds, not at one chosen open.
 */
describe('a /proc read that fails for want of resources', () => {
  let dir: string;
  let newOwner: number | undefined;

  shmTempDirEachTest((made) => (dir = made));

  beforeEach(() => {
    newOwner = undefined;
  });

  afterEach(() => {
    if (newOwner !== undefined) process.kill(newOwner, 'SIGKILL');
  });

  it.each(['EMFILE', 'ENFILE', 'ENOMEM'] as const)(
    'with the open of the live owner’s /proc/<pid> failing with %s, scan fails with that error and judges nothing, and clean --yes removes nothing (not even a plainly stale segment)',
    async (errno) => {
      const liveOwned = createSegment({ dir, dataSize: DATA_SIZE, mode: 0o600, markerPid: process.pid }).name;
      const deadOwned = createSegment({ dir, dataSize: DATA_SIZE, mode: 0o600, markerPid: deadPid() }).name;
      const cli = (args: readonly string[]) =>
        run(cliArgv([...args, '--dir', dir]), { env: withProcOpenFault({ pid: process.pid, errno }) });
      // Without the fault the verdicts are plain, which is what makes the next ones meaningful.
      const plain = parseScan(await run(cliArgv(['scan', '--json', '--dir', dir])));
      expect(segmentNamed(plain, liveOwned).state).toBe('live');
      expect(segmentNamed(plain, deadOwned).state).toBe('stale');

      const scanned = await cli(['scan', '--json']);
      expect(scanned.code, scanned.stdout).toBe(1);
      expect(scanned.stdout).toBe('');
      expect(scanned.stderr).toContain(`/proc/${process.pid}`);
      expect(scanned.stderr).toContain(errno);

      const cleaned = await cli(['clean', '--yes', '--json']);
      expect(cleaned.code, cleaned.stdout).toBe(1);
      expect(cleaned.stdout).toBe('');
      expect(cleaned.stderr).toContain(errno);
      expect(readdirSync(dir).sort()).toEqual([liveOwned, deadOwned].sort());
    },
  );

  it('with every open of /proc/<pid> failing with EMFILE once the plan is made (from the audit log’s open on), the re-check before unlinking fails as a whole: a segment whose new owner started meanwhile is not removed', async () => {
    const { name } = await cliStaleSegment(dir);
    const file = path.join(dir, name);
    const auditLog = defaultAuditLogPath();
    mkdirSync(path.dirname(auditLog), { recursive: true });
    writeFileSync(auditLog, '', { flag: 'a' });
    // The audit log is opened after the plan, before the re-check: hold that open, start
    // an owner that takes the segment over, and from then on /proc/<pid> cannot be opened.
    const held = await FaultGate.arm('open', auditLog, [gateAction.startOwner(file)]);
    const cleaned = await run(cliArgv(['clean', '--yes', '--json', '--dir', dir]), {
      env: withProcOpenFault({ pid: 'any', errno: 'EMFILE', armAfter: auditLog }),
    });
    await held.fired();
    newOwner = await held.owner();

    expect(cleaned.code, cleaned.stdout).toBe(1);
    expect(cleaned.stderr).toContain('EMFILE');
    expect(existsSync(file)).toBe(true);
    expect(segmentNamed(scanShm(dir), name)).toMatchObject({ state: 'live', owner: { pid: newOwner } });
  });
});
