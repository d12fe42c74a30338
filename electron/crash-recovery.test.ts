import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { recoverFromCrashes, type GoneDetails, type RecoverableContents } from './crash-recovery';

// Compile-time check that Electron's own WebContents fits the shape recoverFromCrashes takes.
const fits = (contents: WebContents): RecoverableContents => contents;
void fits;

/** Stands in for a WebContents whose renderer can be made to go away; a clock the test moves. */
function setup(options: { maxReloads: number; windowMs: number }) {
  let listener: ((event: unknown, details: GoneDetails) => void) | null = null;
  const state = { reloads: 0, destroyed: false, time: 0, gaveUp: [] as string[] };
  recoverFromCrashes(
    {
      on: (_event, handler) => (listener = handler),
      reload: () => state.reloads++,
      isDestroyed: () => state.destroyed,
    },
    { ...options, giveUp: (reason) => state.gaveUp.push(reason), now: () => state.time },
  );
  const gone = (reason: string, exitCode = 139): void => listener?.({}, { reason, exitCode });
  return { state, gone };
}

describe('recoverFromCrashes', () => {
  it('reloads the window when its renderer crashes, is killed or runs out of memory', () => {
    const { state, gone } = setup({ maxReloads: 3, windowMs: 60_000 });
    gone('crashed');
    state.time += 1000;
    gone('killed', 9);
    state.time += 1000;
    gone('oom');
    expect(state.reloads).toBe(3);
    expect(state.gaveUp).toEqual([]);
  });

  it('gives up, with the reason, instead of reloading a renderer that keeps crashing', () => {
    const { state, gone } = setup({ maxReloads: 3, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      gone('crashed');
      state.time += 100;
    }
    expect(state.reloads).toBe(3);
    expect(state.gaveUp[0]).toBe("the window's renderer stopped 4 times within 60 s (last: crashed, exit code 139)");
  });

  it('counts only the crashes within the window of time, so rare crashes are always recovered', () => {
    const { state, gone } = setup({ maxReloads: 2, windowMs: 10_000 });
    for (let i = 0; i < 6; i++) {
      gone('crashed');
      state.time += 6_000;
    }
    expect(state.reloads).toBe(6);
    expect(state.gaveUp).toEqual([]);
  });

  it('does nothing on a clean exit or once the web contents are destroyed', () => {
    const { state, gone } = setup({ maxReloads: 3, windowMs: 60_000 });
    gone('clean-exit', 0);
    state.destroyed = true;
    gone('crashed');
    expect(state.reloads).toBe(0);
    expect(state.gaveUp).toEqual([]);
  });
});
