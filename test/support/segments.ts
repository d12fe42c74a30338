import { randomInt } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import type { CleanupResult } from '../../protocol/cleanup';
import type { ScanResult, Segment } from '../../protocol/scan-result';
import { stopAll, type RunResult } from './processes';

/** Marker layout (reference §2): last 40 bytes, i32 magic at 0, i32 PID at 4, little endian. */
export const MARKER_SIZE = 40;

/** A fresh directory on the real /dev/shm tmpfs, for tests that pass it with --dir. */
export function makeShmTempDir(): string {
  return mkdtempSync(`/dev/shm/shm-inspector-it-${process.pid}-`);
}

/**
 * Gives each test of the enclosing describe a fresh makeShmTempDir, handed to `use`
 * before the test; after it, stops every process the test started and removes the
 * directory. A describe's own afterEach, registered after this, runs before it.
 */
export function shmTempDirEachTest(use: (dir: string) => void): void {
  let dir = '';
  beforeEach(() => {
    dir = makeShmTempDir();
    use(dir);
  });
  afterEach(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A PulseAudio-style name with a random u32 id, unlikely to clash with anything. */
export function randomPulseName(): string {
  return `pulse-shm-${randomInt(0, 2 ** 32)}`;
}

/** The last 40 bytes of a file, read with plain fs (not the addon under test). */
export function readTail(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(MARKER_SIZE);
    readSync(fd, tail, 0, MARKER_SIZE, size - MARKER_SIZE);
    return tail;
  } finally {
    closeSync(fd);
  }
}

/** Overwrites the marker's PID field (4 bytes LE at size - 40 + 4). */
export function writeMarkerPid(file: string, pid: number): void {
  const fd = openSync(file, 'r+');
  try {
    const field = Buffer.alloc(4);
    field.writeInt32LE(pid);
    writeSync(fd, field, 0, 4, fstatSync(fd).size - MARKER_SIZE + 4);
  } finally {
    closeSync(fd);
  }
}

/** Parses a command's JSON output; otherwise fails with everything needed to see why. */
function parse<T>(result: RunResult, what: string): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `${what}: no JSON (exit ${String(result.code)}, signal ${String(result.signal)})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
}

export const parseScan = (result: RunResult): ScanResult => parse<ScanResult>(result, 'scan --json');
export const parseClean = (result: RunResult): CleanupResult => parse<CleanupResult>(result, 'clean --json');

export function segmentNamed(scan: ScanResult, name: string): Segment {
  const segment = scan.segments.find((candidate) => candidate.name === name);
  if (!segment) throw new Error(`${name} is not in the scan of ${scan.dir}`);
  return segment;
}

export const names = (items: readonly { name: string }[]): string[] => items.map((item) => item.name).sort();

/**
 * The /dev/shm files a process maps, read straight from /proc/<pid>/maps (the kernel's
 * view, independent of the addon under test), with the mapping's permissions.
 */
export function shmMappingsOf(pid: number): { name: string; perms: string; inode: number }[] {
  return readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => /^\S+ (\S+) \S+ \S+ (\d+)\s+\/dev\/shm\/(\S+)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, perms = '', inode = '', name = '']) => ({ name, perms, inode: Number(inode) }));
}
