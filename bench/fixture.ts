/**
 * The benchmark's fixture: a temporary shm directory on tmpfs full of marked segments,
 * and a few live mapper processes that hold some of them, so that the process table has
 * real attachments to find. Everything is removed again by `dispose`, which the runner
 * also calls on failure and on SIGINT/SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createSegment } from '../native';

/** Small segments: the benchmark measures per-entry work, not bytes. */
export const SEGMENT_DATA_SIZE = 4096;
const SEGMENT_MODE = 0o700;
export const FIXTURE_PREFIX = '/dev/shm/shm-inspector-bench-';

export interface FixtureOptions {
  count: number;
  mappers: number;
  /** Segments each mapper maps; half of them carry the mapper's own PID in the marker. */
  perMapper: number;
}

/** What the fixture holds, so that a scan's result can be checked against it. */
export interface FixtureExpectation {
  segments: number;
  /** Marker PID of an exited, reaped process. */
  stale: number;
  live: number;
  /** Segments mapped by a mapper (each by exactly one). */
  attached: number;
}

export interface Fixture {
  dir: string;
  mapperPids: number[];
  deadPid: number;
  expected: FixtureExpectation;
  dispose(): void;
}

/**
 * Each mapper maps the segments it is sent (one JSON line on stdin), writable and
 * read-only in turn, keeps the fd of every other one open, says "ready", then waits
 * until it is killed or its stdin closes (so it never outlives a crashed benchmark).
 */
const MAPPER_SOURCE = `
const fs = require('node:fs');
const { mapShared } = require(process.argv[1]);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  const eol = input.indexOf('\\n');
  if (eol < 0) return;
  const files = JSON.parse(input.slice(0, eol));
  input = input.slice(eol + 1);
  files.forEach((file, index) => {
    const fd = fs.openSync(file, 'r+');
    mapShared(fd, fs.fstatSync(fd).size, index % 2 === 0);
    if (index % 2 === 1) fs.closeSync(fd);
  });
  process.stdout.write('ready\\n');
});
process.stdin.on('end', () => process.exit(0));
`;

/** A PID that was just used by a process that has exited and been reaped. */
function reapedPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined || child.status !== 0) throw new Error('could not run `true` to get a dead PID');
  if (existsSync(`/proc/${child.pid}`)) throw new Error(`PID ${child.pid} was reused at once`);
  return child.pid;
}

function startMapper(frontPath: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', MAPPER_SOURCE, frontPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (child.pid === undefined) throw new Error('could not start a mapper process');
  return child;
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ready\n')) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`mapper ${child.pid} exited before it was ready (code ${code}, signal ${signal})`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Creates the directory, the segments and the mappers; cleans up what it made if any
 * step fails. `track` receives the disposer as soon as there is something to dispose,
 * so that a signal arriving while the fixture is being built still cleans up.
 */
export async function createFixture(options: FixtureOptions, track: (dispose: () => void) => void): Promise<Fixture> {
  const dir = mkdtempSync(FIXTURE_PREFIX);
  const mappers: ChildProcess[] = [];
  const dispose = (): void => {
    for (const mapper of mappers) {
      if (mapper.exitCode === null && mapper.signalCode === null) mapper.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  track(dispose);
  try {
    const frontPath = path.resolve(__dirname, '..', 'native', 'index.js');
    for (let i = 0; i < options.mappers; i++) mappers.push(startMapper(frontPath));
    const mapperPids = mappers.map((mapper) => mapper.pid ?? 0);
    const deadPid = reapedPid();

    const mapped = options.mappers * options.perMapper;
    if (mapped > options.count) throw new Error(`${mapped} mapped segments but only ${options.count} segments`);
    const filesOf: string[][] = mapperPids.map(() => []);
    const expected: FixtureExpectation = { segments: options.count, stale: 0, live: 0, attached: mapped };
    for (let i = 0; i < options.count; i++) {
      let markerPid = process.pid;
      const mapper = i < mapped ? Math.floor(i / options.perMapper) : -1;
      if (mapper >= 0 && i % options.perMapper < options.perMapper / 2) markerPid = mapperPids[mapper] ?? 0;
      else if (mapper < 0 && i % 4 === 0) markerPid = deadPid;
      if (markerPid === deadPid) expected.stale++;
      else expected.live++;
      const created = createSegment({ dir, dataSize: SEGMENT_DATA_SIZE, mode: SEGMENT_MODE, markerPid });
      if (mapper >= 0) filesOf[mapper]?.push(path.join(dir, created.name));
    }

    await Promise.all(
      mappers.map((mapper, index) => {
        const ready = waitReady(mapper);
        mapper.stdin?.write(`${JSON.stringify(filesOf[index])}\n`);
        return ready;
      }),
    );
    return { dir, mapperPids, deadPid, expected, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
