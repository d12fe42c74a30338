/**
 * The app's own origin. The UI is served from a custom privileged scheme rather than
 * file://, so that CSP 'self' and the IPC sender check mean exactly the built UI and not
 * any file on the disk (Electron's security checklist, "avoid the file:// protocol").
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'shm-inspector';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** The URL parsed, when it is on the app's origin exactly (no user, password or port), else null. */
export function parseAppUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const exact =
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === '';
  return exact ? parsed : null;
}

/** Whether `url` is on the app's origin. */
export const isAppUrl = (url: string): boolean => parseAppUrl(url) !== null;
