import { mkdtempSync, rmdirSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliArgv, firstLine, run, start, type RunOptions, type RunResult, type Running } from './processes';

/**
 * A small tmpfs of a test's own, mounted on a fresh directory in a private mount
 * namespace (a keeper process holds it), so that a test can fill a real filesystem up
 * without touching anyone else's. Seen from outside through /proc/<keeper>/root; commands
 * run inside with nsenter (mount namespace only). Gone with the keeper.
 */
export class SmallTmpfs {
  private constructor(
    private readonly keeper: Running,
    /** Where it is mounted, as seen inside the namespace. */
    readonly mountPoint: string,
  ) {}

  static async start(size: string): Promise<SmallTmpfs> {
    const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-small-tmpfs-'));
    const keeper = start([
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${size},mode=0755 small-test "$0" && echo ready && exec sleep infinity`,
      mountPoint,
    ]);
    const tmpfs = new SmallTmpfs(keeper, mountPoint);
    try {
      await firstLine(keeper, 30_000);
    } catch (error) {
      await tmpfs.stop();
      throw new Error(`cannot mount a small tmpfs (unshare -m and mount need root): ${(error as Error).message}`);
    }
    // Guard: never fill the filesystem the mount point's directory is on.
    if (statSync(tmpfs.outside('.')).dev === statSync(mountPoint).dev) {
      await tmpfs.stop();
      throw new Error('the small tmpfs is not mounted');
    }
    return tmpfs;
  }

  /** A path inside the tmpfs, as seen from outside the namespace. */
  outside(relative: string): string {
    return path.join(`/proc/${this.keeper.pid}/root`, this.mountPoint, relative);
  }

  /** A path inside the tmpfs, as seen by commands run inside the namespace. */
  inside(relative: string): string {
    return path.join(this.mountPoint, relative);
  }

  /** bin/shm-inspector run inside the namespace. */
  cli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run(['nsenter', '-t', String(this.keeper.pid), '-m', '--', ...cliArgv(args)], options);
  }

  freeBytes(): number {
    const stats = statfsSync(this.outside('.'));
    return stats.bavail * stats.bsize;
  }

  /** Writes a filler file that takes every free page, and checks that none is left. */
  fill(): void {
    writeFileSync(this.outside('filler'), Buffer.alloc(this.freeBytes()));
    if (this.freeBytes() !== 0) throw new Error(`fill: ${this.freeBytes()} bytes still free`);
  }

  async stop(): Promise<void> {
    await this.keeper.stop();
    rmdirSync(this.mountPoint);
  }
}
