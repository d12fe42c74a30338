/**
 * A renderer that crashed (or was killed, or ran out of memory) leaves a blank window: it is
 * reloaded, and the IPC wiring trusts the new page (ipc-wiring.ts reads the frame each
 * time). A renderer that keeps crashing is not reloaded forever: after `maxReloads` within
 * `windowMs` the app gives up with a reason.
 */
export interface GoneDetails {
  reason: string;
  exitCode: number;
}

/** The parts of Electron's WebContents this uses (WebContents fits it). */
export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  reload(): void;
  isDestroyed(): boolean;
}

export interface CrashRecoveryOptions {
  maxReloads: number;
  windowMs: number;
  giveUp: (reason: string) => void;
  now?: () => number;
}

export function recoverFromCrashes(contents: RecoverableContents, options: CrashRecoveryOptions): void {
  const now = options.now ?? Date.now;
  let reloads: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    // A clean exit is the renderer ending normally (the window closing), not a crash.
    if (details.reason === 'clean-exit' || contents.isDestroyed()) return;
    const time = now();
    reloads = reloads.filter((at) => time - at < options.windowMs);
    if (reloads.length >= options.maxReloads) {
      const seconds = Math.round(options.windowMs / 1000);
      options.giveUp(
        `the window's renderer stopped ${reloads.length + 1} times within ${seconds} s ` +
          `(last: ${details.reason}, exit code ${details.exitCode})`,
      );
      return;
    }
    reloads.push(time);
    contents.reload();
  });
}
