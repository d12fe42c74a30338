import type { App, BrowserWindow } from 'electron';
import { describe, expect, it } from 'vitest';
import { claimSingleInstance, focusWindow, type FocusableWindow, type InstanceApp } from './single-instance';

// Compile-time checks that Electron's own App and BrowserWindow fit the shapes used.
const fits = (app: App, window: BrowserWindow): [InstanceApp, FocusableWindow] => [app, window];
void fits;

/** Stands in for a BrowserWindow: records what was done to it. */
function fakeWindow(state: { minimized?: boolean; destroyed?: boolean } = {}) {
  const calls: string[] = [];
  const window: FocusableWindow = {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    restore: () => calls.push('restore'),
    show: () => calls.push('show'),
    focus: () => calls.push('focus'),
  };
  return { window, calls };
}

/** Stands in for Electron's App: the lock is held or not; the second-instance listener is kept. */
function fakeApp(locked: boolean) {
  let secondInstance: (() => void) | null = null;
  const app: InstanceApp = {
    requestSingleInstanceLock: () => locked,
    on: (_event, listener) => (secondInstance = listener),
  };
  return { app, launchAgain: () => secondInstance?.() };
}

describe('focusWindow', () => {
  it('restores a minimized window, shows and focuses it', () => {
    const { window, calls } = fakeWindow({ minimized: true });
    focusWindow(window);
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });

  it('shows and focuses a window that is not minimized (perhaps not shown yet)', () => {
    const { window, calls } = fakeWindow();
    focusWindow(window);
    expect(calls).toEqual(['show', 'focus']);
  });

  it('does nothing without a window or with a destroyed one', () => {
    const { window, calls } = fakeWindow({ destroyed: true });
    focusWindow(window);
    focusWindow(null);
    expect(calls).toEqual([]);
  });
});

describe('claimSingleInstance', () => {
  it('in the first instance, focuses the current window when another instance is launched', () => {
    const { app, launchAgain } = fakeApp(true);
    let current: FocusableWindow | null = null;
    expect(claimSingleInstance(app, () => current)).toBe(true);
    launchAgain(); // before the window exists: nothing to do, no error
    const { window, calls } = fakeWindow({ minimized: true });
    current = window;
    launchAgain();
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });

  it('in a second instance, says so and listens for nothing', () => {
    const { app, launchAgain } = fakeApp(false);
    const { window, calls } = fakeWindow();
    expect(claimSingleInstance(app, () => window)).toBe(false);
    launchAgain();
    expect(calls).toEqual([]);
  });
});
