/**
 * The native addon against real files (a temp dir on the root filesystem, and
 * /dev/shm) and the real /proc. Everything a test creates is removed in afterEach;
 * files in /dev/shm that this file did not create are never touched.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pulseSegmentId } from '../protocol/limits';
import {
  createMemfd,
  createSegment,
  EntryColumns,
  isTerminal,
  mapShared,
  NativeError,
  readIfSame,
  readProcessTable,
  readProcessTableAsync,
  scanDirectory,
  scanDirectoryWithProcesses,
  scanEntry,
  unlinkIfUnchanged,
  unmap,
  type FileIdentity,
  type RawEntry,
  type RawEntryColumns,
  type RawProcess,
  type RawTail,
} from './index';

const SHM_DIR = '/dev/shm';
const DATA_SIZE = 64 * 1024;
const MARKER_SIZE = 40;
const PAGE_SIZE = 4096;
const ADDON_PATH = path.join(__dirname, 'build', 'Release', 'shm_inspector.node');

// What each test created, undone in afterEach (in reverse: unmap before close before unlink).
const tempDirs: string[] = [];
const shmNames: string[] = [];
const byteNamedFiles: Buffer[] = []; // paths that are not valid UTF-8
const fds: number[] = [];
const handles: number[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const handle of handles.splice(0)) {
    try {
      unmap(handle);
    } catch {
      // already unmapped by the test
    }
  }
  for (const fd of fds.splice(0)) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed by the test
    }
  }
  for (const child of children.splice(0)) child.kill('SIGKILL');
  // Only names this file made (unique per run), some of them directories.
  for (const name of shmNames.splice(0)) fs.rmSync(path.join(SHM_DIR, name), { recursive: true, force: true });
  for (const file of byteNamedFiles.splice(0)) fs.rmSync(file, { force: true });
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function makeTempDir(): string {
  // realpath: /proc shows canonical paths in fd links and maps.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-native-')));
  tempDirs.push(dir);
  return dir;
}

/** A name no other program uses; also removed from /dev/shm in afterEach, wherever it was used. */
function uniqueName(): string {
  const name = `shm-inspector-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  shmNames.push(name);
  return name;
}

function createInShm(options: { name?: string; dataSize?: number; mode?: number } = {}) {
  const created = createSegment({ dir: SHM_DIR, dataSize: DATA_SIZE, mode: 0o600, ...options });
  if (!shmNames.includes(created.name)) shmNames.push(created.name);
  return created;
}

function open(file: string, flags: string): number {
  const fd = fs.openSync(file, flags);
  fds.push(fd);
  return fd;
}

function map(fd: number, length: number, writable: boolean): number {
  const handle = mapShared(fd, length, writable);
  handles.push(handle);
  return handle;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not found`);
  return value;
}

function entryNamed(entries: RawEntry[], name: string): RawEntry {
  return must(
    entries.find((entry) => entry.name === name),
    `entry ${name}`,
  );
}

function thisProcess(filter: { dev: number; dir: string }): RawProcess {
  return must(
    readProcessTable(filter).processes.find((p) => p.pid === process.pid),
    'this process',
  );
}

function expectedMarker(pid: number): Buffer {
  const marker = Buffer.alloc(MARKER_SIZE);
  marker.writeUInt32LE(0xbeefcafe, 0);
  marker.writeInt32LE(pid, 4);
  return marker;
}

/** The tail the addon reports for these 40 bytes, decoded here with Node's own readers. */
function tailOf(bytes: Buffer): RawTail {
  return { magic: bytes.readUInt32LE(0), pid: bytes.readInt32LE(4), hex: bytes.toString('hex') };
}

/** The NativeError `run` throws (fails the test if it throws something else or nothing). */
function nativeErrorOf(run: () => unknown): NativeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NativeError);
    return error as NativeError;
  }
  throw new Error('expected a NativeError, nothing was thrown');
}

/** True if [start, end) lies inside one of the flat ranges. */
function covered(ranges: number[], start: number, end: number): boolean {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    if ((ranges[i] ?? Infinity) <= start && end <= (ranges[i + 1] ?? -Infinity)) return true;
  }
  return false;
}

function identityOf(dir: string, name: string): FileIdentity {
  const { dev, inode, birthTimeMs } = scanEntry(dir, name);
  return { dev, inode, birthTimeMs };
}

describe.each([
  ['a temp dir on the root filesystem', () => makeTempDir()],
  ['/dev/shm', () => SHM_DIR],
])('createSegment in %s', (_where, directory) => {
  function create(options: { mode?: number; markerPid?: number } = {}) {
    const dir = directory();
    const name = uniqueName();
    const created = createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o600, ...options });
    return { dir, file: path.join(dir, name), created };
  }

  it('makes a file of data size + 40 bytes ending in the marker with the given PID', () => {
    const { file, created } = create({ markerPid: 4242 });
    expect(created.fileSize).toBe(DATA_SIZE + MARKER_SIZE);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(DATA_SIZE + MARKER_SIZE);
    const marker = bytes.subarray(DATA_SIZE);
    expect([...marker.subarray(0, 4)]).toEqual([0xfe, 0xca, 0xef, 0xbe]);
    expect(marker.readInt32LE(4)).toBe(4242);
    expect(marker.subarray(8).equals(Buffer.alloc(32))).toBe(true);
    expect(bytes.subarray(0, DATA_SIZE).equals(Buffer.alloc(DATA_SIZE))).toBe(true);
  });

  it('writes this process as the marker PID by default', () => {
    const { file } = create();
    expect(fs.readFileSync(file).subarray(DATA_SIZE).equals(expectedMarker(process.pid))).toBe(true);
  });

  it('returns the dev and inode of the file it made', () => {
    const { file, created } = create();
    const stat = fs.statSync(file, { bigint: true });
    expect(created.dev).toBe(Number(stat.dev));
    expect(created.inode).toBe(Number(stat.ino));
  });

  it.each([0o600, 0o640, 0o777])('sets mode 0%o exactly under a umask of 022', (mode) => {
    const previous = process.umask(0o022);
    try {
      const { file } = create({ mode });
      expect(fs.statSync(file).mode & 0o7777).toBe(mode);
    } finally {
      process.umask(previous);
    }
  });

  it('refuses an existing explicit name with EEXIST and leaves that file alone', () => {
    const { dir, file, created } = create({ markerPid: 1234 });
    const before = fs.readFileSync(file);
    const error = nativeErrorOf(() => createSegment({ dir, name: created.name, dataSize: 8, mode: 0o600 }));
    expect(error.code).toBe('EEXIST');
    expect(error.syscall).toBe('open');
    expect(error.message).toBe(`open ${file}: File exists`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});

describe('createSegment names', () => {
  it('draws a fresh pulse-shm-<u32> name when none is given', () => {
    const created = createInShm();
    expect(pulseSegmentId(created.name)).not.toBeNull();
    expect(fs.existsSync(path.join(SHM_DIR, created.name))).toBe(true);
  });

  it('fails with ENOENT for a missing directory', () => {
    const dir = path.join(makeTempDir(), 'missing');
    const error = nativeErrorOf(() => createSegment({ dir, dataSize: 8, mode: 0o600 }));
    expect(error.code).toBe('ENOENT');
    expect(error.syscall).toBe('open');
  });
});

describe('front argument checks', () => {
  it.each(['a/b', '..', '.', 'a\0b', ''])('refuses the name %j with EINVAL and creates nothing', (name) => {
    const dir = makeTempDir();
    expect(nativeErrorOf(() => createSegment({ dir, name, dataSize: 8, mode: 0o600 })).code).toBe('EINVAL');
    expect(nativeErrorOf(() => scanEntry(dir, name)).code).toBe('EINVAL');
    expect(nativeErrorOf(() => unlinkIfUnchanged(dir, name, { dev: 1, inode: 1, birthTimeMs: null })).code).toBe(
      'EINVAL',
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.each([0, -1, 1.5, 1024 * 1024 * 1024 + 1])('refuses data size %d and creates nothing', (dataSize) => {
    const dir = makeTempDir();
    expect(nativeErrorOf(() => createSegment({ dir, dataSize, mode: 0o600 })).code).toBe('EINVAL');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.each([0o500, 0o577, 0o1700, 0o4600])('refuses mode 0%o and creates nothing', (mode) => {
    const dir = makeTempDir();
    expect(nativeErrorOf(() => createSegment({ dir, dataSize: 8, mode })).code).toBe('EINVAL');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a relative directory', () => {
    expect(nativeErrorOf(() => scanDirectory('dev/shm')).code).toBe('EINVAL');
  });
});

describe.each([
  ['a temp dir on the root filesystem', () => makeTempDir()],
  ['/dev/shm', () => SHM_DIR],
])('scanDirectory in %s', (_where, directory) => {
  it('reports a created segment as fs.statSync sees it, with its marker as the tail', () => {
    const dir = directory();
    const name = uniqueName();
    const before = Date.now();
    const created = createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o640, markerPid: 777 });
    const scan = scanDirectory(dir);
    const entry = entryNamed(scan.entries, name);
    const stat = fs.statSync(path.join(dir, name), { bigint: true });

    expect(scan.dev).toBe(Number(fs.statSync(dir, { bigint: true }).dev));
    expect(entry.type).toBe('file');
    expect(entry.dev).toBe(Number(stat.dev));
    expect(entry.inode).toBe(Number(stat.ino));
    expect(entry.inode).toBe(created.inode);
    expect(entry.size).toBe(DATA_SIZE + MARKER_SIZE);
    expect(entry.mode).toBe(0o640);
    expect(entry.uid).toBe(Number(stat.uid));
    expect(entry.gid).toBe(Number(stat.gid));
    expect(entry.mtimeMs).toBeCloseTo(Number(stat.mtimeNs) / 1e6, 0);
    // ext4 and tmpfs (on current kernels) both keep a birth time.
    expect(entry.birthTimeMs).not.toBeNull();
    expect(Math.abs((entry.birthTimeMs ?? 0) - before)).toBeLessThan(5000);
    expect(entry.tail).toEqual(tailOf(expectedMarker(777)));
    expect(entry.allocatedBytes).toBeGreaterThan(0);
    expect(covered(entry.dataRanges ?? [], DATA_SIZE, DATA_SIZE + MARKER_SIZE)).toBe(true);
    expect(entry.error).toBeNull();
  });

  it('reports a fully written file as one range [0, size)', () => {
    const dir = directory();
    const name = uniqueName();
    fs.writeFileSync(path.join(dir, name), randomBytes(3 * PAGE_SIZE + 100));
    const entry = scanEntry(dir, name);
    expect(entry.dataRanges).toEqual([0, 3 * PAGE_SIZE + 100]);
    expect(entry.allocatedBytes).toBeGreaterThanOrEqual(3 * PAGE_SIZE + 100);
  });

  it('reports a file with a hole in the middle as two ranges', () => {
    const dir = directory();
    const name = uniqueName();
    const fd = open(path.join(dir, name), 'w');
    fs.writeSync(fd, Buffer.alloc(100, 1), 0, 100, 0);
    fs.writeSync(fd, Buffer.alloc(100, 2), 0, 100, 1024 * 1024);
    const entry = scanEntry(dir, name);
    const ranges = entry.dataRanges ?? [];
    expect(ranges).toHaveLength(4);
    expect(ranges[0]).toBe(0);
    expect(covered(ranges, 0, 100)).toBe(true);
    expect(covered(ranges, 1024 * 1024, 1024 * 1024 + 100)).toBe(true);
    expect(covered(ranges, PAGE_SIZE * 16, PAGE_SIZE * 17)).toBe(false);
    expect(ranges[3]).toBe(1024 * 1024 + 100);
  });

  it('reports a sparse file with nothing allocated as no ranges', () => {
    const dir = directory();
    const name = uniqueName();
    fs.writeFileSync(path.join(dir, name), '');
    fs.truncateSync(path.join(dir, name), 1024 * 1024);
    const entry = scanEntry(dir, name);
    expect(entry.allocatedBytes).toBe(0);
    expect(entry.dataRanges).toEqual([]);
    expect(entry.tail).toEqual(tailOf(Buffer.alloc(MARKER_SIZE)));
  });

  it('reads the two words of a tail little endian, the magic unsigned and the PID signed, as a real daemon wrote them', () => {
    const dir = directory();
    // The marker a live PulseAudio 16.1 daemon wrote (reference §2): magic, PID 3349, zeros.
    const daemon = Buffer.concat([Buffer.from('fecaefbe150d0000', 'hex'), Buffer.alloc(32)]);
    const negative = Buffer.from(daemon);
    negative.writeInt32LE(-5, 4);
    for (const [bytes, magic, pid] of [
      [daemon, 0xbeefcafe, 3349],
      [negative, 0xbeefcafe, -5],
    ] as const) {
      const name = uniqueName();
      fs.writeFileSync(path.join(dir, name), Buffer.concat([Buffer.alloc(100, 7), bytes]));
      expect(scanEntry(dir, name).tail).toEqual({ magic, pid, hex: bytes.toString('hex') });
    }
  });

  it('gives a null tail for a file smaller than the marker', () => {
    const dir = directory();
    const name = uniqueName();
    fs.writeFileSync(path.join(dir, name), 'short');
    const entry = scanEntry(dir, name);
    expect(entry.size).toBe(5);
    expect(entry.tail).toBeNull();
    expect(entry.dataRanges).toEqual([0, 5]);
  });

  it('reports directories and symlinks by type without following them', () => {
    const dir = directory();
    const target = uniqueName();
    const created = createSegment({ dir, name: target, dataSize: DATA_SIZE, mode: 0o600 });
    const sub = uniqueName();
    const link = uniqueName();
    fs.mkdirSync(path.join(dir, sub));
    fs.symlinkSync(path.join(dir, target), path.join(dir, link));

    const { entries } = scanDirectory(dir);
    const dirEntry = entryNamed(entries, sub);
    expect(dirEntry).toMatchObject({ type: 'dir', tail: null, dataRanges: null, error: null });
    expect(dirEntry.inode).toBe(Number(fs.statSync(path.join(dir, sub), { bigint: true }).ino));
    const linkEntry = entryNamed(entries, link);
    expect(linkEntry).toMatchObject({ type: 'symlink', tail: null, dataRanges: null, error: null });
    expect(linkEntry.inode).not.toBe(created.inode);
    expect(linkEntry.size).toBe(path.join(dir, target).length);
    expect(scanEntry(dir, link)).toEqual(linkEntry);
  });

  it('reports a FIFO as other without opening it (no blocking)', () => {
    const dir = directory();
    const name = uniqueName();
    execFileSync('mkfifo', [path.join(dir, name)]);
    const entry = entryNamed(scanDirectory(dir).entries, name);
    expect(entry).toMatchObject({ type: 'other', tail: null, dataRanges: null, error: null });
    expect(entry.inode).toBe(Number(fs.statSync(path.join(dir, name), { bigint: true }).ino));
  });

  it('reports names in UTF-8, and each undecodable byte 0xNN as U+DCNN, never as U+FFFD', () => {
    const dir = directory();
    const name = `${uniqueName()}-ü-名前 (1)`;
    shmNames.push(name);
    fs.writeFileSync(path.join(dir, name), 'x');
    const raw = `${uniqueName()}-`;
    // Three names a lossy decoder would all show as `${raw}\ufffd`.
    const odd = [
      [Buffer.from([0xff]), `${raw}\udcff`],
      [Buffer.from([0xfe]), `${raw}\udcfe`],
      [Buffer.from('\ufffd'), `${raw}\ufffd`],
    ] as const;
    for (const [bytes] of odd) {
      const rawPath = Buffer.concat([Buffer.from(path.join(dir, raw)), bytes]);
      byteNamedFiles.push(rawPath);
      fs.writeFileSync(rawPath, bytes);
    }
    const { entries } = scanDirectory(dir);
    expect(entryNamed(entries, name).size).toBe(1);
    for (const [bytes, escaped] of odd) {
      expect(entryNamed(entries, escaped).size).toBe(bytes.length);
      expect(scanEntry(dir, escaped).size).toBe(bytes.length);
    }
  });

  it('unlinks exactly the file whose bytes the escaped name stands for', () => {
    const dir = directory();
    const raw = `${uniqueName()}-`;
    const paths = [0xff, 0xfe].map((byte) => Buffer.concat([Buffer.from(path.join(dir, raw)), Buffer.from([byte])]));
    const third = Buffer.concat([Buffer.from(path.join(dir, raw)), Buffer.from('\ufffd')]);
    for (const file of [...paths, third]) {
      byteNamedFiles.push(file);
      fs.writeFileSync(file, 'x');
    }
    const escaped = `${raw}\udcff`;
    expect(unlinkIfUnchanged(dir, escaped, identityOf(dir, escaped))).toBe('removed');
    expect(fs.existsSync(paths[0] as Buffer)).toBe(false);
    expect(fs.existsSync(paths[1] as Buffer)).toBe(true);
    expect(fs.existsSync(third)).toBe(true);
  });

  it('creates a segment under the exact bytes of an escaped name, and reads it by its escaped path', () => {
    const dir = directory();
    const raw = `${uniqueName()}-`;
    const file = Buffer.concat([Buffer.from(path.join(dir, raw)), Buffer.from([0x9b])]);
    byteNamedFiles.push(file);
    const created = createSegment({ dir, name: `${raw}\udc9b`, dataSize: DATA_SIZE, mode: 0o600 });
    expect(created.name).toBe(`${raw}\udc9b`);
    expect(fs.statSync(file).ino).toBe(created.inode);
    const tail = readIfSame(path.join(dir, created.name), created, DATA_SIZE, MARKER_SIZE);
    expect(tail?.readUInt32LE(0)).toBe(0xbeefcafe);
  });

  it('refuses a string that stands for no bytes, or for bytes it does not spell as UTF-8', () => {
    const dir = directory();
    expect(nativeErrorOf(() => scanEntry(dir, 'odd\ud800')).code).toBe('EINVAL');
    expect(nativeErrorOf(() => scanEntry(dir, 'caf\udcc3\udca9')).code).toBe('EINVAL');
    expect(nativeErrorOf(() => scanDirectory(`${dir}/\udc41`)).code).toBe('EINVAL');
  });

  it('reads one entry with scanEntry exactly as scanDirectory does', () => {
    const dir = directory();
    const name = uniqueName();
    createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o600 });
    expect(scanEntry(dir, name)).toEqual(entryNamed(scanDirectory(dir).entries, name));
  });

  it('throws ENOENT from scanEntry for a name that does not exist', () => {
    const dir = directory();
    const name = uniqueName();
    const error = nativeErrorOf(() => scanEntry(dir, name));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain(`${path.join(dir, name)}: No such file or directory`);
  });
});

describe('dataRanges on tmpfs, page by page', () => {
  // tmpfs allocates whole pages; the marker's page is allocated by createSegment.
  function rangesOf(build: (file: string) => void): number[] | null {
    const name = uniqueName();
    build(path.join(SHM_DIR, name));
    return scanEntry(SHM_DIR, name).dataRanges;
  }

  function segment(dataSize: number, writes: Array<[offset: number, bytes: Buffer]> = []) {
    return (file: string) => {
      const name = path.basename(file);
      createSegment({ dir: SHM_DIR, name, dataSize, mode: 0o600 });
      const fd = open(file, 'r+');
      for (const [offset, bytes] of writes) fs.writeSync(fd, bytes, 0, bytes.length, offset);
    };
  }

  it('gives only the marker page for an untouched segment', () => {
    expect(rangesOf(segment(DATA_SIZE))).toEqual([DATA_SIZE, DATA_SIZE + MARKER_SIZE]);
    expect(rangesOf(segment(5000))).toEqual([PAGE_SIZE, 5000 + MARKER_SIZE]);
  });

  it('gives both pages of a marker that straddles a page boundary', () => {
    expect(rangesOf(segment(PAGE_SIZE - 16))).toEqual([0, PAGE_SIZE + 24]);
  });

  it('finds touched slots before the marker', () => {
    const ranges = rangesOf(
      segment(4 * DATA_SIZE, [
        [0, Buffer.alloc(100, 1)],
        [70000, Buffer.alloc(100, 1)],
      ]),
    );
    expect(ranges).toEqual([0, PAGE_SIZE, 17 * PAGE_SIZE, 18 * PAGE_SIZE, 4 * DATA_SIZE, 4 * DATA_SIZE + MARKER_SIZE]);
  });

  it('finds a last page that holds only zeros', () => {
    const ranges = rangesOf((file) => {
      const fd = open(file, 'w');
      fs.writeSync(fd, Buffer.alloc(100, 1), 0, 100, 0);
      fs.writeSync(fd, Buffer.alloc(100), 0, 100, 3 * PAGE_SIZE - 100);
    });
    expect(ranges).toEqual([0, PAGE_SIZE, 2 * PAGE_SIZE, 3 * PAGE_SIZE]);
  });

  it('finds data after a hole when the tail is zeros', () => {
    const ranges = rangesOf((file) => {
      const fd = open(file, 'w');
      fs.writeSync(fd, Buffer.alloc(100, 1), 0, 100, 5 * PAGE_SIZE);
      fs.ftruncateSync(fd, 9 * PAGE_SIZE);
    });
    expect(ranges).toEqual([5 * PAGE_SIZE, 6 * PAGE_SIZE]);
  });
});

describe('scanEntry through /proc links', () => {
  // map_files needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE); as nobody it is EPERM, tested below.
  const isRoot = process.getuid?.() === 0;
  const needsRoot = 'needs root, for /proc/<pid>/map_files';
  const SIZE = 3 * DATA_SIZE;
  const WRITTEN = [0, DATA_SIZE, 2 * DATA_SIZE]; // one page at each
  const WRITTEN_RANGES = WRITTEN.flatMap((offset) => [offset, offset + PAGE_SIZE]);

  /** The map_files name of this process's one mapping of `inode`: its range as maps writes it. */
  function mapFilesName(inode: number): string {
    const lines = fs
      .readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .filter((line) => line.split(/\s+/)[4] === String(inode));
    expect(lines).toHaveLength(1);
    return must(lines[0]?.split(' ')[0], 'range');
  }

  /** A memfd of SIZE bytes with a page written at each WRITTEN offset, mapped shared. */
  function memfd(): { fd: number; inode: number } {
    const fd = createMemfd('shm-inspector-test', SIZE);
    fds.push(fd);
    for (const offset of WRITTEN) fs.writeSync(fd, Buffer.alloc(PAGE_SIZE, 7), 0, PAGE_SIZE, offset);
    map(fd, SIZE, false);
    return { fd, inode: Number(fs.fstatSync(fd, { bigint: true }).ino) };
  }

  it('reads a memfd through map_files after its fd is closed: file, size, exactly the written pages', (context) => {
    if (!isRoot) context.skip(needsRoot);
    const { fd, inode } = memfd();
    const { dev } = fs.fstatSync(fd);
    fs.closeSync(fd); // only the mapping holds it now
    const name = mapFilesName(inode);
    expect(scanEntry('/proc/self/map_files', name)).toMatchObject({
      name,
      type: 'file',
      dev,
      inode,
      size: SIZE,
      allocatedBytes: WRITTEN.length * PAGE_SIZE,
      dataRanges: WRITTEN_RANGES,
      tail: tailOf(Buffer.alloc(MARKER_SIZE)), // the last page was never written
      error: null,
    });
  });

  it('reads a memfd through its fd link the same way', () => {
    const { fd, inode } = memfd();
    const entry = scanEntry('/proc/self/fd', String(fd));
    expect(entry).toMatchObject({ name: String(fd), type: 'file', inode, size: SIZE, error: null });
    expect(entry.dataRanges).toEqual(WRITTEN_RANGES);
    if (!isRoot) return; // the comparison through map_files needs root
    const name = mapFilesName(inode);
    expect(scanEntry('/proc/self/map_files', name)).toEqual({ ...entry, name });
  });

  it('reads an unlinked /dev/shm segment through map_files: its size, ranges and marker', (context) => {
    if (!isRoot) context.skip(needsRoot);
    const created = createInShm({ dataSize: SIZE });
    const file = path.join(SHM_DIR, created.name);
    const fd = open(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 1), 0, 100, DATA_SIZE + 10);
    map(fd, created.fileSize, false);
    fs.unlinkSync(file);
    fs.closeSync(fd);
    expect(fs.existsSync(file)).toBe(false);
    const entry = scanEntry('/proc/self/map_files', mapFilesName(created.inode));
    expect(entry).toMatchObject({
      type: 'file',
      dev: created.dev,
      inode: created.inode,
      size: created.fileSize,
      error: null,
    });
    expect(entry.dataRanges).toEqual([DATA_SIZE, DATA_SIZE + PAGE_SIZE, SIZE, SIZE + MARKER_SIZE]);
    expect(entry.tail).toEqual(tailOf(expectedMarker(process.pid)));
  });

  it('describes a link to something other than a file without opening it', () => {
    const dir = makeTempDir();
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    const fd = open(path.join(dir, 'fifo'), 'r+'); // O_RDWR: does not wait for a peer
    const fifo = scanEntry('/proc/self/fd', String(fd));
    expect(fifo).toMatchObject({ type: 'other', tail: null, dataRanges: null, error: null });
    expect(fifo.inode).toBe(Number(fs.statSync(path.join(dir, 'fifo'), { bigint: true }).ino));
    const cwd = scanEntry('/proc/self', 'cwd');
    expect(cwd).toMatchObject({ type: 'dir', dataRanges: null, error: null });
    expect(cwd.inode).toBe(Number(fs.statSync(process.cwd(), { bigint: true }).ino));
  });

  it('still never follows a symlink in scanDirectory, /proc included', () => {
    const { fd } = memfd();
    const entry = entryNamed(scanDirectory('/proc/self/fd').entries, String(fd));
    expect(entry).toMatchObject({ type: 'symlink', dataRanges: null, tail: null, error: null });
  });

  it('throws ENOENT for an fd that is not open', () => {
    // Not a just-closed fd: scanEntry's own directory fd would take its number.
    const error = nativeErrorOf(() => scanEntry('/proc/self/fd', '999999'));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('/proc/self/fd/999999: No such file or directory');
  });
});

describe('scanDirectory failures', () => {
  it('throws ENOENT for a missing directory and ENOTDIR for a file', () => {
    const dir = makeTempDir();
    const missing = nativeErrorOf(() => scanDirectory(path.join(dir, 'missing')));
    expect(missing.code).toBe('ENOENT');
    expect(missing.syscall).toBe('open');
    expect(missing.message).toBe(`open ${path.join(dir, 'missing')}: No such file or directory`);
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(nativeErrorOf(() => scanDirectory(path.join(dir, 'file'))).code).toBe('ENOTDIR');
  });

  it('scans an empty directory', () => {
    const dir = makeTempDir();
    expect(scanDirectory(dir).entries).toEqual([]);
  });

  it('scans all of /dev/shm, files of other programs included, without throwing', () => {
    const created = createInShm();
    const scan = scanDirectory(SHM_DIR);
    // Other programs may add and remove entries meanwhile, so no exact count.
    expect(new Set(scan.entries.map((entry) => entry.name)).size).toBe(scan.entries.length);
    expect(entryNamed(scan.entries, created.name).tail).toEqual(tailOf(expectedMarker(process.pid)));
  });
});

describe('isTerminal', () => {
  it('is true for a terminal (a pseudo-terminal master) and false for /dev/null, a file and a closed fd', () => {
    expect(isTerminal(open('/dev/ptmx', 'r+'))).toBe(true);
    expect(isTerminal(open('/dev/null', 'r'))).toBe(false);
    expect(isTerminal(open(path.join(makeTempDir(), 'file'), 'w'))).toBe(false);
    expect(isTerminal(1_000_000)).toBe(false);
    expect(nativeErrorOf(() => isTerminal(-1)).code).toBe('EINVAL');
  });
});

describe('scanDirectoryWithProcesses', () => {
  it('reads the directory as scanDirectory does and the process table of its filesystem', () => {
    const dir = makeTempDir();
    const created = createSegment({ dir, dataSize: DATA_SIZE, mode: 0o600 });
    const file = path.join(dir, created.name);
    map(open(file, 'r+'), DATA_SIZE, true);
    open(file, 'r');

    const scan = scanDirectoryWithProcesses(dir);
    expect(scan.dev).toBe(scanDirectory(dir).dev);
    expect(scan.entries.entries()).toEqual(scanDirectory(dir).entries);
    const me = must(
      scan.processes.processes.find((p) => p.pid === process.pid),
      'this process',
    );
    expect(me.mappings.map((m) => [m.inode, m.perms])).toContainEqual([created.inode, 'rw-s']);
    expect(me.fds.filter((fd) => fd.inode === created.inode).map((fd) => [fd.path, fd.accessMode])).toEqual(
      expect.arrayContaining([
        [file, 2],
        [file, 0],
      ]),
    );
    // Filtered to the directory's device: none of /dev/shm's files.
    const shmDev = scanDirectory(SHM_DIR).dev;
    expect(scan.processes.processes.flatMap((p) => p.mappings).some((m) => m.dev === shmDev)).toBe(false);
  });

  it('reads many entries of every kind, in directory order, as scanDirectory does', () => {
    const dir = makeTempDir();
    for (let i = 0; i < 600; i++) {
      if (i % 50 === 1) fs.mkdirSync(path.join(dir, `dir-${i}`));
      else if (i % 50 === 2) fs.symlinkSync('/etc/hostname', path.join(dir, `link-${i}`));
      else if (i % 50 === 3) fs.writeFileSync(path.join(dir, `short-${i}`), 'x');
      else createSegment({ dir, dataSize: 4096 * (1 + (i % 3)), mode: 0o600, markerPid: 1 + i });
    }
    const scan = scanDirectoryWithProcesses(dir);
    const sequential = scanDirectory(dir).entries;
    expect(sequential).toHaveLength(600);
    expect(scan.entries.entries()).toEqual(sequential);
  });

  it('fails as scanDirectory does, before reading anything', () => {
    const dir = makeTempDir();
    expect(nativeErrorOf(() => scanDirectoryWithProcesses(path.join(dir, 'missing'))).code).toBe('ENOENT');
    expect(nativeErrorOf(() => scanDirectoryWithProcesses('dev/shm')).code).toBe('EINVAL');
  });
});

describe('readProcessTable', () => {
  function segmentInTempDir() {
    const dir = makeTempDir();
    const created = createSegment({ dir, dataSize: DATA_SIZE, mode: 0o600 });
    const file = path.join(dir, created.name);
    return { dir, file, created, filter: { dev: scanDirectory(dir).dev, dir } };
  }

  it('finds this process with its comm, state, parent and owner', () => {
    const table = readProcessTable({ dev: scanDirectory(SHM_DIR).dev, dir: SHM_DIR });
    expect(table.ticksPerSecond).toBe(100);
    expect(Math.abs(table.bootTimeMs - (Date.now() - os.uptime() * 1000))).toBeLessThan(5000);
    const me = must(
      table.processes.find((p) => p.pid === process.pid),
      'this process',
    );
    expect(me.comm).toBe(fs.readFileSync('/proc/self/comm', 'utf8').trimEnd());
    expect(me.state).toBe('R');
    expect(me.ppid).toBe(process.ppid);
    expect(me.uid).toBe(process.getuid?.());
    expect(me.mapsError).toBeNull();
    expect(me.fdsError).toBeNull();
    expect(table.processes.some((p) => p.pid === 1)).toBe(true);
  });

  it('keeps exactly the mappings the maps text shows on the device or of memfds: private ones (not in a sweep’s read), odd names, deleted files', async (context) => {
    if (spawnSync('python3', ['-c', 'import mmap, os; os.memfd_create']).status !== 0) {
      context.skip('python3 with os.memfd_create is needed to map files privately');
    }
    // On tmpfs, where no library lives: the mappings kept are the child's own.
    const dir = fs.mkdtempSync(path.join(SHM_DIR, 'shm-inspector-native-'));
    tempDirs.push(dir);
    const filter = { dev: scanDirectory(dir).dev, dir };
    // A MAP_PRIVATE mapping, a name with a newline (the text escapes it as \012), a name
    // that ends in " (deleted)", an unlinked file, memfds, and anonymous shared memory.
    const script = `
import mmap, os, sys
d = sys.argv[1]
kept = []
for name, private in [('plain', False), ('new\\nline', False), ('x (deleted)', False), ('gone', False), ('priv', True)]:
    fd = os.open(os.path.join(d, name), os.O_RDWR | os.O_CREAT, 0o600)
    os.ftruncate(fd, 8192)
    kept.append(mmap.mmap(fd, 8192, flags=mmap.MAP_PRIVATE if private else mmap.MAP_SHARED))
    os.close(fd)
os.unlink(os.path.join(d, 'gone'))
for name in ['odd\\nname (deleted)', 'pulseaudio']:
    fd = os.memfd_create(name)
    os.ftruncate(fd, 4096)
    kept.append(mmap.mmap(fd, 4096))
kept.append(mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED))
print('ready', flush=True)
sys.stdin.read()
`;
    const child = spawn('python3', ['-c', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`python3 exited (${code}) before it was ready`)));
    });
    const pid = must(child.pid, 'child pid');
    const text = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
    const read = must(
      readProcessTable(filter, [pid]).processes.find((p) => p.pid === pid),
      'the child',
    );
    const swept = must(
      (await readProcessTableAsync(filter, { sharedMappingsOnly: true })).processes.find((p) => p.pid === pid),
      'the child, read as a sweep reads',
    );
    child.stdin?.end();

    // The text, parsed as the table is documented to keep it.
    const major = Math.floor(filter.dev / 256) % 4096;
    const minor = (filter.dev % 256) + Math.floor(filter.dev / 1048576) * 256;
    const expected = text.split('\n').flatMap((line) => {
      const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$/.exec(line);
      if (!m) return [];
      const [, start, end, perms, offset, maj, min, inode, shown = ''] = m;
      const onDevice = parseInt(maj ?? '', 16) === major && parseInt(min ?? '', 16) === minor && inode !== '0';
      if (!onDevice && !shown.startsWith('/memfd:')) return [];
      const deleted = shown.endsWith(' (deleted)');
      return [
        {
          start: parseInt(start ?? '', 16),
          end: parseInt(end ?? '', 16),
          perms,
          offset: parseInt(offset ?? '', 16),
          inode: Number(inode),
          path: deleted ? shown.slice(0, -' (deleted)'.length) : shown,
          deleted,
        },
      ];
    });
    expect(expected.map((m) => m.path).sort()).toEqual(
      [
        `${dir}/plain`,
        `${dir}/new\\012line`,
        // The kernel's own ambiguity: a live file named "x (deleted)" reads as x, deleted.
        `${dir}/x`,
        `${dir}/gone`,
        `${dir}/priv`,
        '/memfd:odd\\012name (deleted)',
        '/memfd:pulseaudio',
      ].sort(),
    );
    expect(expected.find((m) => m.path === `${dir}/priv`)?.perms).toBe('rw-p');
    expect(read.mappings.map(({ dev: _dev, ...rest }) => rest)).toEqual(expected);
    // A sweep's read asks the kernel for shared mappings only.
    expect(swept.mappings.map(({ dev: _dev, ...rest }) => rest)).toEqual(expected.filter((m) => m.perms?.[3] === 's'));
  });

  it('lists kernel threads as read, with no mappings, no fds and no errors', (context) => {
    const kernelThreads = kernelThreadPids();
    if (kernelThreads.length === 0) context.skip('/proc shows no kernel threads in this PID namespace');
    const table = readProcessTable({ dev: scanDirectory(SHM_DIR).dev, dir: SHM_DIR });
    const listed = table.processes.filter((p) => kernelThreads.includes(p.pid));
    expect(listed.length).toBeGreaterThan(0);
    for (const thread of listed) {
      // What their maps and fd/ hold, read as root: nothing.
      if (process.getuid?.() === 0) {
        expect(fs.readFileSync(`/proc/${thread.pid}/maps`, 'utf8')).toBe('');
        expect(fs.readdirSync(`/proc/${thread.pid}/fd`)).toEqual([]);
      }
      expect(thread).toMatchObject({ mappings: [], fds: [], mapsError: null, fdsError: null });
      expect(thread.comm).toBe(fs.readFileSync(`/proc/${thread.pid}/comm`, 'utf8').trimEnd());
    }
    expect(table.unreadable.filter((p) => kernelThreads.includes(p.pid))).toEqual([]);
  });

  it('reads looked-up PIDs again: a live one is read, an exited one is in neither list, and a bad PID is refused', () => {
    const exited = spawnSync('true').pid ?? 0;
    const filter = { dev: scanDirectory(SHM_DIR).dev, dir: SHM_DIR };
    const table = readProcessTable(filter, [process.pid, exited]);
    expect(table.processes.filter((p) => p.pid === process.pid)).toHaveLength(1);
    expect(table.processes.some((p) => p.pid === exited)).toBe(false);
    expect(table.unreadable.some((p) => p.pid === exited)).toBe(false);
    expect(() => readProcessTable(filter, [0])).toThrow(/out of range/);
  });

  it.each([
    [true, 'rw-s'],
    [false, 'r--s'],
  ])('shows a shared mapping (writable: %s) as %s with the file inode', (writable, perms) => {
    const { file, created, filter } = segmentInTempDir();
    const fd = open(file, 'r+');
    map(fd, created.fileSize, writable);
    fs.closeSync(must(fds.pop(), 'fd')); // the mapping alone keeps it, as in PulseAudio

    const mapping = must(
      thisProcess(filter).mappings.find((m) => m.inode === created.inode),
      'mapping',
    );
    expect(mapping).toMatchObject({ perms, offset: 0, dev: created.dev, path: file, deleted: false });
    expect(mapping.end - mapping.start).toBe(Math.ceil(created.fileSize / PAGE_SIZE) * PAGE_SIZE);
  });

  it('strips " (deleted)" from a mapping whose file was unlinked', () => {
    const { file, created, filter } = segmentInTempDir();
    map(open(file, 'r+'), created.fileSize, true);
    fs.unlinkSync(file);
    const me = thisProcess(filter);
    expect(me.mappings.find((m) => m.inode === created.inode)).toMatchObject({ path: file, deleted: true });
    expect(me.fds.find((f) => f.inode === created.inode)).toMatchObject({ path: file, deleted: true });
  });

  it('keeps only mappings on the filter device or memfds', () => {
    const { filter } = segmentInTempDir();
    for (const mapping of thisProcess(filter).mappings) {
      expect(mapping.dev === filter.dev || mapping.path.startsWith('/memfd:')).toBe(true);
    }
  });

  it.each([
    ['r+', 2],
    ['r', 0],
    ['a', 1],
  ])('shows an fd opened with %s with access mode %d', (flags, accessMode) => {
    const { file, created, filter } = segmentInTempDir();
    const fd = open(file, flags);
    const found = thisProcess(filter).fds.find((f) => f.fd === fd);
    expect(found).toEqual({ fd, path: file, deleted: false, dev: created.dev, inode: created.inode, accessMode });
  });

  it('leaves out fds outside the directory', () => {
    const { filter } = segmentInTempDir();
    const other = makeTempDir();
    fs.writeFileSync(path.join(other, 'x'), 'x');
    const fd = open(path.join(other, 'x'), 'r');
    expect(thisProcess(filter).fds.find((f) => f.fd === fd)).toBeUndefined();
  });

  it('shows a memfd as a deleted /memfd: fd, and as a mapping once mapped', () => {
    const { filter } = segmentInTempDir();
    const fd = createMemfd('shm-inspector-test', 2 * PAGE_SIZE);
    fds.push(fd);
    const inode = Number(fs.fstatSync(fd, { bigint: true }).ino);
    expect(fs.fstatSync(fd).size).toBe(2 * PAGE_SIZE);

    const before = thisProcess(filter);
    expect(before.fds.find((f) => f.fd === fd)).toMatchObject({
      path: '/memfd:shm-inspector-test',
      deleted: true,
      inode,
      accessMode: 2,
    });
    expect(before.mappings.find((m) => m.inode === inode)).toBeUndefined();

    map(fd, 2 * PAGE_SIZE, true);
    const mapping = thisProcess(filter).mappings.find((m) => m.inode === inode);
    expect(mapping).toMatchObject({ path: '/memfd:shm-inspector-test', deleted: true, perms: 'rw-s' });
    expect(mapping?.dev).toBe(Number(fs.fstatSync(fd, { bigint: true }).dev));
  });

  it('no longer shows a mapping after unmap, and refuses an unknown handle with EINVAL', () => {
    const { file, created, filter } = segmentInTempDir();
    const handle = map(open(file, 'r'), created.fileSize, false);
    expect(thisProcess(filter).mappings.some((m) => m.inode === created.inode)).toBe(true);
    unmap(handle);
    expect(thisProcess(filter).mappings.some((m) => m.inode === created.inode)).toBe(false);
    const error = nativeErrorOf(() => unmap(handle));
    expect(error.code).toBe('EINVAL');
  });

  it('fails mapShared on a bad fd with EBADF', () => {
    const error = nativeErrorOf(() => mapShared(1_000_000, PAGE_SIZE, false));
    expect(error.code).toBe('EBADF');
    expect(error.syscall).toBe('mmap');
  });

  it('finds a fresh child with this process as parent and a start time of now', async () => {
    const spawnedAt = Date.now();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const table = readProcessTable({ dev: scanDirectory(SHM_DIR).dev, dir: SHM_DIR });
    const found = must(
      table.processes.find((p) => p.pid === child.pid),
      'child',
    );
    expect(found.comm).toBe('sleep');
    expect(found.ppid).toBe(process.pid);
    expect(found.state).toMatch(/^[RSD]$/); // D while exec loads the binary
    const startedMs = table.bootTimeMs + (found.startTicks * 1000) / table.ticksPerSecond;
    expect(Math.abs(startedMs - spawnedAt)).toBeLessThan(1000);
  });
});

describe.each([
  ['a temp dir on the root filesystem', () => makeTempDir()],
  ['/dev/shm', () => SHM_DIR],
])('unlinkIfUnchanged in %s', (_where, directory) => {
  it('removes the file it was told about', () => {
    const dir = directory();
    const name = uniqueName();
    createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o600 });
    expect(unlinkIfUnchanged(dir, name, identityOf(dir, name))).toBe('removed');
    expect(fs.existsSync(path.join(dir, name))).toBe(false);
  });

  it('leaves a new file that got the old inode number back, by its birth time', () => {
    const dir = directory();
    const name = uniqueName();
    createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o600 });
    const old = identityOf(dir, name);
    // Whether the kernel reuses the inode number or not, only the birth time differs
    // reliably; claim the old birth time of a file with the current dev and inode.
    const stale = { ...identityOf(dir, name), birthTimeMs: (old.birthTimeMs ?? 0) - 1 };
    expect(unlinkIfUnchanged(dir, name, stale)).toBe('changed');
    expect(fs.existsSync(path.join(dir, name))).toBe(true);
    expect(unlinkIfUnchanged(dir, name, { ...old, birthTimeMs: null })).toBe('removed');
  });

  it('leaves a file that was replaced under the same name', () => {
    const dir = directory();
    const name = uniqueName();
    const created = { ...createSegment({ dir, name, dataSize: DATA_SIZE, mode: 0o600 }), birthTimeMs: null };
    // Made before the rename, so the old inode number cannot be reused for it.
    const replacement = uniqueName();
    fs.writeFileSync(path.join(dir, replacement), 'new');
    fs.renameSync(path.join(dir, replacement), path.join(dir, name));

    expect(unlinkIfUnchanged(dir, name, created)).toBe('changed');
    expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('new');
    const current = Number(fs.statSync(path.join(dir, name)).ino);
    expect(unlinkIfUnchanged(dir, name, { dev: created.dev + 1, inode: current, birthTimeMs: null })).toBe('changed');
    expect(fs.existsSync(path.join(dir, name))).toBe(true);
  });

  it('says missing for a name that does not exist', () => {
    expect(unlinkIfUnchanged(directory(), uniqueName(), { dev: 1, inode: 1, birthTimeMs: null })).toBe('missing');
  });

  it('leaves directories and symlinks as not-regular', () => {
    const dir = directory();
    const sub = uniqueName();
    fs.mkdirSync(path.join(dir, sub));
    const { dev, ino } = fs.statSync(path.join(dir, sub));
    expect(unlinkIfUnchanged(dir, sub, { dev, inode: ino, birthTimeMs: null })).toBe('not-regular');
    expect(fs.statSync(path.join(dir, sub)).isDirectory()).toBe(true);

    const link = uniqueName();
    fs.symlinkSync(path.join(dir, sub), path.join(dir, link));
    const linkStat = fs.lstatSync(path.join(dir, link));
    expect(unlinkIfUnchanged(dir, link, { dev: linkStat.dev, inode: linkStat.ino, birthTimeMs: null })).toBe(
      'not-regular',
    );
    expect(fs.lstatSync(path.join(dir, link)).isSymbolicLink()).toBe(true);
  });
});

/**
 * A child's script text that prints the addon's entry columns as JSON: `columnsJson(expr)`
 * (typed arrays become plain arrays); entriesOfJson reads them back as RawEntry objects.
 */
const COLUMNS_JSON = `const columnsJson = (c) => JSON.stringify({ ...c, numbers: Array.from(c.numbers), ranges: Array.from(c.ranges) });`;

function entriesOfJson(json: RawEntryColumns & { numbers: number[]; ranges: number[] }): RawEntry[] {
  return new EntryColumns({
    ...json,
    numbers: Float64Array.from(json.numbers),
    ranges: Float64Array.from(json.ranges),
  }).entries();
}

/** Runs `script` in a child node as user nobody, with the addon at ADDON; returns its JSON output. */
function runAsNobody(script: string, env: Record<string, string>): unknown {
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    uid: 65534,
    gid: 65534,
    env: { ...process.env, ...env, ADDON: ADDON_PATH },
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('as another user', () => {
  const isRoot = process.getuid?.() === 0;
  const needsRoot = 'needs root, to run a child as nobody';

  it('reports an unreadable file with its metadata and error EACCES from open', (context) => {
    if (!isRoot) context.skip(needsRoot);
    const dir = makeTempDir();
    fs.chmodSync(dir, 0o755);
    createSegment({ dir, name: 'private', dataSize: DATA_SIZE, mode: 0o600 });
    const stat = fs.statSync(path.join(dir, 'private'));
    const script = `${COLUMNS_JSON} process.stdout.write(columnsJson(require(process.env.ADDON).scanDirectory(process.env.DIR).columns))`;
    const entries = entriesOfJson(runAsNobody(script, { DIR: dir }) as Parameters<typeof entriesOfJson>[0]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      name: 'private',
      type: 'file',
      inode: stat.ino,
      size: DATA_SIZE + MARKER_SIZE,
      mode: 0o600,
      uid: 0,
      tail: null,
      dataRanges: null,
      error: { code: 'EACCES', syscall: 'open' },
    });
  });

  it('reports map_files without CAP_SYS_ADMIN as the link with error EPERM from open', (context) => {
    if (!isRoot) context.skip(needsRoot);
    const script = `
      ${COLUMNS_JSON}
      const fs = require('node:fs');
      const addon = require(process.env.ADDON);
      const fd = addon.createMemfd('shm-inspector-test', 8192);
      fs.writeSync(fd, 'x');
      addon.mapShared(fd, 8192, false);
      const inode = String(fs.fstatSync(fd).ino);
      const line = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.split(/\\s+/)[4] === inode);
      const viaFd = addon.scanEntry('/proc/self/fd', String(fd));
      const viaMap = addon.scanEntry('/proc/self/map_files', line.split(' ')[0]);
      process.stdout.write('[' + columnsJson(viaFd) + ',' + columnsJson(viaMap) + ']');`;
    const [viaFd, viaMap] = (runAsNobody(script, {}) as Parameters<typeof entriesOfJson>[0][]).map(
      (json) => entriesOfJson(json)[0],
    );
    expect(viaFd).toMatchObject({ type: 'file', size: 8192, dataRanges: [0, PAGE_SIZE], error: null });
    expect(viaMap).toMatchObject({
      type: 'symlink',
      dataRanges: null,
      tail: null,
      error: { code: 'EPERM', syscall: 'open' },
    });
  });

  it("reports mapsError and fdsError EACCES for another user's process", (context) => {
    if (!isRoot) context.skip(needsRoot);
    const script = `
      const table = require(process.env.ADDON).readProcessTable({ dev: 1, dir: '/dev/shm' });
      process.stdout.write(JSON.stringify(table.processes.find((p) => p.pid === Number(process.env.PARENT))));`;
    const parent = runAsNobody(script, { PARENT: String(process.pid) });
    expect(parent).toMatchObject({
      pid: process.pid,
      uid: 0,
      mappings: [],
      fds: [],
      mapsError: 'EACCES',
      fdsError: 'EACCES',
    });
  });

  it('does not count kernel threads as uninspected for a user who may not list their fd/', (context) => {
    if (!isRoot) context.skip(needsRoot);
    const kernelThreads = kernelThreadPids();
    if (kernelThreads.length === 0) context.skip('/proc shows no kernel threads in this PID namespace');
    // nobody cannot open a kernel thread's fd/ (EACCES), but a kernel thread has no fd table to hide.
    const script = `
      const table = require(process.env.ADDON).readProcessTable({ dev: 1, dir: '/dev/shm' });
      const pids = JSON.parse(process.env.PIDS);
      process.stdout.write(JSON.stringify(table.processes.filter((p) => pids.includes(p.pid))));`;
    const listed = runAsNobody(script, { PIDS: JSON.stringify(kernelThreads) }) as unknown[];
    expect(listed.length).toBeGreaterThan(0);
    for (const thread of listed)
      expect(thread).toMatchObject({ mappings: [], fds: [], mapsError: null, fdsError: null });
  });
});

/** PIDs whose stat has PF_KTHREAD (0x00200000) in its flags (field 9): kthreadd and its children. */
function kernelThreadPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]) & 0x00200000) !== 0;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/** Whether this process may make a private mount namespace with its own tmpfs (root, no seccomp block). */
function canMountTmpfs(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-probe-'));
  try {
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=64k none '${dir}'`], {
      stdio: 'ignore',
    });
    return probe.status === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('createSegment on a full tmpfs', () => {
  const mountable = canMountTmpfs();

  // The child fills a private 256 KiB tmpfs, then asks for a 1 MiB segment, which
  // ftruncate allows (sparse) but posix_fallocate of the marker page cannot.
  const childScript = `
    const fs = require('fs');
    const addon = require(process.env.ADDON);
    const dir = process.env.DIR;
    const fd = fs.openSync(dir + '/filler', 'w');
    try { for (;;) fs.writeSync(fd, Buffer.alloc(4096, 1)); } catch (e) { if (e.code !== 'ENOSPC') throw e; }
    fs.closeSync(fd);
    const results = [];
    for (const name of [null, 'pulse-shm-1']) {
      try { addon.createSegment(dir, name, 1024 * 1024, 0o600, process.pid); results.push({ code: null }); }
      catch (e) { results.push({ code: e.code, syscall: e.syscall }); }
    }
    process.stdout.write(JSON.stringify({ results, left: fs.readdirSync(dir) }));
  `;

  it('fails with ENOSPC and leaves nothing behind', (context) => {
    if (!mountable) context.skip('needs `unshare -m` and `mount -t tmpfs` (root, no seccomp filter)');
    const dir = makeTempDir();
    const run = spawnSync(
      'unshare',
      ['-m', 'sh', '-c', `mount -t tmpfs -o size=256k none "$DIR" && exec "$NODE" -e "$SCRIPT"`],
      {
        encoding: 'utf8',
        env: { ...process.env, DIR: dir, NODE: process.execPath, SCRIPT: childScript, ADDON: ADDON_PATH },
      },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      results: [
        { code: 'ENOSPC', syscall: 'posix_fallocate' },
        { code: 'ENOSPC', syscall: 'posix_fallocate' },
      ],
      left: ['filler'],
    });
  });
});
