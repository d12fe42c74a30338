import { mkdtempSync, readdirSync, rmdirSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliArgv, firstLine, run, start, type RunOptions, type RunResult, type Running } from './processes';

export const PAGE_SIZE = 4096;

export interface PrivateShmOptions {
  size?: string;
  inodes?: number;
  /** Mount on a fresh directory in the temporary directory instead of /dev/shm (for a small disk to fill). */
  freshMountPoint?: boolean;
}

/**
 * A private /dev/shm: a keeper process in its own mount namespace with a fresh tmpfs on
 * /dev/shm (or on a fresh directory). Commands run inside it with nsenter (mount
 * namespace only, so PIDs, kill -9 and zombies behave as usual). The real /dev/shm may
 * hold other programs' segments, so everything that could remove PulseAudio segments
 * (pulseaudio --cleanup-shm, a real `clean`) runs in here, and so does anything that
 * fills a filesystem up (a small `size`, few `inodes`). The tmpfs disappears with the keeper.
 */
export class PrivateShm {
  private constructor(
    private readonly keeper: Running,
    /** Where the tmpfs is mounted, as commands inside the namespace see it. */
    readonly mountPoint: string,
    private readonly ownsMountPoint: boolean,
  ) {}

  static async start(options: PrivateShmOptions = {}): Promise<PrivateShm> {
    const mountOptions = [`size=${options.size ?? '512m'}`, ...(options.inodes ? [`nr_inodes=${options.inodes}`] : [])];
    const fresh = options.freshMountPoint === true;
    const mountPoint = fresh ? mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-tmpfs-')) : '/dev/shm';
    const keeper = start([
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o ${mountOptions.join(',')},mode=${fresh ? '0755' : '1777'} shm-test "$0" && echo ready && exec sleep infinity`,
      mountPoint,
    ]);
    const shm = new PrivateShm(keeper, mountPoint, fresh);
    try {
      await firstLine(keeper, 30_000);
    } catch (error) {
      await shm.stop();
      throw new Error(
        `cannot make a private /dev/shm (unshare -m and mount need root, CAP_SYS_ADMIN): ${(error as Error).message}`,
      );
    }
    // Guard: never let a test believe the real directory is the private tmpfs.
    if (statSync(shm.outsidePath).dev === statSync(mountPoint).dev) {
      await shm.stop();
      throw new Error(`the private tmpfs is the same filesystem as the real ${mountPoint}`);
    }
    return shm;
  }

  get pid(): number {
    return this.keeper.pid;
  }

  /**
   * The private /dev/shm as seen from outside, for reading and writing files by name.
   * The kernel resolves /proc/<pid>/root into the namespace; Node's realpath does not
   * (it yields /dev/shm), so never give this path to a CLI `clean --dir`.
   */
  get outsidePath(): string {
    return `/proc/${this.keeper.pid}/root${this.mountPoint}`;
  }

  /** A path inside the tmpfs, as seen from outside (see outsidePath). */
  outside(relative: string): string {
    return path.join(this.outsidePath, relative);
  }

  /** The argv prefix that runs a command inside the namespace. */
  inside(cmd: readonly string[]): string[] {
    return ['nsenter', '-t', String(this.keeper.pid), '-m', '--', ...cmd];
  }

  run(cmd: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run(this.inside(cmd), options);
  }

  start(cmd: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Running {
    return start(this.inside(cmd), options);
  }

  /** bin/shm-inspector run inside the namespace (so its /dev/shm is the private one). */
  cli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.run(cliArgv(args), options);
  }

  freeBytes(): number {
    const stats = statfsSync(this.outsidePath);
    return stats.bavail * stats.bsize;
  }

  /** Writes a filler file so that exactly `leave` bytes (whole pages) stay free. */
  fill(leave = 0): void {
    if (leave % PAGE_SIZE !== 0) throw new Error('fill: leave whole pages');
    writeFileSync(path.join(this.outsidePath, 'filler'), Buffer.alloc(this.freeBytes() - leave));
    if (this.freeBytes() !== leave) throw new Error(`fill: ${this.freeBytes()} bytes free, wanted ${leave}`);
  }

  /** Names in the private /dev/shm, sorted. */
  list(): string[] {
    return readdirSync(this.outsidePath).sort();
  }

  async stop(): Promise<void> {
    await this.keeper.stop();
    if (this.ownsMountPoint) rmdirSync(this.mountPoint);
  }
}
