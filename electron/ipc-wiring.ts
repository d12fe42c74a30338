import type { InspectorApi } from '../core/inspector/inspector-api';
import { requestSchemas, type Patch, type RequestChannel, type Result } from '../protocol/channels';
import { isTrustedSender, type SenderEvent } from './security';

/** IPC channel names: one for requests (the contract's channel is an argument), two for the patch stream. */
export const IPC = {
  request: 'inspector:request',
  subscribe: 'inspector:subscribe',
  unsubscribe: 'inspector:unsubscribe',
  patch: 'inspector:patch',
} as const;

/** The parts of ipcMain and of the window this wiring uses, so it can be tested without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: SenderEvent) => void): void;
}

/** The window's web contents (Electron's WebContents fits it). */
export interface ContentsLike {
  mainFrame: unknown;
  send(channel: string, patch: Patch): void;
}

/**
 * The window (Electron's BrowserWindow fits it). Its web contents and their top frame are
 * read at each message, so IPC keeps working after a reload or a renderer crash.
 */
export interface WindowLike {
  readonly webContents: ContentsLike;
  isDestroyed(): boolean;
}

/** What the wiring reports, e.g. for the smoke mode: each patch sent to the window. */
export interface WiringHooks {
  patchSent?: (patch: Patch) => void;
}

const refused = (message: string): Result<never> => ({ ok: false, error: { code: 'untrusted-sender', message } });

function isChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && Object.hasOwn(requestSchemas, value);
}

/**
 * Connects the renderer to the Inspector: every request is checked for its sender, its
 * channel and (in inspector.handle) its schema; patches go only to the window.
 */
export function wireIpc(
  ipcMain: IpcMainLike,
  window: WindowLike,
  inspector: InspectorApi,
  hooks: WiringHooks = {},
): void {
  let unsubscribe: (() => void) | null = null;
  const current = (): ContentsLike | null => (window.isDestroyed() ? null : window.webContents);
  const trusted = (event: SenderEvent): boolean => isTrustedSender(event, current());

  ipcMain.handle(IPC.request, async (event, channel, request) => {
    if (!trusted(event)) return refused('IPC is accepted only from the app window');
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'invalid-request', message: `unknown channel ${String(channel)}` } };
    }
    return inspector.handle(channel, request, { via: 'ipc', readOnly: false });
  });
  ipcMain.on(IPC.subscribe, (event) => {
    if (!trusted(event)) return;
    unsubscribe?.();
    unsubscribe = inspector.subscribe({
      send: (patch) => {
        const contents = current();
        if (contents === null) return;
        contents.send(IPC.patch, patch);
        hooks.patchSent?.(patch);
      },
      ready: () => !window.isDestroyed(),
    });
  });
  ipcMain.on(IPC.unsubscribe, (event) => {
    if (!trusted(event)) return;
    unsubscribe?.();
    unsubscribe = null;
  });
}
