import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_START_URL } from './app-origin';
import { guardWebContents, type GuardableContents } from './contents-guard';

// Compile-time check that Electron's own WebContents fits the shape the guard takes.
const fits = (contents: WebContents): GuardableContents => contents;
void fits;

type Listener = (details: { url?: string; isMainFrame?: boolean; preventDefault(): void }) => void;

/** Stands in for a WebContents: records the listeners and the window-open handler. */
function guarded() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => {
      openHandler = handler;
    },
  };
  guardWebContents(contents as GuardableContents);
  /** Whether the guard let the event through (did not prevent it). */
  const allows = (event: string, details: { url?: string; isMainFrame?: boolean } = {}): boolean => {
    let prevented = false;
    const listener = listeners.get(event);
    if (!listener) throw new Error(`no listener for ${event}`);
    listener({ ...details, preventDefault: () => (prevented = true) });
    return !prevented;
  };
  return { allows, open: (url: string) => openHandler?.({ url }) };
}

describe('guardWebContents', () => {
  it('lets the top frame navigate only within the app’s origin', () => {
    const { allows } = guarded();
    expect(allows('will-navigate', { url: APP_START_URL })).toBe(true);
    expect(allows('will-frame-navigate', { url: APP_START_URL, isMainFrame: true })).toBe(true);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://evil/index.html', 'javascript:alert(1)']) {
      expect(allows('will-navigate', { url }), url).toBe(false);
      expect(allows('will-frame-navigate', { url, isMainFrame: true }), url).toBe(false);
    }
  });

  it('refuses every subframe navigation and every redirect, even to the app’s origin', () => {
    const { allows } = guarded();
    expect(allows('will-frame-navigate', { url: APP_START_URL, isMainFrame: false })).toBe(false);
    expect(allows('will-redirect', { url: APP_START_URL })).toBe(false);
    expect(allows('will-redirect', { url: 'https://example.com/' })).toBe(false);
  });

  it('refuses <webview> and denies every new window', () => {
    const { allows, open } = guarded();
    expect(allows('will-attach-webview')).toBe(false);
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(open(APP_START_URL)).toEqual({ action: 'deny' });
  });
});
