/**
 * What the Inspector service's tests share: the request contexts of each interface, a
 * poll, and a PID that no process has. For tests only (no module of the engine imports it).
 */
import { spawnSync } from 'node:child_process';
import type { RequestContext } from './inspector-api';

export const IPC: RequestContext = { via: 'ipc', readOnly: false };
export const READ_ONLY: RequestContext = { via: 'websocket', readOnly: true };
export const READ_WRITE_WEBSOCKET: RequestContext = { via: 'websocket', readOnly: false };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 5 ms until it returns something truthy. */
export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** A PID that existed and is gone: the child has exited and been reaped. */
export function deadPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined) throw new Error('could not spawn true');
  return child.pid;
}
