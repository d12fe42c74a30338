import { readdirSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliArgv, firstLine, run, start, type RunOptions, type RunResult, type Running } from './processes';

export const PAGE_SIZE = 4096;

/**
 * A private /dev/shm: a keeper process in its own mount namespace with a fresh tmpfs on
 * /dev/shm. Commands run inside it with nsenter (mount namespace only, so PIDs, kill -9
 * and zombies behave as usual). The real /dev/shm may hold other programs' segments, so
 * everything that could remove PulseAudio segments (pulseaudio --cleanup-shm, a real
 * `clean`) runs in here, and so does anything that fills the filesystem up (a small
 * `size`, few `inodes`). The tmpfs disappears with the keeper.
 */
export class PrivateShm {
  private constructor(private readonly keeper: Running) {}

  static async start(options: { size?: string; inodes?: number } = {}): Promise<PrivateShm> {
    const mountOptions = [`size=${options.size ?? '512m'}`, ...(options.inodes ? [`nr_inodes=${options.inodes}`] : [])];
    const keeper = start([
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o ${mountOptions.join(',')} shm-test /dev/shm && echo ready && exec sleep infinity`,
    ]);
    const shm = new PrivateShm(keeper);
    try {
      await firstLine(keeper, 30_000);
    } catch (error) {
      await keeper.stop();
      throw new Error(
        `cannot make a private /dev/shm (unshare -m and mount need root, CAP_SYS_ADMIN): ${(error as Error).message}`,
      );
    }
    // Guard: never let a test believe the real /dev/shm is the private one.
    if (statSync(shm.outsidePath).dev === statSync('/dev/shm').dev) {
      await shm.stop();
      throw new Error('the private /dev/shm is the same filesystem as the real one');
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
    return `/proc/${this.keeper.pid}/root/dev/shm`;
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
  cli(args: readonly string[]): Promise<RunResult> {
    return this.run(cliArgv(args));
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
  }
}
