import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { staleTargets } from '../../scripts/build-targets';

const ROOT = path.resolve(__dirname, '..', '..');

/** The CLI as users run it: bin/shm-inspector runs the bundle dist/bin/shm-inspector.js. */
export const CLI = path.join(ROOT, 'bin', 'shm-inspector');

/** A build output missing, or older than a source it is made from: what cliArgv refuses. */
function buildProblem(): string | null {
  const stale = staleTargets(ROOT, ['addon', 'cli']);
  return stale.map((target) => `${target.output}: ${target.reason}`).join('; ') || null;
}

let checkedBuild: string | null | undefined;

/**
 * The argv that runs the CLI. Refuses when a build output is missing or older than its
 * sources (scripts/build-targets.js, the check bin/shm-inspector makes): the CLI would
 * then rebuild it, racing other tests, and the tests do not build.
 */
export function cliArgv(args: readonly string[]): string[] {
  checkedBuild ??= buildProblem();
  if (checkedBuild) throw new Error(`${checkedBuild}: build first (npm run build); the tests do not build`);
  return [CLI, ...args];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed with SIGKILL after this long, so a hung command fails the test instead of stalling it. */
  timeoutMs?: number;
}

/** Runs a command to completion without a terminal (stdin is /dev/null); never rejects on a non-zero exit. */
export function run(cmd: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = cmd;
  if (file === undefined) throw new Error('run: empty command');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The PID of a process that has exited and been reaped: no process has it now. */
export function deadPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined || child.status !== 0) throw new Error('could not run `true` to get a dead PID');
  return child.pid;
}

/** A long-running child started by a test; every one is stopped by stopAll(). */
export interface Running {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited and Node has reaped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** True once it has exited and its output has been read to the end. */
  closed(): boolean;
  /** SIGKILL unless it has already exited, then wait for the exit. */
  stop(): Promise<void>;
}

const running = new Set<Running>();

export function start(cmd: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Running {
  const [file, ...args] = cmd;
  if (file === undefined) throw new Error('start: empty command');
  const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${cmd.join(' ')}`);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      running.delete(handle);
      resolve({ code, signal });
    });
  });
  const handle: Running = {
    child,
    pid: child.pid,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    closed: () => done,
    async stop() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
  running.add(handle);
  return handle;
}

/** Stops every child still running (for afterEach/afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((process) => process.stop()));
}

/** Polls `check` until it returns a value other than undefined; fails with `what` after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The complete lines a child has written on stdout so far. */
export function linesOf(process: Running): string[] {
  return process.stdout().split('\n').slice(0, -1);
}

/** The `index`th (from 0) complete line a child writes on stdout; fails if it exits first. */
export function nthLine(process: Running, index: number, timeoutMs = 15_000): Promise<string> {
  return waitFor(
    `line ${index + 1} from PID ${process.pid}`,
    () => {
      const line = linesOf(process)[index];
      if (line !== undefined) return line;
      if (process.closed()) {
        throw new Error(`PID ${process.pid} exited before line ${index + 1}; stderr: ${process.stderr().trim()}`);
      }
      return undefined;
    },
    timeoutMs,
  );
}

/** The first complete line a child writes on stdout; fails if it exits without one. */
export function firstLine(process: Running, timeoutMs = 15_000): Promise<string> {
  return nthLine(process, 0, timeoutMs);
}

/** The state letter of /proc/<pid>/stat (field 3: Z = zombie), or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}
