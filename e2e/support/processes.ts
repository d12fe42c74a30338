/**
 * The real processes a test starts through bin/shm-inspector (servers, segment owners,
 * lab traffic), each tracked so that teardown stops every one of them, and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI, REPO_ROOT } from './paths';

/** Kept from a child's stderr for error messages. */
const STDERR_LIMIT = 8_000;
/** How long a child gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the stop request (or from start, for a child that ended by itself) to the exit. */
  afterMs: number;
}

/** One `node bin/shm-inspector ...`: its PID is the process that does the work (no shell in between). */
export class CliProcess {
  readonly pid: number;
  readonly lines: string[] = [];
  /** Resolves when the process has exited and been reaped. */
  readonly exited: Promise<Exit>;
  private stderr = '';
  private readonly waiters = new Set<() => void>();
  private exit: Exit | null = null;
  private stopStartedAt: number;

  constructor(
    readonly args: readonly string[],
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`could not start shm-inspector ${args.join(' ')}`);
    this.pid = child.pid;
    this.stopStartedAt = Date.now();
    // Reading every line to the end also keeps the pipe drained, so the child never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_LIMIT);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, afterMs: Date.now() - this.stopStartedAt };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === null;
  }

  describe(): string {
    const stderr = this.stderr.trim() === '' ? '(nothing on stderr)' : `stderr:\n${this.stderr.trim()}`;
    return `shm-inspector ${this.args.join(' ')} (PID ${this.pid}): ${stderr}`;
  }

  /** The first stdout line matching `pattern`, waiting up to `timeoutMs` for it. */
  async line(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (this.exit) {
        throw new Error(
          `exited (code ${this.exit.code}, signal ${this.exit.signal}) before printing ${pattern}: ${this.describe()}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(wake);
      });
    }
  }

  /** The first stdout line parsed as JSON (the commands' `--json` output is one line when piped). */
  async json<T>(timeoutMs?: number): Promise<T> {
    const [line] = await this.line(/^\{.*\}$/, timeoutMs);
    return JSON.parse(line) as T;
  }

  /** Sends `signal` and waits for the exit; SIGKILL if it does not come within the grace time. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.exit) return this.exit;
    this.stopStartedAt = Date.now();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

/** Every process one test started; `stopAll` at teardown. */
export class Children {
  private readonly started: CliProcess[] = [];

  /** Starts `node bin/shm-inspector ...args`, with `env` instead of this process's environment if given. */
  start(args: readonly string[], env?: NodeJS.ProcessEnv): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env } : {}),
    });
    const started = new CliProcess(args, child);
    this.started.push(started);
    return started;
  }

  /** Stops whatever still runs, in reverse order of start: a server outlives what it was started to watch. */
  async stopAll(): Promise<void> {
    for (const child of [...this.started].reverse()) await child.stop();
  }
}
