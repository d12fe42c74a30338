/**
 * The live engine's figures (issue 13 §5): the host's idle CPU, read from
 * /proc/<pid>/stat over IDLE_SECONDS with nothing changing and one subscriber; how long a
 * created, rewritten or removed segment takes to reach that subscriber; the first full
 * snapshot and the host's RSS. At 10,000 segments the same host with a /proc sweep every
 * second (the default before it became 3 s), and with the directory watch off (a full
 * rescan every second, what the engine did before), are measured beside it. The host is
 * the Inspector service in a process of its own (bench/live-host.ts), without the browser
 * host's HTTP and WebSocket layers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../protocol/channels';
import { createFixture, type Fixture } from './fixture';
import type { HostReply, HostRequest } from './live-host';

/**
 * One period of the service's safety sweep (a full scan every 60 s, SAFETY_SCAN_MS in
 * core/inspector/inspector-service.ts): a 20 s window holds one or none. At 100,000
 * segments, sampled each second, the same host's first 20 s averaged 0.35% of a core,
 * its first 60 s 4.1% (the full scan, about 1.9 s of CPU time, and a major GC).
 */
const IDLE_SECONDS = 60;
/**
 * How long a host is left after it served its first snapshot before its idle time is
 * measured: its first sweeps and pidfds, then V8's memory reducer, which collects the
 * start's garbage in a few major GCs some 10 to 30 s after the allocation stops (at
 * 10,000 segments with a page open, a tenth of a percent over the minute). What the
 * settling costs is reported beside the idle figure.
 */
export const SETTLE_MS = 30_000;
const LATENCY_ROUNDS = 21;
export const LIVE_ENGINE_TARGETS = { idle10k: 1, idle100k: 2, latencyMs: 30, firstSnapshot100kMs: 3000 };

export interface LiveEngineFigure {
  segments: number;
  mode: 'incremental' | 'sweep-1s' | 'full-rescan';
  /** % of one core, user + system, over the idle window. */
  idleCpuPercent: number;
  /** The same over the SETTLE_MS before the idle window (not counted in it). */
  settleCpuPercent: number;
  firstSnapshotMs: number;
  rssMb: number;
  latency: { createMs: number; removeMs: number; rewriteMs: number } | null;
  /** The longest event-loop stall while a plan-cleanup and a scan-now (full scans) were served. */
  requestStall: { maxDelayMs: number; idleMaxDelayMs: number; planMs: number; scanMs: number } | null;
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of its stat). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('VmRSS:'));
  return Number(line?.replace(/[^0-9]/g, '') ?? NaN) / 1024;
}

function nextReply(host: ChildProcess): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`the host exited (code ${code})`));
    host.once('exit', onExit);
    host.once('message', (reply: HostReply) => {
      host.off('exit', onExit);
      if (reply.kind === 'error') reject(new Error(reply.message));
      else resolve(reply);
    });
  });
}

export const TICKS_PER_SECOND = 100; // _SC_CLK_TCK on Linux

async function measureHost(
  fixture: Fixture,
  mode: LiveEngineFigure['mode'],
  withLatency: boolean,
): Promise<LiveEngineFigure> {
  const host = fork(path.join(__dirname, 'live-host.js'), [fixture.dir, mode], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await nextReply(host);
    if (ready.kind !== 'ready') throw new Error(`unexpected reply ${ready.kind}`);
    if (ready.items < fixture.expected.segments) {
      throw new Error(`the first snapshot listed ${ready.items} items, not ${fixture.expected.segments} segments`);
    }
    const pid = host.pid as number;
    // Let the start settle (SETTLE_MS), then measure idle.
    const settling = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const before = cpuTicks(pid);
    const settleCpuPercent = (100 * (before - settling)) / TICKS_PER_SECOND / (SETTLE_MS / 1000);
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const ticks = cpuTicks(pid) - before;
    const seconds = (Date.now() - startedAt) / 1000;
    const figure: LiveEngineFigure = {
      segments: fixture.expected.segments,
      mode,
      idleCpuPercent: (100 * ticks) / TICKS_PER_SECOND / seconds,
      settleCpuPercent,
      firstSnapshotMs: ready.firstSnapshotMs,
      rssMb: rssMb(pid),
      latency: null,
      requestStall: null,
    };
    if (withLatency) {
      const request: HostRequest = { kind: 'latency', rounds: LATENCY_ROUNDS, deadPid: fixture.deadPid };
      host.send(request);
      const reply = await nextReply(host);
      if (reply.kind !== 'latency') throw new Error(`unexpected reply ${reply.kind}`);
      const { createMs, removeMs, rewriteMs } = reply;
      figure.latency = { createMs, removeMs, rewriteMs };
    }
    if (mode === 'incremental') figure.requestStall = await measureRequestStall(host);
    return figure;
  } finally {
    host.kill('SIGKILL');
  }
}

/** Asks the host to serve a plan-cleanup and a scan-now at once, timing its event loop's longest stall meanwhile. */
async function measureRequestStall(host: ChildProcess): Promise<LiveEngineFigure['requestStall']> {
  const request: HostRequest = { kind: 'request-stall' };
  host.send(request);
  const reply = await nextReply(host);
  if (reply.kind !== 'request-stall') throw new Error(`unexpected reply ${reply.kind}`);
  const { maxDelayMs, idleMaxDelayMs, planMs, scanMs } = reply;
  return { maxDelayMs, idleMaxDelayMs, planMs, scanMs };
}

/** The request-stall figures, one line per fixture size (printed, not a target). */
function reportRequestStall(figures: readonly LiveEngineFigure[]): string[] {
  const lines: string[] = [];
  for (const { segments, requestStall } of figures) {
    if (requestStall === null) continue;
    lines.push(
      `  ${segments.toLocaleString('en-US')} segments: the host's event loop stalled at most ` +
        `${requestStall.maxDelayMs.toFixed(1)} ms while a plan-cleanup (${Math.round(requestStall.planMs)} ms) ` +
        `and a scan-now (${Math.round(requestStall.scanMs)} ms), each a full scan, were served ` +
        `(${requestStall.idleMaxDelayMs.toFixed(1)} ms over as long with nothing served)`,
    );
  }
  return lines.length === 0 ? [] : ['live engine: full scans on request, off the event loop', ...lines];
}

/** Builds the 10,000 and 100,000-segment fixtures in turn and measures the host on each. */
export async function benchLiveEngine(track: (dispose: () => void) => void): Promise<LiveEngineFigure[]> {
  const figures: LiveEngineFigure[] = [];
  for (const count of [10_000, 100_000]) {
    const fixture = await createFixture({ count, mappers: 4, perMapper: 8 }, track);
    try {
      figures.push(await measureHost(fixture, 'incremental', true));
      if (count === 10_000) {
        figures.push(await measureHost(fixture, 'sweep-1s', false));
        figures.push(await measureHost(fixture, 'full-rescan', true));
      }
    } finally {
      fixture.dispose();
    }
  }
  return figures;
}

const LABELS: Record<LiveEngineFigure['mode'], string> = {
  incremental: `incremental, /proc sweep ${DEFAULT_SETTINGS.rescanMs / 1000} s (default)`,
  'sweep-1s': 'incremental, /proc sweep 1 s',
  'full-rescan': 'baseline: full rescan every 1 s',
};

const verdict = (pass: boolean): string => (pass ? 'ok' : 'MISS');

export function reportLiveEngine(figures: readonly LiveEngineFigure[]): string {
  const lines = [
    `live engine: the host's idle CPU over ${IDLE_SECONDS} s (one subscriber, nothing changing), a change reaching the subscriber (median of ${LATENCY_ROUNDS}), first snapshot, RSS`,
    `  ${'segments'.padEnd(10)}${'engine'.padEnd(34)}${'idle CPU'.padStart(10)}${'create'.padStart(9)}${'rewrite'.padStart(9)}${'remove'.padStart(9)}${'snapshot'.padStart(10)}${'RSS'.padStart(9)}`,
  ];
  for (const figure of figures) {
    const ms = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(1)} ms`);
    lines.push(
      `  ${figure.segments.toLocaleString('en-US').padEnd(10)}${LABELS[figure.mode].padEnd(34)}` +
        `${`${figure.idleCpuPercent.toFixed(2)}%`.padStart(10)}${ms(figure.latency?.createMs).padStart(9)}` +
        `${ms(figure.latency?.rewriteMs).padStart(9)}${ms(figure.latency?.removeMs).padStart(9)}` +
        `${`${Math.round(figure.firstSnapshotMs)} ms`.padStart(10)}${`${figure.rssMb.toFixed(0)} MB`.padStart(9)}`,
    );
  }
  const incremental = (segments: number) => figures.find((f) => f.segments === segments && f.mode === 'incremental');
  const small = incremental(10_000);
  const large = incremental(100_000);
  if (small) {
    lines.push(
      `  target: idle <= ${LIVE_ENGINE_TARGETS.idle10k}% at 10,000: ${verdict(small.idleCpuPercent <= LIVE_ENGINE_TARGETS.idle10k)}; ` +
        `a change reaches the subscriber in <= ${LIVE_ENGINE_TARGETS.latencyMs} ms median: ${verdict(
          small.latency !== null &&
            Math.max(small.latency.createMs, small.latency.removeMs, small.latency.rewriteMs) <=
              LIVE_ENGINE_TARGETS.latencyMs,
        )}`,
    );
  }
  if (large) {
    lines.push(
      `  target: idle <= ${LIVE_ENGINE_TARGETS.idle100k}% at 100,000: ${verdict(large.idleCpuPercent <= LIVE_ENGINE_TARGETS.idle100k)}; ` +
        `first snapshot <= ${LIVE_ENGINE_TARGETS.firstSnapshot100kMs} ms: ${verdict(large.firstSnapshotMs <= LIVE_ENGINE_TARGETS.firstSnapshot100kMs)} ` +
        `(in-process subscriber; a page's: see the browser host's figures)`,
    );
  }
  lines.push(
    `  before each idle window, ${SETTLE_MS / 1000} s of settling (not counted): ` +
      figures
        .map((f) => `${f.settleCpuPercent.toFixed(2)}% (${f.segments.toLocaleString('en-US')}, ${LABELS[f.mode]})`)
        .join(', '),
  );
  lines.push(...reportRequestStall(figures));
  return lines.join('\n');
}
