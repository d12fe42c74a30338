/**
 * Serves the built renderer from one directory and nothing outside it: no '..' segments,
 * no symbolic links that lead out, regular files only, GET and HEAD only.
 */
import { constants, existsSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';

const HTML = 'text/html; charset=utf-8';

const CONTENT_TYPES: Record<string, string> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The renderer's build output, renderer/dist at the repository root. */
export function defaultStaticDir(): string {
  // This file runs from server/ (sources, tests), dist/server/ (compiled) or the CLI's
  // bundle, dist/bin/shm-inspector.js: the root is one or two levels up.
  const roots = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')];
  const root = roots.find((candidate) => existsSync(path.join(candidate, 'package.json'))) ?? roots[0];
  return path.join(root ?? '.', 'renderer', 'dist');
}

/**
 * The file under `root` that a request path names, or null when it could name something
 * outside `root`. The path is decoded first, so `%2e%2e` counts as '..'.
 */
export function resolveStaticPath(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return null;
  if (decoded.split('/').includes('..')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const resolved = path.resolve(root, relative);
  return resolved.startsWith(root + path.sep) ? resolved : null;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>SHM Inspector</title></head>
<body>
<h1>The renderer is not built</h1>
<p>SHM Inspector's browser host is running, but there is no user interface to serve yet.
Build it with <code>npm run build:renderer</code> in the repository, then reload this page.</p>
</body>
</html>
`;

function reply(response: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(head ? undefined : body);
}

const replyText = (response: ServerResponse, status: number, text: string, head: boolean): void =>
  reply(response, status, 'text/plain; charset=utf-8', `${text}\n`, head);

/** The real path of `file` if it is a regular file inside `realRoot`, after following every link. */
async function realFileInside(realRoot: string, file: string): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return null;
  }
  return real.startsWith(realRoot + path.sep) ? real : null;
}

/** Answers one request from `root` (its Host is already checked; the build output needs no token). */
export async function serveStatic(request: IncomingMessage, response: ServerResponse, root: string): Promise<void> {
  const head = request.method === 'HEAD';
  if (request.method !== 'GET' && !head) {
    response.setHeader('Allow', 'GET, HEAD');
    replyText(response, 405, 'Method not allowed.', false);
    return;
  }
  const requestPath = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const file = resolveStaticPath(path.resolve(root), requestPath);
  if (file === null) {
    replyText(response, 404, 'Not found.', head);
    return;
  }
  let realRoot: string;
  try {
    realRoot = await realpath(root);
    if (!(await stat(realRoot)).isDirectory()) throw new Error('not a directory');
  } catch {
    if (requestPath === '/' || requestPath === '/index.html') reply(response, 503, HTML, NOT_BUILT_PAGE, head);
    else replyText(response, 404, 'Not found: the renderer is not built.', head);
    return;
  }
  const real = await realFileInside(realRoot, file);
  // O_NOFOLLOW: the checked path has no links left, and a link swapped in since is refused.
  const handle = real === null ? null : await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  const info = handle === null ? null : await handle.stat().catch(() => null);
  if (handle === null || info === null || !info.isFile()) {
    await handle?.close();
    replyText(response, 404, 'Not found.', head);
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
  });
  if (head) {
    await handle.close();
    response.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-transfer.
  pipeline(handle.createReadStream(), response, () => undefined);
}
