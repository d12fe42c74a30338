import path from 'node:path';
import { start, waitFor, type Running } from './processes';

const FAULT_GATE = path.join(__dirname, 'fault-gate.py');

function plain(file: string): string {
  if (!file.startsWith('/') || file.includes(':'))
    throw new Error(`fault gate: "${file}" must be absolute, without ":"`);
  return file;
}

/** What the gate does while it holds the first open or read (see fault-gate.py). */
export const gateAction = {
  unlink: (file: string): string => `unlink:${plain(file)}`,
  truncate: (file: string, bytes: number): string => `truncate:${plain(file)}:${bytes}`,
  chmod: (file: string, mode: number): string => `chmod:${plain(file)}:${mode.toString(8)}`,
  /** rename(2): `to` is replaced atomically. */
  rename: (from: string, to: string): string => `rename:${plain(from)}:${plain(to)}`,
  /** SIGKILL and wait for the zombie: only for a process whose parent does not reap it (hold-parent.py). */
  killToZombie: (pid: number): string => `kill:${pid}:zombie`,
  /** SIGKILL and wait until its parent has reaped it. */
  killAndReap: (pid: number): string => `kill:${pid}:gone`,
  /** A new process that holds `file` read-write with its own PID in the marker (FaultGate.owner). */
  startOwner: (file: string): string => `owner:${plain(file)}`,
};

/**
 * Injects a fault at an exact point of a scan, without timing: the kernel holds the
 * first open (or read) of `file` by any process, fault-gate.py carries out the actions,
 * then lets the open or read go ahead. An in-process scan blocks while held; the gate is
 * another process, so it goes on. Needs root (fanotify permission events).
 */
export class FaultGate {
  private constructor(private readonly process: Running) {}

  static async arm(event: 'open' | 'read', file: string, actions: readonly string[]): Promise<FaultGate> {
    const gate = new FaultGate(start(['python3', FAULT_GATE, event, plain(file), ...actions]));
    try {
      await gate.line(/^ready$/);
    } catch (error) {
      await gate.stop();
      throw error;
    }
    return gate;
  }

  private line(pattern: RegExp): Promise<string> {
    return waitFor(
      `fault gate output ${String(pattern)}`,
      () => {
        const lines = this.process.stdout().split('\n');
        const failed = lines.find((line) => line.startsWith('failed '));
        if (failed) throw new Error(`fault gate: ${failed}`);
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) return found;
        if (this.process.closed()) throw new Error(`fault gate exited: ${this.process.stderr().trim()}`);
        return undefined;
      },
      30_000,
    );
  }

  /**
   * The gate's own PID. While it holds an open it has an fd to the file (fanotify's event
   * fd), so a process table read meanwhile lists it as holding the file.
   */
  get pid(): number {
    return this.process.pid;
  }

  /** The PID of the process a startOwner action started; it runs until killed. */
  async owner(): Promise<number> {
    return Number((await this.line(/^owner \d+$/)).slice('owner '.length));
  }

  /** The PID whose open or read was held while the actions ran; fails if they failed. */
  async fired(): Promise<number> {
    return Number((await this.line(/^fired \d+$/)).slice('fired '.length));
  }

  /** Ends the gate; anything still held is let through as its fanotify fd closes. */
  async stop(): Promise<void> {
    await this.process.stop();
  }
}
