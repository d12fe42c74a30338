/**
 * The world the cleanup properties run in: a scratch directory on the real /dev/shm
 * tmpfs, filled before each run from a generated description, and beside it a sentinel
 * directory that nothing may ever change. The sentinel holds the segments the scratch
 * directory links to (hard links and symlinks), and the working directory of the test
 * process, where every scratch name also exists as a twin: an unlink that resolved a
 * name against the wrong directory, or followed a link, shows up as a changed sentinel.
 *
 * Owners come from real processes: this process and a child (live), a zombie kept by a
 * parent that never reaps it, a process started after a segment's birth (PID reused),
 * and PIDs that exited or can never exist (stale). Fixtures are written with plain fs,
 * not with the addon under test.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapShared, unmap } from '../../native';
import type { SegmentState } from '../../protocol/scan-result';
import { afterAll, beforeAll } from 'vitest';
import { deadPid, firstLine, processState, start, stopAll, waitFor, type Running } from './processes';
import { MARKER_SIZE } from './segments';

/** Who the marker of a generated segment names. */
export type Owner = 'dead' | 'never' | 'self' | 'child' | 'zombie';

/** One generated directory entry, before it is given a name. */
export type EntrySpec =
  /** A segment file of its own: data plus a valid marker naming `owner`. */
  | { type: 'segment'; owner: Owner; held: boolean; dataSize: number }
  /** A hard link to a sentinel segment whose marker PID now belongs to a younger process. */
  | { type: 'reused-link'; held: boolean }
  /** A hard link to a sentinel segment whose owner can never exist. */
  | { type: 'stale-link'; held: boolean }
  /** A file whose marker PulseAudio would not trust. */
  | { type: 'bad-marker'; held: boolean; marker: 'short' | 'wrong-magic' | 'zero-pid' | 'negative-pid' }
  /** A file with arbitrary bytes (never a valid marker). */
  | { type: 'plain'; held: boolean; content: Uint8Array }
  | { type: 'symlink'; target: 'sentinel-segment' | 'sentinel-dir' | 'relative-escape' | 'dangling' | 'itself' }
  /** A directory holding a stale segment and a plain file. */
  | { type: 'subdir' }
  | { type: 'fifo' };

export interface NamedSpec {
  name: string;
  spec: EntrySpec;
}

/** An entry as built, with what the rules of README "States" say about it. */
export interface BuiltEntry {
  name: string;
  spec: EntrySpec;
  /** A regular file: the only kind cleanup may ever remove. */
  regular: boolean;
  /** The state the design calls for, worked out from the description (not from a scan). */
  state: SegmentState;
  /** Mapped by this process: a live holder. */
  held: boolean;
}

export interface Fixture {
  entries: BuiltEntry[];
  byName: Map<string, BuiltEntry>;
}

/** `pulse-shm-<u32>` (README "States"; what classify-segment calls PulseAudio's names). */
export function isPulseName(name: string): boolean {
  const match = /^pulse-shm-([0-9]{1,10})$/.exec(name);
  return match !== null && Number(match[1]) <= 0xffffffff;
}

/** Whether `name` can name one entry of a directory, judged with Node's own UTF-8 count. */
export function isEntryName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.includes('/') &&
    !name.includes('\0') &&
    name !== '.' &&
    name !== '..' &&
    Buffer.byteLength(name, 'utf8') <= 255
  );
}

/** What a name written to disk reads back as: only well-formed UTF-16 survives unchanged. */
export function isDiskName(name: string): boolean {
  return isEntryName(name) && Buffer.from(name, 'utf8').toString('utf8') === name;
}

const MARKER_MAGIC = 0xbeefcafe;

function marker(magic: number, pid: number): Buffer {
  const bytes = Buffer.alloc(MARKER_SIZE);
  bytes.writeUInt32LE(magic, 0);
  bytes.writeInt32LE(pid, 4);
  return bytes;
}

function segmentBytes(dataSize: number, pid: number, magic = MARKER_MAGIC): Buffer {
  return Buffer.concat([Buffer.alloc(dataSize), marker(magic, pid)]);
}

/** Whether the entry is a hard link to a sentinel segment (all links of one type share an inode). */
export const isLink = (spec: EntrySpec): boolean => spec.type === 'reused-link' || spec.type === 'stale-link';

/** The design's verdict for an entry (README "States"), independent of the engine. */
function designedState(name: string, spec: EntrySpec): SegmentState {
  const regular = !['symlink', 'subdir', 'fifo'].includes(spec.type);
  if (!regular || !isPulseName(name)) return 'foreign';
  switch (spec.type) {
    case 'segment':
      return spec.owner === 'self' || spec.owner === 'child'
        ? 'live'
        : spec.owner === 'zombie'
          ? 'stale-zombie'
          : 'stale';
    case 'reused-link':
      return 'stale-pid-reused';
    case 'stale-link':
      return 'stale';
    default:
      return 'no-marker';
  }
}

/** A stable description of a tree: one line per path with type, inode, mode, size, mtime and content. */
export function describeTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (relative: string): void => {
    const full = path.join(root, relative);
    const stats = lstatSync(full);
    const head = `${stats.ino} ${stats.mode.toString(8)} ${stats.size} ${stats.mtimeMs}`;
    if (stats.isSymbolicLink()) out.set(relative, `link ${head} -> ${readlinkSync(full)}`);
    else if (stats.isFile()) {
      out.set(relative, `file ${head} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    } else if (stats.isDirectory()) {
      out.set(relative, `dir ${head}`);
      for (const name of readdirSync(full).sort()) walk(path.join(relative, name));
    } else out.set(relative, `other ${head}`);
  };
  walk('.');
  return out;
}

/** Each top-level entry of `dir` with its full description (for a directory, its whole subtree). */
export function describeEntries(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    out.set(
      name,
      lstatSync(full).isDirectory()
        ? [...describeTree(full)].map((line) => line.join(' ')).join('\n')
        : (describeTree(full).get('.') ?? ''),
    );
  }
  return out;
}

/** pid_max itself: PIDs are always below it, so no process can ever have it and its segments stay stale. */
function impossiblePid(): number {
  return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
}

/** Forks a child that exits at once and never reaps it: the child stays a zombie until we stop. */
const ZOMBIE_KEEPER = `
import os, sys
pid = os.fork()
if pid == 0:
    os._exit(0)
print(pid, flush=True)
sys.stdin.read()
`;

export class CleanupWorld {
  /** Fixed entries of the sentinel directory, relative to it. */
  readonly staleTemplate = 'templates/pulse-shm-1';
  readonly reusedTemplate = 'templates/pulse-shm-2';
  /** Files that sit in the working directory whatever the run: names a hostile --force might try. */
  readonly decoys = ['passwd', 'x', 'b', 'pulse-shm-3'];
  private twins: string[] = [];
  private mappings: number[] = [];
  private previousCwd = '';

  private constructor(
    readonly scratch: string,
    readonly sentinel: string,
    private readonly processes: Running[],
    readonly pids: { child: number; zombie: number; newcomer: number; never: number },
  ) {}

  /** Makes both directories and the owner processes; takes about 1.5 s (a PID must look reused). */
  static async start(): Promise<CleanupWorld> {
    const scratch = mkdtempSync(`/dev/shm/shm-inspector-prop-${process.pid}-`);
    const sentinel = mkdtempSync(`/dev/shm/shm-inspector-sentinel-${process.pid}-`);
    mkdirSync(path.join(sentinel, 'templates'));
    mkdirSync(path.join(sentinel, 'cwd'));
    const never = impossiblePid();
    writeFileSync(path.join(sentinel, 'templates/pulse-shm-1'), segmentBytes(4096, never), { mode: 0o600 });
    const reused = path.join(sentinel, 'templates/pulse-shm-2');
    writeFileSync(reused, segmentBytes(4096, never), { mode: 0o600 });
    writeFileSync(path.join(sentinel, 'templates/notes'), 'must never change');

    const child = start(['sleep', '3600']);
    const keeper = start(['python3', '-c', ZOMBIE_KEEPER]);
    const zombie = Number(await firstLine(keeper));
    await waitFor(`PID ${zombie} to be a zombie`, () => (processState(zombie) === 'Z' ? true : undefined));
    // The classifier allows one second between a segment's birth and its owner's start.
    await sleep(1300);
    const newcomer = start(['sleep', '3600']);
    const tail = marker(MARKER_MAGIC, newcomer.pid);
    writeFileSync(reused, Buffer.concat([Buffer.alloc(4096), tail]));

    const world = new CleanupWorld(scratch, sentinel, [child, keeper, newcomer], {
      child: child.pid,
      zombie,
      newcomer: newcomer.pid,
      never,
    });
    for (const decoy of world.decoys) writeFileSync(path.join(world.cwd, decoy), `decoy ${decoy}`);
    world.previousCwd = process.cwd();
    process.chdir(world.cwd);
    return world;
  }

  /** The test process's working directory while the world runs: where a relative unlink would land. */
  get cwd(): string {
    return path.join(this.sentinel, 'cwd');
  }

  /** Builds the entries in the (empty) scratch directory, and their twins in the working directory. */
  build(specs: readonly NamedSpec[]): Fixture {
    // A process that has just exited and been reaped (spawned only when a run needs one).
    const dead = specs.some(({ spec }) => spec.type === 'segment' && spec.owner === 'dead') ? deadPid() : 0;
    const pidOf: Record<Owner, number> = {
      dead,
      never: this.pids.never,
      self: process.pid,
      child: this.pids.child,
      zombie: this.pids.zombie,
    };
    const entries: BuiltEntry[] = [];
    for (const { name, spec } of specs) {
      const file = path.join(this.scratch, name);
      const held = 'held' in spec && spec.held;
      switch (spec.type) {
        case 'segment':
          writeFileSync(file, segmentBytes(spec.dataSize, pidOf[spec.owner]), { mode: 0o600 });
          break;
        case 'reused-link':
          linkSync(path.join(this.sentinel, this.reusedTemplate), file);
          break;
        case 'stale-link':
          linkSync(path.join(this.sentinel, this.staleTemplate), file);
          break;
        case 'bad-marker': {
          const bytes = {
            short: Buffer.alloc(10, 1),
            'wrong-magic': segmentBytes(100, this.pids.never, 0xdeadbeef),
            'zero-pid': segmentBytes(100, 0),
            'negative-pid': segmentBytes(100, -5),
          }[spec.marker];
          writeFileSync(file, bytes, { mode: 0o600 });
          break;
        }
        case 'plain': {
          const bytes = Buffer.from(spec.content);
          // Arbitrary bytes must not happen to end in a valid marker.
          if (bytes.length >= MARKER_SIZE && bytes.readUInt32LE(bytes.length - MARKER_SIZE) === MARKER_MAGIC) {
            bytes.writeUInt32LE(MARKER_MAGIC ^ 1, bytes.length - MARKER_SIZE);
          }
          writeFileSync(file, bytes, { mode: 0o644 });
          break;
        }
        case 'symlink': {
          const target = {
            'sentinel-segment': path.join(this.sentinel, this.staleTemplate),
            'sentinel-dir': this.sentinel,
            'relative-escape': path.join('..', path.basename(this.sentinel), this.staleTemplate),
            dangling: 'no-such-target',
            itself: name,
          }[spec.target];
          symlinkSync(target, file);
          break;
        }
        case 'subdir':
          mkdirSync(file);
          writeFileSync(path.join(file, 'pulse-shm-4'), segmentBytes(64, this.pids.never), { mode: 0o600 });
          writeFileSync(path.join(file, 'inner'), 'inside a subdirectory');
          break;
        case 'fifo': {
          const made = spawnSync('mkfifo', [file]);
          if (made.status !== 0) throw new Error(`mkfifo ${file} failed: ${String(made.stderr)}`);
          break;
        }
      }
      if (held) this.hold(file);
      entries.push({
        name,
        spec,
        regular: !['symlink', 'subdir', 'fifo'].includes(spec.type),
        state: designedState(name, spec),
        held,
      });
      const twin = path.join(this.cwd, name);
      if (!this.decoys.includes(name)) {
        writeFileSync(twin, `twin of ${name}`);
        this.twins.push(twin);
      }
    }
    // Hard links share their inode, and so its holders: one held link holds its siblings.
    const heldTypes = new Set(entries.filter((entry) => entry.held).map((entry) => entry.spec.type));
    for (const entry of entries) {
      if (isLink(entry.spec)) entry.held ||= heldTypes.has(entry.spec.type);
    }
    return { entries, byName: new Map(entries.map((entry) => [entry.name, entry])) };
  }

  /** Maps a file shared and read-only from this process, which then holds it until reset(). */
  hold(file: string): void {
    const fd = openSync(file, 'r');
    try {
      this.mappings.push(mapShared(fd, lstatSync(file).size, false));
    } finally {
      closeSync(fd);
    }
  }

  /** Unmaps, empties the scratch directory and removes the twins: ready for the next run. */
  reset(): void {
    for (const handle of this.mappings.splice(0)) unmap(handle);
    for (const name of readdirSync(this.scratch))
      rmSync(path.join(this.scratch, name), { recursive: true, force: true });
    for (const twin of this.twins.splice(0)) rmSync(twin, { force: true });
  }

  /** Every path a hostile name might reach outside the scratch directory, described. */
  describeOutside(): Map<string, string> {
    return describeTree(this.sentinel);
  }

  async stop(): Promise<void> {
    if (this.previousCwd) process.chdir(this.previousCwd);
    for (const handle of this.mappings.splice(0)) unmap(handle);
    await Promise.all(this.processes.map((running) => running.stop()));
    rmSync(this.scratch, { recursive: true, force: true });
    rmSync(this.sentinel, { recursive: true, force: true });
  }
}

/**
 * One CleanupWorld for the whole test file: started before its tests and handed to
 * `use`, stopped after them, with every process they started.
 */
export function cleanupWorldForFile(use: (world: CleanupWorld) => void): void {
  let world: CleanupWorld | undefined;
  beforeAll(async () => {
    world = await CleanupWorld.start();
    use(world);
  });
  afterAll(async () => {
    await world?.stop();
    await stopAll();
  });
}
