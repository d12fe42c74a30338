/**
 * What the soak test (e2e/soak.spec.ts) drives and measures from outside: the churner
 * process that makes the load, the host's memory (resident set from /proc, heap through
 * Node's inspector protocol) and a page's JavaScript heap through the DevTools protocol.
 * Measurement only: nothing is evaluated in the page or the host.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { serverOf, type InspectorServer } from './fixtures';
import { CLI, REPO_ROOT } from './paths';
import { CliProcess } from './processes';

const CHURNER = path.join(REPO_ROOT, 'e2e', 'support', 'segment-churner.js');
/** The built typed front of the native addon, which the churner creates segments with. */
const NATIVE_FRONT = path.join(REPO_ROOT, 'dist', 'native', 'index.js');

/** The entry states the churner makes (foreign only in the final set). */
export type ChurnState = 'live' | 'stale' | 'no-marker' | 'foreign';

export interface Filled {
  event: 'filled';
  pid: number;
  count: number;
  created: number;
  removed: number;
  states: Record<ChurnState, number>;
}

export interface Churned {
  event: 'churned';
  seconds: number;
  created: number;
  removed: number;
  remarked: number;
  /** Segments present when the churn stopped. */
  inFlight: number;
}

export interface Final {
  event: 'final';
  pid: number;
  created: number;
  removed: number;
  remarked: number;
  final: Record<ChurnState, string[]>;
  removedSamples: string[];
}

/** e2e/support/segment-churner.js, with its stdin kept open: closing it ends the churner. */
export class Churner {
  readonly process: CliProcess;
  private readonly stdin: NodeJS.WritableStream;

  constructor(dir: string, count: number, churnSeconds: number) {
    const args = [CHURNER, dir, NATIVE_FRONT, String(count), String(churnSeconds)];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process = new CliProcess(['(segment-churner.js)', dir, String(count), String(churnSeconds)], child);
    this.stdin = child.stdin!;
  }

  /** The churner's report of one phase, waiting up to `timeoutMs` for it. */
  async event<T extends Filled | Churned | Final>(name: T['event'], timeoutMs: number): Promise<T> {
    const [line] = await this.process.line(new RegExp(`^\\{"event":"${name}".*\\}$`), timeoutMs);
    return JSON.parse(line) as T;
  }

  startChurn(): void {
    this.stdin.write('churn\n');
  }

  /** SIGTERM: the churner exits at once and leaves the directory as it is. */
  stop(): ReturnType<CliProcess['stop']> {
    return this.process.stop('SIGTERM');
  }
}

/** A process's resident set size and its peak so far, in bytes (/proc/<pid>/status VmRSS, VmHWM). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/**
 * The page's used JavaScript heap in bytes (DevTools Performance.getMetrics
 * JSHeapUsedSize), after a full garbage collection when `collect` is set, so that two
 * readings compare what is alive rather than when the collector last ran.
 */
export async function pageHeap(page: Page, collect: boolean): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    if (collect) await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
    if (!used) throw new Error('Performance.getMetrics reported no JSHeapUsedSize');
    return used.value;
  } finally {
    await cdp.detach();
  }
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Node's inspector protocol on a process started with --inspect: the one clean way to
 * force a full garbage collection from outside, so that two readings of the host's
 * memory compare what is alive, not when its collector last ran.
 */
export class NodeInspector {
  private nextId = 0;
  private readonly waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
  }

  static async connect(url: string): Promise<NodeInspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new NodeInspector(socket);
  }

  private call<T>(method: string): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (message) => {
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result as T);
      });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  /** Collects garbage, then reads the V8 heap in use, in bytes. */
  async heapAfterCollection(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    return (await this.call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }

  /** Must come before the process is stopped: Node waits at exit for an attached debugger to leave. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }
}

/**
 * `node --inspect=127.0.0.1:0 bin/shm-inspector serve --port 0 --dir DIR`: the browser host
 * as the fixtures start it, plus its inspector (loopback, a random port and path, for as
 * long as the test runs). The caller stops the process, after closing the inspector.
 */
export async function startInspectedServer(
  dir: string,
): Promise<{ server: InspectorServer; inspector: NodeInspector }> {
  const args = ['serve', '--port', '0', '--dir', dir];
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Attached before CliProcess reads stderr too: Node says there where its inspector listens.
  const inspectorUrl = new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`no inspector address on stderr: ${stderr}`)), 15_000);
    const read = (chunk: Buffer | string): void => {
      stderr += chunk.toString();
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stderr!.off('data', read);
      resolve(match[1]);
    };
    child.stderr!.on('data', read);
  });
  // Awaited below; a failure before that must not surface as an unhandled rejection.
  inspectorUrl.catch(() => undefined);
  const server = await serverOf(new CliProcess(['--inspect', ...args], child), dir, false);
  return { server, inspector: await NodeInspector.connect(await inspectorUrl) };
}
