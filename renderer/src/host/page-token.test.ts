import { afterEach, describe, expect, it } from 'vitest';
import { takePageToken } from './page-token';

const TOKEN = 'ab'.repeat(32);
const page = () => ({ location: window.location, history: window.history, storage: window.sessionStorage });

afterEach(() => {
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

describe('takePageToken', () => {
  it('moves the token from the fragment to sessionStorage and out of the address bar', () => {
    window.history.replaceState(null, '', `/index.html?x=1#token=${TOKEN}`);
    expect(takePageToken(page())).toBe(TOKEN);
    expect(window.sessionStorage.getItem('shm-inspector-token')).toBe(TOKEN);
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe('/index.html?x=1');
    expect(window.location.href).not.toContain(TOKEN);
  });

  it('finds the stored token again after a reload without a fragment', () => {
    window.history.replaceState(null, '', `/#token=${TOKEN}`);
    takePageToken(page());
    expect(takePageToken(page())).toBe(TOKEN);
  });

  it('has no token when the page was not opened from the printed address', () => {
    expect(takePageToken(page())).toBeNull();
  });

  it('drops a malformed token from the address bar without storing it', () => {
    window.history.replaceState(null, '', '/#token=not-hex');
    expect(takePageToken(page())).toBeNull();
    expect(window.location.href).not.toContain('not-hex');
  });
});
