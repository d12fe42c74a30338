import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isTrustedSender, secureWebPreferences } from './security';

describe('secureWebPreferences', () => {
  it('isolates the renderer: context isolation and sandbox on, no Node anywhere, the preload given', () => {
    expect(secureWebPreferences('/app/preload.js')).toMatchObject({
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

  it('has a CSP that allows only the app’s own scripts and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: 'file:///opt/shm-inspector/renderer/dist/index.html' };
  const prefix = 'file:///opt/shm-inspector/renderer/dist';

  it('accepts the window’s own top frame loaded from the app', () => {
    expect(isTrustedSender({ senderFrame: mainFrame }, mainFrame, prefix)).toBe(true);
  });

  it('refuses other frames, a navigated frame, and a missing frame', () => {
    expect(isTrustedSender({ senderFrame: { url: mainFrame.url } }, mainFrame, prefix)).toBe(false);
    const navigated = { url: 'https://evil.example/' };
    expect(isTrustedSender({ senderFrame: navigated }, navigated, prefix)).toBe(false);
    expect(isTrustedSender({ senderFrame: null }, mainFrame, prefix)).toBe(false);
  });

  it('refuses a page from a sibling directory whose name merely starts like the app’s', () => {
    const sibling = { url: 'file:///opt/shm-inspector/renderer/dist-other/index.html' };
    expect(isTrustedSender({ senderFrame: sibling }, sibling, prefix)).toBe(false);
  });
});
