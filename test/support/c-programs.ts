import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Compiles one of the C helpers beside this file (once per source text) and returns the
 * output's path. Built into the temp directory under a name made from the source's hash,
 * so parallel test files share one build and an edit rebuilds it.
 */
function compile(source: string, output: 'program' | 'shared-library', libraries: readonly string[]): string {
  const file = path.join(__dirname, source);
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'shm-inspector-test-c');
  const built = path.join(dir, `${path.basename(source, '.c')}-${hash}${output === 'program' ? '' : '.so'}`);
  if (existsSync(built)) return built;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const partial = `${built}.${process.pid}`;
  const kind = output === 'program' ? [] : ['-shared', '-fPIC'];
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', ...kind, '-o', partial, file, ...libraries], {
    encoding: 'utf8',
  });
  if (gcc.status !== 0) throw new Error(`gcc ${source} failed: ${gcc.stderr}`);
  renameSync(partial, built);
  return built;
}

/** leader-exit.c: a process whose main thread has exited while a worker writes its segment. */
export function leaderExitProgram(): string {
  return compile('leader-exit.c', 'program', ['-pthread']);
}

/** proc-open-fault.c: an LD_PRELOAD shim that fails the open of /proc/<pid> with a chosen errno. */
export function procOpenFaultLibrary(): string {
  return compile('proc-open-fault.c', 'shared-library', ['-ldl']);
}

export interface ProcOpenFault {
  /** The PID whose /proc directory cannot be opened, or 'any'. */
  pid: number | 'any';
  errno: 'EMFILE' | 'ENFILE' | 'ENOMEM';
  /** Fail only once a path containing this text has been opened (e.g. the audit log, opened after the plan). */
  armAfter?: string;
}

/** The environment that runs a command with opens of /proc/<pid> failing as `fault` says. */
export function withProcOpenFault(fault: ProcOpenFault, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    LD_PRELOAD: procOpenFaultLibrary(),
    SHM_FAULT_PROC_PID: String(fault.pid),
    SHM_FAULT_ERRNO: fault.errno,
    ...(fault.armAfter !== undefined ? { SHM_FAULT_ARM_AFTER: fault.armAfter } : {}),
  };
}
