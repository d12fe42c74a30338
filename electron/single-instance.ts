/**
 * One instance: a second launch hands over to the first, whose window comes to the front.
 * Two instances would share one user-data directory and run two engines on one audit log.
 */

/** The parts of Electron's App this uses (App fits it). */
export interface InstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
}

/** The parts of a BrowserWindow this uses (BrowserWindow fits it). */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Brings the window to the front: restored if minimized, shown if not shown yet. */
export function focusWindow(window: FocusableWindow | null): void {
  if (window === null || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * Takes the single-instance lock. True in the first instance, which from then on focuses
 * its window (whichever `currentWindow` gives at that moment) when another is launched;
 * false in a second instance, which should quit.
 */
export function claimSingleInstance(app: InstanceApp, currentWindow: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => focusWindow(currentWindow()));
  return true;
}
