/**
 * `npm run bench`: the engine's full scan against a C program doing only the system
 * calls, and the whole CLI command against `lsof +D`, on 2,000 and 10,000 marked
 * segments with a few live mappers; then decoding a 1,024-slot pool and the srbchannel
 * sampler's cost per channel per sample against bare preads of the same bytes
 * (bench/pool-bench.ts). Speed is reported as ratios against baselines run
 * in the same run, never as absolute limits. The engine's scan is timed as wall time, what
 * a user waits for; the addon reads /proc on a second thread meanwhile, so the scan's CPU
 * time (all threads) is reported beside it. The engine is timed in a process of its own
 * that starts no other (bench/engine-runner.ts says why). Then the live state on 10,000 segments:
 * the patch one change makes and what it costs to get and apply (bench/patch-bench.ts),
 * and the renderer's frame time in chromium while changes stream in at 4 Hz
 * (bench/frame-bench.ts); their targets are the issue's absolute ones (a patch under
 * 2 KB, a median frame within 60 Hz), the idle page measured alongside as the baseline.
 * Last, the live engine (bench/live-bench.ts): the host's idle CPU at 10,000 and 100,000
 * segments, a change reaching a subscriber, the first snapshot and RSS, with a full
 * rescan every second measured beside it at 10,000 as the baseline. Then the browser host
 * with a real page open (bench/page-bench.ts): its idle CPU at 10,000 and 100,000
 * segments, the page counting all 100,000 rows, and the host's RSS.
 * `npm run bench -- <part>...` runs only the parts named (scan, pools, live, engine, page).
 * A MISS is a finding, not a failure: the exit code is non-zero only when something
 * could not run (chromium not launching included) or gave a wrong answer.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MARKER_SIZE } from '../protocol/limits';
import type { ScanResult } from '../protocol/scan-result';
import { scanProblems } from './check-scan';
import type { EngineReply, EngineRequest } from './engine-runner';
import { createFixture, FIXTURE_PREFIX, SEGMENT_DATA_SIZE, type Fixture, type FixtureExpectation } from './fixture';
import { benchFrames, reportFrames, type FrameBenchResult } from './frame-bench';
import { benchLiveEngine, reportLiveEngine, type LiveEngineFigure } from './live-bench';
import { benchPage, reportPage, type PageFigure } from './page-bench';
import { benchPatches, reportPatches, type PatchBenchResult } from './patch-bench';
import { benchPools, reportPools, type PoolBenchResult } from './pool-bench';
import {
  betweenRounds,
  cell,
  infoRatioRow,
  median,
  ratioRow,
  timeMs,
  timing,
  timingHeader,
  timingRow,
  type Timing,
} from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, 'bench', 'out');
const BASELINE_SOURCE = path.join(ROOT, 'bench', 'baseline.c');
const BASELINE_BINARY = path.join(OUT_DIR, 'baseline');
const CLI = path.join(ROOT, 'bin', 'shm-inspector');
const ADDON = path.join(ROOT, 'native', 'build', 'Release', 'shm_inspector.node');

const SIZES = [2000, 10000];
/** Segments of the live-state part: patches, and the renderer's frames while they flow. */
const LIVE_SEGMENTS = 10000;
const MAPPERS = 4;
const PER_MAPPER = 8;
const ENGINE_TARGET = 1.5;
const CLI_TARGET = 1.0;
/** Runs of each whole command, in alternation: a median of few would move with the machine's noise. */
const COMMAND_RUNS = 9;
/** Where the timed commands write: see timeCommand. */
const DEV_NULL = openSync('/dev/null', 'w');
/** Far above the pretty-printed JSON of 10,000 segments (about 8 MB). */
const MAX_OUTPUT = 1024 * 1024 * 1024;

interface SizeResult {
  segments: number;
  mappers: number;
  processes: number;
  engine: Timing;
  /** CPU time of the same scans (user + system, every thread of this process): the addon reads /proc on a second thread. */
  engineCpu: Timing;
  /** The C baseline of the target: the minimal system calls. */
  baseline: Timing & { filesMs: number; procMs: number };
  /** C reading the same data as the engine (birth time, data ranges, /proc stat, fdinfo): breakdown only. */
  sameDataC: Timing & { filesMs: number; procMs: number };
  cli: Timing;
  lsof: Timing;
  /** Medians of the engine's steps, timed one by one as scanShmSnapshot runs them. */
  breakdownMs: Record<string, number>;
  ratios: { engineOverBaseline: number; engineCpuOverBaseline: number; cliOverLsof: number };
  /** 1-minute load average before and after: other work on the machine makes every number noisier. */
  loadAverage: { before: number; after: number };
  targets: {
    engine: { max: number; pass: boolean };
    cli: { max: number; pass: boolean };
  };
}

const problems: string[] = [];
/** Removes the fixture being built or measured; set as soon as it has a directory. */
let disposeActive: (() => void) | null = null;

/** Runs the engine and the C baseline enough times for a stable median. */
function runsFor(segments: number): number {
  return segments <= 2000 ? 30 : 15;
}

/** Records what is wrong with a scan's judgement of the fixture; a wrong answer makes the run fail. */
function checkScan(what: string, result: Pick<ScanResult, 'segments'>, expected: FixtureExpectation): void {
  problems.push(...scanProblems(what, result, expected));
}

function compileBaseline(): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', BASELINE_BINARY, BASELINE_SOURCE], {
    encoding: 'utf8',
  });
  if (gcc.error || gcc.status !== 0) {
    throw new Error(`gcc could not build the baseline: ${gcc.error?.message ?? gcc.stderr}`);
  }
}

interface BaselineOutput {
  filesNs: number[];
  procNs: number[];
  totalNs: number[];
  entries: number;
  markers: number;
  processes: number;
}

type BaselineMode = 'minimal' | 'engine';

/** One timed iteration of the C baseline (after one untimed one), in ms per phase. */
function runBaseline(dir: string, mode: BaselineMode, expected: FixtureExpectation): BaselineOutput {
  const run = spawnSync(BASELINE_BINARY, [dir, '1', '1', mode], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`the C baseline failed: ${run.error?.message ?? run.stderr}`);
  const output = JSON.parse(run.stdout) as BaselineOutput;
  if (output.entries !== expected.segments || output.markers !== expected.segments) {
    throw new Error(
      `C baseline: expected ${expected.segments} marked entries, saw ${output.entries} (${output.markers})`,
    );
  }
  return output;
}

interface InProcessTimings {
  engine: Timing;
  engineCpu: Timing;
  baseline: SizeResult['baseline'];
  sameDataC: SizeResult['sameDataC'];
  breakdownMs: Record<string, number>;
  processes: number;
}

/** The engine's runner process (engine-runner.ts), asked one request at a time. */
class EngineRunner {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(path.join(__dirname, 'engine-runner.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  ask<K extends EngineRequest['kind']>(request: EngineRequest & { kind: K }): Promise<EngineReply & { kind: K }> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the engine runner exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: EngineReply) => {
        this.child.off('exit', onExit);
        if (reply.kind === 'error') reject(new Error(`the engine runner failed: ${reply.message}`));
        else if (reply.kind !== request.kind)
          reject(new Error(`the engine runner answered ${reply.kind} to ${request.kind}`));
        else resolve(reply as EngineReply & { kind: K });
      });
      this.child.send(request);
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

/**
 * The engine (in its runner process) and the C baselines in alternation, one run of each
 * per round, so that a change of load on the machine (other builds, tests) weighs on all
 * of them alike.
 */
async function measureScans(dir: string, runs: number, expected: FixtureExpectation): Promise<InProcessTimings> {
  const runner = new EngineRunner();
  try {
    problems.push(...(await runner.ask({ kind: 'check', dir, expected })).problems);
    const engine: number[] = [];
    const engineCpu: number[] = [];
    const steps: Record<string, number[]> = {};
    const baselines: Record<BaselineMode, { files: number[]; proc: number[]; total: number[] }> = {
      minimal: { files: [], proc: [], total: [] },
      engine: { files: [], proc: [], total: [] },
    };
    let processes = 0;
    for (let round = 0; round < runs; round++) {
      await betweenRounds();
      const { wallMs, cpuMs, stepsMs } = await runner.ask({ kind: 'round', dir });
      engine.push(wallMs);
      engineCpu.push(cpuMs);
      for (const [step, ms] of Object.entries(stepsMs)) (steps[step] ??= []).push(ms);
      for (const mode of ['minimal', 'engine'] as const) {
        const output = runBaseline(dir, mode, expected);
        const samples = baselines[mode];
        samples.files.push(...output.filesNs.map((ns) => ns / 1e6));
        samples.proc.push(...output.procNs.map((ns) => ns / 1e6));
        samples.total.push(...output.totalNs.map((ns) => ns / 1e6));
        processes = output.processes;
      }
    }
    return summarize(engine, engineCpu, baselines, steps, processes);
  } finally {
    runner.stop();
  }
}

function summarize(
  engine: number[],
  engineCpu: number[],
  baselines: Record<BaselineMode, { files: number[]; proc: number[]; total: number[] }>,
  steps: Record<string, number[]>,
  processes: number,
): InProcessTimings {
  const phases = (mode: BaselineMode): SizeResult['baseline'] => ({
    ...timing(baselines[mode].total),
    filesMs: median(baselines[mode].files),
    procMs: median(baselines[mode].proc),
  });
  return {
    engine: timing(engine),
    engineCpu: timing(engineCpu),
    baseline: phases('minimal'),
    sameDataC: phases('engine'),
    breakdownMs: Object.fromEntries(Object.entries(steps).map(([step, values]) => [step, median(values)])),
    processes,
  };
}

/** Runs a command once, untimed, and returns its stdout, to check what it found. */
function captureCommand(command: string, args: string[], okStatus: readonly number[]): string {
  return runCommand(command, args, okStatus, 'pipe').stdout;
}

/**
 * A command's wall time as a whole process, its stdout going to /dev/null, as hyperfine
 * times commands: reading 5 MB of JSON through a pipe into this process's strings costs
 * this process about 90 ms at 10,000 segments, which is the bench's time, not the
 * command's. lsof's few lines cost next to nothing that way, so capturing both would
 * charge the CLI alone.
 */
function timeCommand(command: string, args: string[], okStatus: readonly number[]): number {
  return timeMs(() => runCommand(command, args, okStatus, DEV_NULL));
}

function runCommand(command: string, args: string[], okStatus: readonly number[], stdout: 'pipe' | number) {
  // bin/shm-inspector builds a missing addon itself: never let it race a rebuild running elsewhere.
  if (command === CLI && !existsSync(ADDON)) throw new Error(`${ADDON} is gone (a rebuild in progress?)`);
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: MAX_OUTPUT, stdio: ['ignore', stdout, 'pipe'] });
  if (run.error) throw new Error(`${command} could not run: ${run.error.message}`);
  if (!okStatus.includes(run.status ?? -1)) {
    throw new Error(`${command} ${args.join(' ')} failed (status ${run.status}): ${run.stderr}`);
  }
  return run;
}

/** The whole CLI command and `lsof +D` in alternation, after one untimed run of each. */
async function measureCommands(fixture: Fixture): Promise<{ cli: Timing; lsof: Timing }> {
  const cliArgs = ['scan', '--json', '--dir', fixture.dir];
  const lsofArgs = ['+D', fixture.dir];
  // lsof exits 1 when some of the files it was asked about are open nowhere.
  const lsofStatus = [0, 1];
  const cliOutput = captureCommand(CLI, cliArgs, [0]);
  checkScan('CLI scan --json', JSON.parse(cliOutput) as ScanResult, fixture.expected);
  const lsofOutput = captureCommand('lsof', lsofArgs, lsofStatus);
  const pidsSeen = new Set(lsofOutput.split('\n').map((line) => Number(line.split(/\s+/)[1])));
  const missing = fixture.mapperPids.filter((pid) => !pidsSeen.has(pid));
  if (missing.length > 0) problems.push(`lsof +D did not list the mapper PIDs ${missing.join(', ')}`);

  const cli: number[] = [];
  const lsof: number[] = [];
  for (let round = 0; round < COMMAND_RUNS; round++) {
    await betweenRounds();
    cli.push(timeCommand(CLI, cliArgs, [0]));
    lsof.push(timeCommand('lsof', lsofArgs, lsofStatus));
  }
  return { cli: timing(cli), lsof: timing(lsof) };
}

async function benchSize(segments: number): Promise<SizeResult> {
  const fixture = await createFixture({ count: segments, mappers: MAPPERS, perMapper: PER_MAPPER }, (dispose) => {
    disposeActive = dispose;
  });
  const loadBefore = os.loadavg()[0] ?? NaN;
  try {
    const inProcess = await measureScans(fixture.dir, runsFor(segments), fixture.expected);
    const { cli, lsof } = await measureCommands(fixture);
    const engineOverBaseline = inProcess.engine.medianMs / inProcess.baseline.medianMs;
    const cliOverLsof = cli.medianMs / lsof.medianMs;
    return {
      segments,
      mappers: MAPPERS,
      processes: inProcess.processes,
      engine: inProcess.engine,
      engineCpu: inProcess.engineCpu,
      baseline: inProcess.baseline,
      sameDataC: inProcess.sameDataC,
      cli,
      lsof,
      breakdownMs: inProcess.breakdownMs,
      ratios: {
        engineOverBaseline,
        engineCpuOverBaseline: inProcess.engineCpu.medianMs / inProcess.baseline.medianMs,
        cliOverLsof,
      },
      loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? NaN },
      targets: {
        engine: { max: ENGINE_TARGET, pass: engineOverBaseline <= ENGINE_TARGET },
        cli: { max: CLI_TARGET, pass: cliOverLsof < CLI_TARGET },
      },
    };
  } finally {
    cleanUp();
  }
}

/** The pool decode and sampler measurements, in their own lab scratch directory. */
async function runPools(): Promise<PoolBenchResult> {
  try {
    return await benchPools((dispose) => {
      disposeActive = dispose;
    }, problems);
  } finally {
    cleanUp();
  }
}

interface LiveResult {
  patches: PatchBenchResult | null;
  frames: FrameBenchResult | null;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One change among 10,000 segments (patch size, latency, the renderer's applyPatch), then
 * the renderer's frames in chromium while changes stream in, on one fixture without
 * mappers. A part that cannot run is a problem (non-zero exit), not the end of the run.
 */
async function runLive(): Promise<LiveResult> {
  const fixture = await createFixture({ count: LIVE_SEGMENTS, mappers: 0, perMapper: 0 }, (dispose) => {
    disposeActive = dispose;
  });
  const live: LiveResult = { patches: null, frames: null };
  try {
    try {
      live.patches = await benchPatches(ROOT, fixture, problems);
      console.log(`\n${reportPatches(live.patches)}`);
    } catch (error) {
      problems.push(`live patches could not be measured: ${messageOf(error)}`);
    }
    try {
      const track = (dispose: () => void): void => {
        disposeActive = () => {
          dispose();
          fixture.dispose();
        };
      };
      live.frames = await benchFrames(ROOT, fixture, track, problems);
      console.log(`\n${reportFrames(live.frames)}`);
    } catch (error) {
      problems.push(`renderer frames could not be measured: ${messageOf(error)}`);
      console.log('\nrenderer frames: not measured (see the problems below)');
    }
    return live;
  } finally {
    cleanUp();
  }
}

function report(result: SizeResult): string {
  const row = timingRow;
  const ratio = ratioRow;
  const phases = (label: string, files: number, proc: number | string, other: number | string, total: number): string =>
    `  ${label.padEnd(36)}${cell(files, 10)}${cell(proc, 10)}${cell(other, 10)}${cell(total, 10)}`;

  const { scanDirectoryWithProcesses: native = NaN, ...rest } = result.breakdownMs;
  const other = Object.values(rest).reduce((sum, value) => sum + value, 0);
  const restText = Object.entries(rest)
    .map(([step, value]) => `${step} ${value.toFixed(2)}`)
    .join(', ');
  const { baseline, sameDataC } = result;
  return [
    `${result.segments.toLocaleString('en-US')} segments, ${result.mappers} mappers x ${PER_MAPPER} segments, ` +
      `${result.processes} processes, load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)}`,
    timingHeader('time (ms)'),
    row('engine scanShm(), in-process', result.engine),
    row('  its CPU time, all threads', result.engineCpu),
    row('C baseline, system calls only', baseline),
    row('CLI scan --json, whole process', result.cli),
    row('lsof +D', result.lsof),
    ratio('engine / C baseline', result.ratios.engineOverBaseline, `<= ${ENGINE_TARGET}x`, result.targets.engine.pass),
    infoRatioRow('engine CPU time / C baseline', result.ratios.engineCpuOverBaseline),
    ratio('CLI / lsof +D', result.ratios.cliOverLsof, `< ${CLI_TARGET}x`, result.targets.cli.pass),
    `  ${'breakdown (median ms)'.padEnd(36)}${cell('files', 10)}${cell('/proc', 10)}${cell('JS', 10)}${cell('total', 10)}`,
    phases('C baseline, system calls only', baseline.filesMs, baseline.procMs, '-', baseline.filesMs + baseline.procMs),
    phases(
      'C, same data as the engine',
      sameDataC.filesMs,
      sameDataC.procMs,
      '-',
      sameDataC.filesMs + sameDataC.procMs,
    ),
    // One addon call reads the files and, on a second thread meanwhile, /proc.
    phases('engine, step by step', native, 'same call', other, native + other),
    `  ${'  JS steps:'.padEnd(36)}${restText}`,
  ].join('\n');
}

/**
 * Points out fixtures left by a run killed with SIGKILL. They are not removed: one may
 * belong to a benchmark running right now.
 */
function noteLeftoverFixtures(): void {
  const { dir, base } = path.parse(FIXTURE_PREFIX);
  const left = readdirSync(dir).filter((name) => name.startsWith(base));
  if (left.length > 0) {
    process.stderr.write(
      `note: fixtures of another or an interrupted run: ${left.map((n) => path.join(dir, n)).join(' ')}\n`,
    );
  }
}

function cleanUp(): void {
  disposeActive?.();
  disposeActive = null;
}

function installCleanup(): void {
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      cleanUp();
      process.stderr.write(`\nbenchmark interrupted by ${signal}; fixtures removed\n`);
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

/** The parts of the run, in order; `npm run bench -- live page` runs only those named. */
const PARTS = ['scan', 'pools', 'live', 'engine', 'page'] as const;
type Part = (typeof PARTS)[number];

function chosenParts(args: readonly string[]): Set<Part> {
  const unknown = args.filter((arg) => !(PARTS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}: the parts are ${PARTS.join(', ')}`);
  return new Set(args.length === 0 ? PARTS : (args as Part[]));
}

/** The browser host with a page open (bench/page-bench.ts); a part that cannot run is a problem. */
async function runPage(): Promise<PageFigure[]> {
  try {
    const figures = await benchPage(ROOT, (dispose) => {
      disposeActive = dispose;
    });
    console.log(`\n${reportPage(figures)}`);
    return figures;
  } catch (error) {
    problems.push(`the browser host with a page open could not be measured: ${messageOf(error)}`);
    console.log('\nbrowser host with a page open: not measured (see the problems below)');
    return [];
  } finally {
    cleanUp();
  }
}

async function main(): Promise<void> {
  const parts = chosenParts(process.argv.slice(2));
  installCleanup();
  noteLeftoverFixtures();
  compileBaseline();
  console.log(
    `SHM Inspector benchmark: node ${process.version}, Linux ${os.release()}, ${os.cpus().length} CPUs, ` +
      `segments of ${SEGMENT_DATA_SIZE + MARKER_SIZE} bytes on tmpfs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const results: SizeResult[] = [];
  for (const segments of parts.has('scan') ? SIZES : []) {
    const result = await benchSize(segments);
    results.push(result);
    console.log(`\n${report(result)}`);
  }
  let pools: PoolBenchResult | null = null;
  if (parts.has('pools')) {
    pools = await runPools();
    console.log(`\n${reportPools(pools)}`);
  }
  const live = parts.has('live') ? await runLive() : null;
  let liveEngine: LiveEngineFigure[] = [];
  if (parts.has('engine')) {
    try {
      liveEngine = await benchLiveEngine((dispose) => {
        disposeActive = dispose;
      });
      console.log(`\n${reportLiveEngine(liveEngine)}`);
    } catch (error) {
      problems.push(`the live engine could not be measured: ${messageOf(error)}`);
    } finally {
      cleanUp();
    }
  }
  const page = parts.has('page') ? await runPage() : [];
  const file = path.join(OUT_DIR, 'results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, kernel: os.release(), cpus: os.cpus().length, results, pools, live, liveEngine, page, problems }, null, 2)}\n`,
  );
  console.log(`\nresults written to ${path.relative(process.cwd(), file) || file}`);
  if (problems.length > 0) {
    console.error(
      `\nthe benchmark ran but saw wrong answers or parts that could not run:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  cleanUp();
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
