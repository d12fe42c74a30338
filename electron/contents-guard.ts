/**
 * Guards every web contents the app ever creates (the window, DevTools, anything a future
 * change or a compromised renderer might open), from the app-wide web-contents-created event:
 * no navigation away from the app's origin, no redirects, no new windows, no <webview>.
 */
import { isAppUrl } from './app-origin';

interface Preventable {
  preventDefault(): void;
}

/** The parts of Electron's WebContents the guard uses (WebContents fits it). */
export interface GuardableContents {
  on(event: 'will-navigate', listener: (details: Preventable & { url: string }) => void): unknown;
  on(
    event: 'will-frame-navigate',
    listener: (details: Preventable & { url: string; isMainFrame: boolean }) => void,
  ): unknown;
  on(event: 'will-redirect', listener: (details: Preventable & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Only a top frame may navigate, and only within the app's origin (the UI itself never
 * navigates; a page that reloads itself through location stays allowed). Redirects never
 * happen on app:// (the handler answers with files), so every one is refused.
 */
export function guardWebContents(contents: GuardableContents): void {
  contents.on('will-navigate', (details) => {
    if (!isAppUrl(details.url)) details.preventDefault();
  });
  contents.on('will-frame-navigate', (details) => {
    if (!details.isMainFrame || !isAppUrl(details.url)) details.preventDefault();
  });
  contents.on('will-redirect', (details) => details.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The UI has no links to follow; nothing is opened instead (no shell.openExternal).
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
