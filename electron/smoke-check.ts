/**
 * The smoke mode (SHM_INSPECTOR_SMOKE=1, set by `npm start`'s smoke run): the app starts as
 * usual, and once the UI's page has loaded and the renderer has been sent its first state
 * snapshot, one line says so and the app exits 0. A failure, or nothing after the time
 * limit, gives one line with the reason and exit 1. main.ts feeds it the events.
 */
import type { Patch } from '../protocol/channels';

export const SMOKE_ENV = 'SHM_INSPECTOR_SMOKE';
export const SMOKE_TIMEOUT_MS = 30_000;

export interface SmokeOptions {
  electronVersion: string;
  /** Writes the one line and ends the app with the code. Called at most once. */
  finish: (line: string, exitCode: 0 | 1) => void;
  timeoutMs?: number;
}

export interface SmokeCheck {
  /** The UI's page finished loading in the window. */
  pageLoaded(): void;
  /** A patch was sent to the window; the first full one is the state snapshot. */
  patchSent(patch: Patch): void;
  /** Something went wrong: the check fails with this reason. */
  failed(reason: string): void;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

export function createSmokeCheck(options: SmokeOptions): SmokeCheck {
  const timeoutMs = options.timeoutMs ?? SMOKE_TIMEOUT_MS;
  let loaded = false;
  let segments: number | null = null;
  let done = false;
  const finish = (line: string, exitCode: 0 | 1): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.finish(line, exitCode);
  };
  const fail = (reason: string): void => finish(`shm-inspector smoke: failed: ${oneLine(reason)}`, 1);
  const succeedWhenReady = (): void => {
    if (loaded && segments !== null) {
      finish(`shm-inspector smoke: ok (electron ${options.electronVersion}, ${segments} segments)`, 0);
    }
  };
  const timer = setTimeout(() => {
    const seconds = Math.round(timeoutMs / 1000);
    if (!loaded) fail(`the UI's page did not load within ${seconds} s`);
    else fail(`the renderer was sent no state snapshot within ${seconds} s (did it subscribe?)`);
  }, timeoutMs);
  return {
    pageLoaded() {
      loaded = true;
      succeedWhenReady();
    },
    patchSent(patch) {
      if (segments !== null || !patch.full) return;
      segments = patch.upserts.filter((item) => item.type === 'segment').length;
      succeedWhenReady();
    },
    failed: fail,
  };
}
