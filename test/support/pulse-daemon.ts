import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrivateShm } from './private-shm';
import { firstLine, processState, run, stopAll, waitFor, type RunResult, type Running } from './processes';

const HOLD_PARENT = path.join(__dirname, 'hold-parent.py');

/**
 * A real PulseAudio daemon (reference §8) inside a private /dev/shm, started under
 * hold-parent.py so that after kill -9 it stays a zombie until reap() is called.
 */
export class PulseDaemon {
  private constructor(
    private readonly shm: PrivateShm,
    private readonly parent: Running,
    readonly pid: number,
    /** Environment for clients: the daemon's runtime dir and HOME, and PULSE_SERVER. */
    readonly env: NodeJS.ProcessEnv,
    private readonly dirs: string[],
  ) {}

  static async start(shm: PrivateShm, options: { memfd: boolean } = { memfd: false }): Promise<PulseDaemon> {
    const runtime = mkdtempSync(path.join(os.tmpdir(), 'shm-it-pulse-run-'));
    const home = mkdtempSync(path.join(os.tmpdir(), 'shm-it-pulse-home-'));
    const env = {
      ...process.env,
      XDG_RUNTIME_DIR: runtime,
      HOME: home,
      PULSE_SERVER: `unix:${runtime}/pulse/native`,
    };
    const parent = shm.start(
      [
        'python3',
        HOLD_PARENT,
        'pulseaudio',
        '-n',
        '--daemonize=no',
        '--exit-idle-time=-1',
        '--disallow-exit',
        `--enable-memfd=${options.memfd ? 'yes' : 'no'}`,
        '-L',
        'module-native-protocol-unix',
        '-L',
        'module-null-sink sink_name=nul',
      ],
      { env },
    );
    const pid = Number(await firstLine(parent));
    const daemon = new PulseDaemon(shm, parent, pid, env, [runtime, home]);
    try {
      await waitFor('the daemon to answer pactl info', async () => {
        if (processState(pid) === null || processState(pid) === 'Z') {
          throw new Error(`pulseaudio exited during start-up: ${parent.stderr()}`);
        }
        return (await daemon.pactl(['info'])).code === 0 ? true : undefined;
      });
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  /** A client command (pactl, paplay...) run inside the namespace against this daemon. */
  client(cmd: readonly string[]): Promise<RunResult> {
    return this.shm.run(cmd, { env: this.env });
  }

  pactl(args: readonly string[]): Promise<RunResult> {
    return this.client(['pactl', ...args]);
  }

  /** Starts paplay on the null sink and waits until the daemon lists its stream. */
  async play(wav: string): Promise<Running> {
    const paplay = this.shm.start(['paplay', '--device=nul', wav], { env: this.env });
    await waitFor('paplay to have a sink input', async () => {
      if (processState(paplay.pid) === null) throw new Error(`paplay exited: ${paplay.stderr()}`);
      return (await this.pactl(['list', 'short', 'sink-inputs'])).stdout.trim() !== '' ? true : undefined;
    });
    return paplay;
  }

  /** kill -9, and wait until the kernel shows the unreaped daemon as a zombie. */
  async killToZombie(): Promise<void> {
    process.kill(this.pid, 'SIGKILL');
    await waitFor(`PID ${this.pid} to become a zombie`, () => (processState(this.pid) === 'Z' ? true : undefined));
  }

  /** Lets the parent reap the (killed) daemon and exit. */
  async reap(): Promise<void> {
    const stdin = this.parent.child.stdin;
    if (stdin && !stdin.writableEnded) stdin.end('\n');
    await this.parent.exited;
  }

  /**
   * Stops the daemon and removes its temp dirs. The parent kills it before reaping; it
   * is still the parent's unreaped child until then, so its PID cannot have been reused.
   */
  async stop(): Promise<void> {
    await this.reap();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** A 30 s stereo sine tone (reference §8), long enough to outlast a test. */
export async function makeTone(dir: string): Promise<string> {
  const wav = path.join(dir, 'tone.wav');
  const result = await run(['sox', '-n', '-r', '44100', '-c', '2', wav, 'synth', '30', 'sine', '440']);
  if (result.code !== 0) throw new Error(`sox failed: ${result.stderr}`);
  return wav;
}

/**
 * A private /dev/shm with a real daemon in it and a tone for it to play: what the
 * PulseAudio tests of the hosts start. `stop` stops the daemon, every process the tests
 * started, and removes the rest; a start that fails cleans up what it made.
 */
export class PulseRig {
  private constructor(
    readonly shm: PrivateShm,
    readonly daemon: PulseDaemon,
    readonly tone: string,
    private readonly toneDir: string,
  ) {}

  static async start(options: { memfd: boolean }): Promise<PulseRig> {
    const shm = await PrivateShm.start();
    const toneDir = mkdtempSync(path.join(os.tmpdir(), 'shm-it-tone-'));
    let daemon: PulseDaemon | undefined;
    try {
      const tone = await makeTone(toneDir);
      daemon = await PulseDaemon.start(shm, options);
      return new PulseRig(shm, daemon, tone, toneDir);
    } catch (error) {
      await PulseRig.cleanUp(shm, daemon, toneDir);
      throw error;
    }
  }

  stop(): Promise<void> {
    return PulseRig.cleanUp(this.shm, this.daemon, this.toneDir);
  }

  private static async cleanUp(shm: PrivateShm, daemon: PulseDaemon | undefined, toneDir: string): Promise<void> {
    await daemon?.stop();
    await stopAll();
    await shm.stop();
    rmSync(toneDir, { recursive: true, force: true });
  }
}

/** PulseAudio's own cleanup (reference §3), run inside the private /dev/shm only. */
export async function pulseCleanupShm(shm: PrivateShm): Promise<RunResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'shm-it-pulse-home-'));
  try {
    return await shm.run(['pulseaudio', '--cleanup-shm'], {
      env: { ...process.env, HOME: home, XDG_RUNTIME_DIR: home },
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
