import path from 'node:path';
import { cliArgv, firstLine, nthLine, start, type Running } from './processes';

const SUPPORT = __dirname;
/** Generous: a child's start-up on a loaded 2-core machine can take seconds. */
const WAIT_MS = 30_000;

/** shm-churn.py: creates, truncates, renames and removes files in `dir` until stopped. */
export async function startChurn(dir: string, markerPid: number): Promise<Running> {
  const churn = start(['python3', path.join(SUPPORT, 'shm-churn.py'), dir, String(markerPid)]);
  await firstLine(churn, WAIT_MS);
  return churn;
}

/** dying-owners.py: `count` segment owners that exit, then stay zombies, at arbitrary moments; prints each name. */
export function startDyingOwners(dir: string, count: number, seed: number): Running {
  return start(['python3', path.join(SUPPORT, 'dying-owners.py'), dir, String(count), String(seed)]);
}

/** A live owner that can be turned into a zombie: `create --hold` run under hold-parent.py. */
export interface HeldOwner {
  /** The CLI process: marker PID and holder of the segment. */
  pid: number;
  name: string;
  /** Lets hold-parent.py reap its child (killing it first if it still runs), then exit. */
  reap(): Promise<void>;
}

/**
 * bin/shm-inspector create --hold under hold-parent.py: a live owner that maps its
 * segment; once killed, it stays a zombie until reap().
 */
export async function startHeldOwner(dir: string): Promise<HeldOwner> {
  const parent = start([
    'python3',
    path.join(SUPPORT, 'hold-parent.py'),
    ...cliArgv(['create', '--size', '64KiB', '--hold', '300', '--json', '--dir', dir]),
  ]);
  const pid = Number(await nthLine(parent, 0, WAIT_MS));
  const { name } = JSON.parse(await nthLine(parent, 1, WAIT_MS)) as { name: string };
  return {
    pid,
    name,
    async reap() {
      const stdin = parent.child.stdin;
      if (stdin && !stdin.writableEnded) stdin.end('\n');
      await parent.exited;
    },
  };
}

/** The argv that runs `cmd` as nobody (65534), without root's groups: no permission bypass. */
export function asNobody(cmd: readonly string[]): string[] {
  return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...cmd];
}
