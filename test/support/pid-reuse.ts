import path from 'node:path';
import { firstLine, start, type Running } from './processes';

const SPAWN_WITH_PID = path.join(__dirname, 'spawn-with-pid.py');

/** A process started with an exact PID, and the helper that is its parent. */
export interface ReusedPid {
  pid: number;
  /** Stopping the helper kills the process too (PR_SET_PDEATHSIG). */
  helper: Running;
}

/**
 * Starts `cmd` with exactly `pid` (clone3 set_tid, root only): real PID reuse, e.g. a
 * new process taking the PID a segment's marker names after its creator died. Fails if
 * another process holds the PID. Does not move the kernel's PID cursor, so nothing else
 * on the machine gets a recently freed PID because of it.
 */
export async function startWithPid(pid: number, cmd: readonly string[]): Promise<ReusedPid> {
  const helper = start(['python3', SPAWN_WITH_PID, String(pid), ...cmd]);
  let line: string;
  try {
    line = await firstLine(helper, 30_000);
  } catch (error) {
    await helper.stop();
    throw error;
  }
  if (line !== String(pid)) {
    await helper.stop();
    throw new Error(`could not start a process with PID ${pid}: ${line} ${helper.stderr().trim()}`);
  }
  return { pid, helper };
}
