import { describe, expect, it } from 'vitest';
import { APP_START_URL } from './app-origin';
import {
  CONTENT_SECURITY_POLICY,
  denyAllPermissions,
  isTrustedSender,
  secureWebPreferences,
  type PermissionSession,
} from './security';

describe('secureWebPreferences', () => {
  it('isolates the renderer: context isolation and sandbox on, no Node anywhere, the preload given', () => {
    expect(secureWebPreferences('/app/preload.js', { devTools: true })).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('turns DevTools off when asked (a packaged build)', () => {
    expect(secureWebPreferences('/p.js', { devTools: false }).devTools).toBe(false);
    expect(secureWebPreferences('/p.js', { devTools: true }).devTools).toBe(true);
  });

  it('has a CSP that allows only the app’s own scripts and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(CONTENT_SECURITY_POLICY).not.toContain('file:');
  });
});

describe('isTrustedSender', () => {
  const contents = { mainFrame: { url: APP_START_URL } };
  const from = (sender: unknown, senderFrame: { url: string } | null) => ({ sender, senderFrame });

  it('accepts the window’s web contents’ current top frame showing the app’s origin', () => {
    expect(isTrustedSender(from(contents, contents.mainFrame), contents)).toBe(true);
  });

  it('refuses other frames, other web contents, a missing frame, a destroyed window', () => {
    expect(isTrustedSender(from(contents, { url: APP_START_URL }), contents)).toBe(false);
    const other = { mainFrame: { url: APP_START_URL } };
    expect(isTrustedSender(from(other, other.mainFrame), contents)).toBe(false);
    expect(isTrustedSender(from(contents, null), contents)).toBe(false);
    expect(isTrustedSender(from(contents, contents.mainFrame), null)).toBe(false);
  });

  it('refuses the top frame once it shows anything but the app’s origin, file: URLs included', () => {
    for (const url of [
      'https://evil.example/',
      'file:///opt/shm-inspector/resources/app.asar/renderer/dist/index.html',
      'app://evil/index.html',
      'app://shm-inspector:1/index.html',
    ]) {
      const navigated = { mainFrame: { url } };
      expect(isTrustedSender(from(navigated, navigated.mainFrame), navigated), url).toBe(false);
    }
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request, check and device permission', () => {
    // Stands in for a Session: records the three handlers the app sets.
    const handlers = new Map<string, unknown>();
    const session = {
      setPermissionRequestHandler: (handler: unknown) => void handlers.set('request', handler),
      setPermissionCheckHandler: (handler: unknown) => void handlers.set('check', handler),
      setDevicePermissionHandler: (handler: unknown) => void handlers.set('device', handler),
    } as PermissionSession;
    denyAllPermissions(session);
    const granted: boolean[] = [];
    const request = handlers.get('request') as (
      contents: unknown,
      permission: string,
      callback: (grant: boolean) => void,
    ) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      request({}, permission, (grant) => granted.push(grant));
    }
    expect(granted).toEqual([false, false, false, false, false]);
    const check = handlers.get('check') as (contents: unknown, permission: string) => boolean;
    expect(['media', 'hid', 'serial', 'usb', 'clipboard-sanitized-write'].map((p) => check({}, p))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const device = handlers.get('device') as (details: unknown) => boolean;
    expect(device({ deviceType: 'usb', origin: 'app://shm-inspector' })).toBe(false);
  });
});
