import { readdirSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliArgv, firstLine, run, start, type RunResult, type Running } from './processes';

export const PAGE_SIZE = 4096;

/**
 * A small private /dev/shm, to fill up: like PrivateShm (a keeper process in its own
 * mount namespace with a fresh tmpfs on /dev/shm, gone with the keeper), but with the
 * size and inode count a test asks for. The real /dev/shm is never filled.
 */
export class SmallShm {
  private constructor(private readonly keeper: Running) {}

  static async start(options: { size: string; inodes?: number }): Promise<SmallShm> {
    const mountOptions = [`size=${options.size}`, ...(options.inodes ? [`nr_inodes=${options.inodes}`] : [])].join(',');
    const keeper = start([
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o ${mountOptions} shm-fault-test /dev/shm && echo ready && exec sleep infinity`,
    ]);
    const shm = new SmallShm(keeper);
    try {
      await firstLine(keeper, 30_000);
    } catch (error) {
      await keeper.stop();
      throw new Error(`cannot make a private /dev/shm (needs root): ${(error as Error).message}`);
    }
    if (statSync(shm.outsidePath).dev === statSync('/dev/shm').dev) {
      await shm.stop();
      throw new Error('the private /dev/shm is the same filesystem as the real one');
    }
    return shm;
  }

  /** The private /dev/shm from outside (the kernel resolves /proc/<pid>/root into the namespace). */
  get outsidePath(): string {
    return `/proc/${this.keeper.pid}/root/dev/shm`;
  }

  /** bin/shm-inspector inside the namespace, where /dev/shm is this tmpfs. */
  cli(args: readonly string[]): Promise<RunResult> {
    return run(['nsenter', '-t', String(this.keeper.pid), '-m', '--', ...cliArgv(args)]);
  }

  startCli(args: readonly string[]): Running {
    return start(['nsenter', '-t', String(this.keeper.pid), '-m', '--', ...cliArgv(args)]);
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

  list(): string[] {
    return readdirSync(this.outsidePath).sort();
  }

  async stop(): Promise<void> {
    await this.keeper.stop();
  }
}
