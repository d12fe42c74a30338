import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOf, resolveAppFile, serveAppRequest } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './security';

/**
 * On real files: a UI directory (`dist`) with a page, an asset, a directory and links, and
 * beside it a sibling `dist-other` and a secret that must never be served. Node's own
 * Request and Response stand in for the ones protocol.handle passes (the same web types).
 */
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-app-protocol-'));
  root = path.join(base, 'dist');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>UI</title>');
  writeFileSync(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'notes.weird'), 'bytes');
  mkdirSync(path.join(base, 'dist-other'));
  writeFileSync(path.join(base, 'dist-other', 'secret.txt'), 'secret');
  writeFileSync(path.join(base, 'secret.txt'), 'secret');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
  symlinkSync(path.join(base, 'dist-other'), path.join(root, 'dir-out'));
  symlinkSync(path.join(root, 'index.html'), path.join(root, 'link-in.html'));
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET'): Response => serveAppRequest(root, new Request(url, { method }));

describe('resolveAppFile', () => {
  it('serves the page for the origin’s root and for /index.html, and the UI’s assets', () => {
    const index = path.join(root, 'index.html');
    expect(resolveAppFile(root, 'app://shm-inspector/')).toEqual({ ok: true, file: index });
    expect(resolveAppFile(root, 'app://shm-inspector')).toEqual({ ok: true, file: index });
    expect(resolveAppFile(root, 'app://shm-inspector/index.html?x=1#top')).toEqual({ ok: true, file: index });
    expect(resolveAppFile(root, 'app://shm-inspector/assets/index-1.js')).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'index-1.js'),
    });
    // A link that stays inside the UI's directory is followed.
    expect(resolveAppFile(root, 'app://shm-inspector/link-in.html')).toEqual({ ok: true, file: index });
  });

  it('refuses every way out of the directory: .., encoded .. and /, symlinks out, the sibling directory', () => {
    for (const url of [
      'app://shm-inspector/../secret.txt',
      'app://shm-inspector/%2e%2e/secret.txt',
      'app://shm-inspector/..%2fsecret.txt',
      'app://shm-inspector/assets%2f..%2f..%2fsecret.txt',
      'app://shm-inspector/%2E%2E%2Fdist-other%2Fsecret.txt',
      'app://shm-inspector/..%5csecret.txt',
      'app://shm-inspector/link-out.txt',
      'app://shm-inspector/dir-out/secret.txt',
      'app://shm-inspector/../dist-other/secret.txt',
    ]) {
      const found = resolveAppFile(root, url);
      expect(found, url).toMatchObject({ ok: false });
    }
  });

  it('refuses other origins: another host, a port, a user, another scheme', () => {
    for (const url of [
      'app://evil/index.html',
      'app://shm-inspector.evil/index.html',
      'app://shm-inspector:8080/index.html',
      'app://user@shm-inspector/index.html',
      'file:///etc/passwd',
      `file://${root}/index.html`,
      'https://shm-inspector/index.html',
      'not a url',
    ]) {
      expect(resolveAppFile(root, url), url).toMatchObject({ ok: false, status: 404 });
    }
  });

  it('refuses NUL, malformed encodings, directories and missing files', () => {
    expect(resolveAppFile(root, 'app://shm-inspector/index.html%00.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppFile(root, 'app://shm-inspector/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppFile(root, 'app://shm-inspector/assets')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(root, 'app://shm-inspector/missing.js')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(path.join(base, 'not-built'), 'app://shm-inspector/')).toMatchObject({ ok: false });
  });
});

describe('serveAppRequest', () => {
  it('answers with the file, its content type, the CSP and nosniff', async () => {
    const page = get('app://shm-inspector/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html><title>UI</title>');
    const script = get('app://shm-inspector/assets/index-1.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses what resolveAppFile refuses without a body, and methods other than GET and HEAD', async () => {
    const out = get('app://shm-inspector/link-out.txt');
    expect(out.status).toBe(404);
    expect(await out.text()).toBe('');
    expect(get('app://shm-inspector/..%2fsecret.txt').status).toBe(400);
    const post = get('app://shm-inspector/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = get('app://shm-inspector/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('contentTypeOf', () => {
  it('names the UI’s kinds of files and serves unknown ones as opaque bytes', () => {
    expect(contentTypeOf('a/b.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('favicon.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('notes.weird')).toBe('application/octet-stream');
  });
});
