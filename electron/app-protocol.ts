/**
 * The handler of the app:// scheme: serves the built UI's files (renderer/dist) and nothing
 * else, with the CSP as a response header. Pure Node (fs, Request, Response) so that it is
 * tested on real files without Electron.
 *
 * Reads are synchronous on purpose: in the packaged app the files are inside app.asar, and
 * Electron's asar support covers the synchronous fs calls used here (realpathSync,
 * statSync, readFileSync). The files are the UI's few small ones.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAppUrl } from './app-origin';
import { CONTENT_SECURITY_POLICY } from './security';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The content type of a UI file, by its extension; unknown kinds are served as opaque bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type AppFile = { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * The file under `root` that an app:// URL names, after every check: the app's origin
 * exactly, a path that decodes cleanly (so `%2e%2e` and `%2f` count), no `..`, `\` or NUL,
 * and, after following every link, a regular file inside the real `root`.
 */
export function resolveAppFile(root: string, url: string): AppFile {
  const parsed = parseAppUrl(url);
  if (parsed === null) return { ok: false, status: 404, reason: 'not the app’s origin' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    return { ok: false, status: 400, reason: 'forbidden character' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.includes('..') || segments.includes('.')) return { ok: false, status: 400, reason: 'dot segment' };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(path.join(realRoot, relative));
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!real.startsWith(realRoot + path.sep)) return { ok: false, status: 404, reason: 'outside the UI’s directory' };
  if (!statSync(real, { throwIfNoEntry: false })?.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real };
}

const COMMON_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Answers one app:// request from the UI's directory `root`: GET and HEAD only. */
export function serveAppRequest(root: string, request: Request): Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { ...COMMON_HEADERS, Allow: 'GET, HEAD' } });
  }
  const found = resolveAppFile(root, request.url);
  if (!found.ok) return new Response(null, { status: found.status, headers: COMMON_HEADERS });
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = new Uint8Array(readFileSync(found.file));
  } catch {
    return new Response(null, { status: 404, headers: COMMON_HEADERS });
  }
  const headers = { ...COMMON_HEADERS, 'Content-Type': contentTypeOf(found.file) };
  return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
}
