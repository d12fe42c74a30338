/**
 * The engine's side of `npm run bench`, in a process of its own that never starts
 * another. run-bench.ts starts the C baselines between the engine's runs, and a fork
 * leaves every page of the forking process copy-on-write: the next scan pays for it in
 * page faults (measured: a spawnSync of /bin/true before a 2,000-segment scan, about 400
 * more faults and 5 to 8 ms more), a cost of the harness, not of the engine. The C
 * baselines run in fresh processes too. run-bench.ts asks for one round at a time, so
 * the two still alternate.
 */
import { compareSegments, readCapacity, resolveShmDir, scanShm, toSegment } from '../core/scan-shm';
import { indexProcesses } from '../core/process-index';
import { inInitialPidNamespace } from '../core/pid-namespace';
import { scanDirectoryWithProcesses } from '../native';
import { scanProblems } from './check-scan';
import type { FixtureExpectation } from './fixture';
import { nowMs, timeMs } from './stats';

export type EngineRequest =
  { kind: 'check'; dir: string; expected: FixtureExpectation } | { kind: 'round'; dir: string };

export type EngineReply =
  | { kind: 'check'; problems: string[] }
  | { kind: 'round'; wallMs: number; cpuMs: number; stepsMs: Record<string, number> }
  | { kind: 'error'; message: string };

/**
 * The main steps of scanShmSnapshot, timed one by one, in its order: the directory and
 * process table, then judging and sorting. Pool decoding and memory discovery are left
 * out (the fixture has no pools; the whole scan's time includes both).
 */
function runSteps(dir: string): Record<string, number> {
  const steps: Record<string, number> = {};
  let start = nowMs();
  const step = (name: string): void => {
    const end = nowMs();
    steps[name] = end - start;
    start = end;
  };
  const resolved = resolveShmDir(dir);
  step('resolveDir');
  const directory = scanDirectoryWithProcesses(resolved);
  step('scanDirectoryWithProcesses');
  const processes = indexProcesses(directory.processes);
  step('indexProcesses');
  const context = { initialPidNamespace: inInitialPidNamespace() };
  step('pidNamespace');
  const { entries } = directory;
  Array.from({ length: entries.count }, (_, i) => toSegment(entries, i, processes, context)).sort(compareSegments);
  step('toSegment+sort');
  readCapacity(resolved);
  step('capacity');
  return steps;
}

function answer(request: EngineRequest): EngineReply {
  if (request.kind === 'check') {
    const problems = [0, 1, 2].flatMap(() => scanProblems('engine scanShm', scanShm(request.dir), request.expected));
    runSteps(request.dir);
    return { kind: 'check', problems };
  }
  const cpuBefore = process.cpuUsage();
  const wallMs = timeMs(() => scanShm(request.dir));
  const cpu = process.cpuUsage(cpuBefore);
  return { kind: 'round', wallMs, cpuMs: (cpu.user + cpu.system) / 1000, stepsMs: runSteps(request.dir) };
}

process.on('message', (request: EngineRequest) => {
  let reply: EngineReply;
  try {
    reply = answer(request);
  } catch (error) {
    reply = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply);
});
// Ends with its parent's IPC channel (run-bench.ts disconnects, or dies).
process.on('disconnect', () => process.exit(0));
