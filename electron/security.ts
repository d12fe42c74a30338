import type { WebPreferences } from 'electron';

/**
 * The renderer's sandbox: no Node, an isolated preload world, Chromium's sandbox on.
 * GitHub Desktop's old nodeIntegration and templates that turn the sandbox off are the
 * mistakes this avoids.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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

/** The CSP of every page the app loads: its own scripts and styles only, no network. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The minimal shape of an IPC event we need to judge its sender. */
export interface SenderEvent {
  senderFrame: { url: string } | null;
}

/**
 * IPC is accepted only from the window's own top frame, loaded from a file inside the
 * app's directory `appDirUrl` (GitHub Desktop's trusted-ipc-sender, VS Code's ipcMain
 * validation). The trailing slash matters: `…/dist` must not let `…/dist-other/` in.
 */
export function isTrustedSender(event: SenderEvent, mainFrame: unknown, appDirUrl: string): boolean {
  const frame = event.senderFrame;
  const inside = appDirUrl.endsWith('/') ? appDirUrl : `${appDirUrl}/`;
  return frame !== null && frame === mainFrame && frame.url.startsWith(inside);
}
