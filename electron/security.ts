import type { Session, WebPreferences } from 'electron';
import { isAppUrl } from './app-origin';

/**
 * The renderer's sandbox: no Node, an isolated preload world, Chromium's sandbox on.
 * GitHub Desktop's old nodeIntegration and templates that turn the sandbox off are the
 * mistakes this avoids.
 */
export function secureWebPreferences(preload: string, options: { devTools: boolean }): WebPreferences {
  return {
    preload,
    // Off in a packaged build: no DevTools even through a shortcut or a stray API call.
    devTools: options.devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    webviewTag: false,
  };
}

/**
 * The CSP of every page the app loads, sent as a response header by the app:// handler:
 * its own scripts and styles only, no network. 'self' is the app's origin
 * (app://shm-inspector), never a file: URL.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; frame-src 'none'; worker-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'none'";

/** The minimal shape of an IPC event we need to judge its sender (Electron's IpcMainEvent fits it). */
export interface SenderEvent {
  sender: unknown;
  senderFrame: { url: string } | null;
}

/** The window's web contents as they are when a message arrives. */
export interface CurrentContents {
  mainFrame: unknown;
}

/**
 * IPC is accepted only from the window's web contents, from its top frame as it is now,
 * showing a page of the app's origin (GitHub Desktop's trusted-ipc-sender, VS Code's
 * ipcMain validation). `contents` is read at each message, never captured once: after a
 * reload or a renderer crash the top frame is a new object, and it must still be trusted.
 */
export function isTrustedSender(event: SenderEvent, contents: CurrentContents | null): boolean {
  const frame = event.senderFrame;
  return (
    contents !== null &&
    event.sender === contents &&
    frame !== null &&
    frame === contents.mainFrame &&
    isAppUrl(frame.url)
  );
}

/** The parts of a Session whose permission handlers the app sets. */
export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * The UI needs no permission (camera, notifications, HID, USB, serial...): every request
 * is refused, and so is every check, which Chromium makes without a request for some APIs.
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
