import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import type { InspectorApi, PatchSink, RequestContext } from '../core/inspector/inspector-api';
import type { InspectorItem, Patch, RequestChannel, Result } from '../protocol/channels';
import { decodeServerMessage, websocketProtocols, type ServerMessage } from '../protocol/websocket-messages';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from './browser-host';
import { MAX_PENDING_REQUESTS } from './websocket-connection';

/**
 * Stands in for the engine: these tests are about the transport (tokens, Host and Origin
 * checks, static files, the message format), and the Inspector service is tested on its
 * own in core/inspector/. It records what the host asks of it.
 */
class RecordingInspector implements InspectorApi {
  readonly calls: { channel: string; request: unknown; context: RequestContext }[] = [];
  readonly sinks = new Set<PatchSink>();
  closed = false;

  /** 'hang': never answers; a number: answers with a value of that many bytes. */
  reply: 'seq' | 'hang' | number = 'seq';

  handle(channel: RequestChannel, request: unknown, context: RequestContext): Promise<Result<never>> {
    this.calls.push({ channel, request, context });
    if (this.reply === 'hang') return new Promise(() => undefined);
    if (typeof this.reply === 'number') return Promise.resolve({ ok: true, value: 'x'.repeat(this.reply) as never });
    return Promise.resolve({ ok: true, value: { seq: this.calls.length } as never });
  }

  /** The patch each subscriber gets first. */
  snapshot: Patch = snapshot;

  subscribe(sink: PatchSink): () => void {
    this.sinks.add(sink);
    sink.send(this.snapshot);
    return () => this.sinks.delete(sink);
  }

  close(): void {
    this.closed = true;
  }
}

const snapshot: Patch = { seq: 1, full: true, header: null, upserts: [], removals: [], samples: [] };

const INDEX_HTML = '<!doctype html><title>renderer</title>';
const SECRET = 'outside the static directory';

let work: string;
let staticDir: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'browser-host-'));
  staticDir = path.join(work, 'dist');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(path.join(work, 'package.json'), SECRET);
  symlinkSync(path.join(work, 'package.json'), path.join(staticDir, 'link.json'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

let host: BrowserHost | null = null;
let inspector: RecordingInspector;

afterEach(async () => {
  await host?.close();
  host = null;
});

async function start(options: Partial<BrowserHostOptions> = {}): Promise<BrowserHost> {
  inspector = new RecordingInspector();
  host = await startBrowserHost({ inspector, port: 0, host: '127.0.0.1', staticDir, ...options });
  return host;
}

const tokenOf = (started: BrowserHost): string => new URL(started.url).hash.replace(/^#token=/, '');

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP GET: unlike fetch, it sends the path unnormalised and lets us set Host. */
function get(port: number, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path: target, headers, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Resolves with the status of a refused handshake, or rejects if the server accepted it. */
function refusedStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('the handshake was accepted')));
    socket.on('error', () => undefined);
  });
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

/** A message as the page reads it; one that is not in the format fails the test. */
function readMessage(data: unknown): ServerMessage {
  const message = decodeServerMessage(String(data));
  if (message === null) throw new Error(`not a server message: ${String(data).slice(0, 200)}`);
  return message;
}

function nextMessage(socket: WebSocket): Promise<ServerMessage> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(readMessage(data))));
}

/** The response to request `id`, skipping patches. */
function responseTo(socket: WebSocket, id: number): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const listen = (data: unknown): void => {
      const message = readMessage(data);
      if (message.type !== 'response' || message.id !== id) return;
      socket.off('message', listen);
      resolve(message);
    };
    socket.on('message', listen);
  });
}

function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

const wsUrl = (started: BrowserHost): string => `ws://127.0.0.1:${started.port}/ws`;

/** A WebSocket presenting the token as the page does: as a subprotocol. */
function socketWithToken(started: BrowserHost, token = tokenOf(started), options: ClientOptions = {}): WebSocket {
  return new WebSocket(wsUrl(started), websocketProtocols(token), options);
}

describe('HTTP', () => {
  it('serves the static files without a token: they are the public build output', async () => {
    const started = await start();
    const page = await get(started.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toBe(INDEX_HTML);
  });

  it('never sets a cookie, and a token in the query is neither needed nor traded (the old cookie path is gone)', async () => {
    const started = await start();
    for (const target of ['/', `/?token=${tokenOf(started)}`, `/assets/app.js?token=${tokenOf(started)}&x=1`]) {
      const reply = await get(started.port, target);
      expect(reply.status, target).toBe(200);
      expect(reply.headers['set-cookie'], target).toBeUndefined();
      expect(reply.headers.location, target).toBeUndefined();
    }
  });

  it('refuses a foreign Host (DNS rebinding)', async () => {
    const started = await start();
    const reply = await get(started.port, '/', { Host: `evil.example:${started.port}` });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('renderer');
  });

  it('accepts the loopback names for a loopback bind', async () => {
    const started = await start();
    for (const name of ['localhost', '127.0.0.1', '[::1]']) {
      expect((await get(started.port, '/', { Host: `${name}:${started.port}` })).status).toBe(200);
    }
  });

  it('never serves a file outside the static directory', async () => {
    const started = await start();
    for (const target of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%2fpackage.json',
      '/link.json',
      '/%00',
      '/%E0%A4%A',
      '//evil.example/',
    ]) {
      const reply = await get(started.port, target);
      expect(reply.status, target).toBeGreaterThanOrEqual(400);
      expect(reply.body, target).not.toContain(SECRET);
    }
  });

  it('serves files with their content type, HEAD without a body, and nothing for other methods', async () => {
    const started = await start();
    const script = await get(started.port, '/assets/app.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log(1);');
    const head = await get(started.port, '/assets/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('15');
    expect(head.body).toBe('');
    expect((await get(started.port, '/assets/app.js', {}, 'POST')).status).toBe(405);
    expect((await get(started.port, '/missing.js')).status).toBe(404);
    expect((await get(started.port, '/assets/')).status).toBe(404);
  });

  it('sends the security headers on every response, refusals included', async () => {
    const started = await start();
    for (const reply of [
      await get(started.port, '/', { Host: `evil.example:${started.port}` }),
      await get(started.port, '/'),
    ]) {
      expect(reply.headers['content-security-policy']).toContain("default-src 'self'");
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('says how to build the renderer when it is not built', async () => {
    const started = await start({ staticDir: path.join(work, 'not-built') });
    const reply = await get(started.port, '/');
    expect(reply.status).toBe(503);
    expect(reply.body).toContain('npm run build:renderer');
  });
});

describe('WebSocket', () => {
  it('refuses a handshake without the token', async () => {
    const started = await start();
    expect(await refusedStatus(new WebSocket(wsUrl(started)))).toBe(403);
    expect(await refusedStatus(new WebSocket(wsUrl(started), ['shm-inspector.v2']))).toBe(403);
    expect(inspector.sinks.size).toBe(0);
  });

  it('refuses a wrong token, and two tokens', async () => {
    const started = await start();
    expect(await refusedStatus(socketWithToken(started, 'f'.repeat(64)))).toBe(403);
    const two = [...websocketProtocols(tokenOf(started)), `shm-inspector.token.${'f'.repeat(64)}`];
    expect(await refusedStatus(new WebSocket(wsUrl(started), two))).toBe(403);
  });

  it('refuses the token without the format subprotocol', async () => {
    const started = await start();
    const tokenOnly = websocketProtocols(tokenOf(started)).slice(1);
    expect(await refusedStatus(new WebSocket(wsUrl(started), tokenOnly))).toBe(403);
  });

  it('refuses the old ways of presenting the token: a cookie, a query parameter', async () => {
    const started = await start();
    const own = { origin: `http://127.0.0.1:${started.port}` };
    const cookie = `shm-inspector-token-${started.port}=${tokenOf(started)}`;
    expect(await refusedStatus(new WebSocket(wsUrl(started), { ...own, headers: { Cookie: cookie } }))).toBe(403);
    expect(await refusedStatus(new WebSocket(`${wsUrl(started)}?token=${tokenOf(started)}`, own))).toBe(403);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const started = await start();
    for (const origin of ['http://evil.example', 'http://127.0.0.1:1']) {
      expect(await refusedStatus(socketWithToken(started, tokenOf(started), { origin })), origin).toBe(403);
    }
  });

  it('refuses a foreign Host even with the token', async () => {
    const started = await start();
    const socket = socketWithToken(started, tokenOf(started), { headers: { Host: `evil.example:${started.port}` } });
    expect(await refusedStatus(socket)).toBe(403);
  });

  it('refuses another path', async () => {
    const started = await start();
    const socket = new WebSocket(`ws://127.0.0.1:${started.port}/other`, websocketProtocols(tokenOf(started)));
    expect(await refusedStatus(socket)).toBe(404);
  });

  it('accepts the token with the page Origin, selects the format subprotocol, sends the snapshot and answers requests by id', async () => {
    const started = await start();
    const socket = socketWithToken(started, tokenOf(started), { origin: `http://127.0.0.1:${started.port}` });
    const first = nextMessage(socket);
    await opened(socket);
    // The token is not echoed back.
    expect(socket.protocol).toBe('shm-inspector.v2');
    expect(await first).toEqual({ type: 'patch', patch: snapshot });

    const answer = responseTo(socket, 41);
    socket.send(JSON.stringify({ type: 'request', id: 41, channel: 'scan-now', request: {} }));
    expect(await answer).toEqual({ type: 'response', id: 41, result: { ok: true, value: { seq: 1 } } });
    expect(inspector.calls).toEqual([
      { channel: 'scan-now', request: {}, context: { via: 'websocket', readOnly: false } },
    ]);

    const closed = closeCode(socket);
    socket.close();
    await closed;
    await expect.poll(() => inspector.sinks.size).toBe(0);
  });

  it('sends a large snapshot with its items packed, which reads back as the items', async () => {
    const started = await start();
    // The host carries items without reading them: a few fields of each stand for a whole segment.
    const items: InspectorItem[] = Array.from({ length: 40 }, (_, index) => {
      const name = `pulse-shm-${1000 + index}`;
      const segment = { name, size: 4136, state: index % 4 === 0 ? 'stale' : 'live', owner: null };
      return { id: `seg:${name}`, type: 'segment', segment } as unknown as InspectorItem;
    });
    inspector.snapshot = { ...snapshot, upserts: items };
    const socket = socketWithToken(started, tokenOf(started), { origin: `http://127.0.0.1:${started.port}` });
    const text = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    await opened(socket);
    const received = await text;
    expect(received).toContain('"packedUpserts"');
    expect(received.length).toBeLessThan(JSON.stringify({ type: 'patch', patch: inspector.snapshot }).length / 2);
    expect(decodeServerMessage(received)).toEqual({ type: 'patch', patch: inspector.snapshot });
    socket.close();
  });

  it('passes read-only to the inspector when started read-only', async () => {
    const started = await start({ readOnly: true });
    const socket = socketWithToken(started);
    await opened(socket);
    const answer = responseTo(socket, 1);
    socket.send(JSON.stringify({ type: 'request', id: 1, channel: 'create', request: { size: 1 } }));
    await answer;
    expect(inspector.calls[0]?.context).toEqual({ via: 'websocket', readOnly: true });
    socket.close();
  });

  it('answers an unknown channel with invalid-request and keeps the socket', async () => {
    const started = await start();
    const socket = socketWithToken(started);
    await opened(socket);
    const answer = responseTo(socket, 7);
    socket.send(JSON.stringify({ type: 'request', id: 7, channel: 'toString', request: {} }));
    expect(await answer).toMatchObject({
      type: 'response',
      id: 7,
      result: { ok: false, error: { code: 'invalid-request' } },
    });
    expect(inspector.calls).toEqual([]);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it.each([
    ['not JSON', 'scan-now please'],
    ['not a request', JSON.stringify({ type: 'hello' })],
    ['a fractional id', JSON.stringify({ type: 'request', id: 1.5, channel: 'scan-now', request: {} })],
    ['an extra field', JSON.stringify({ type: 'request', id: 1, channel: 'scan-now', request: {}, x: 1 })],
    ['a binary message', Buffer.from('{}')],
  ])('closes the socket with 1008 on %s', async (_name, message) => {
    const started = await start();
    const socket = socketWithToken(started);
    await opened(socket);
    const closed = closeCode(socket);
    socket.send(message);
    expect(await closed).toBe(1008);
    expect(inspector.calls).toEqual([]);
    await expect.poll(() => inspector.sinks.size).toBe(0);
  });

  it('closes the socket on a message over 1 MiB', async () => {
    const started = await start();
    const socket = socketWithToken(started);
    await opened(socket);
    const closed = closeCode(socket);
    socket.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });

  it('closes open sockets when the host closes', async () => {
    const started = await start();
    const socket = socketWithToken(started);
    await opened(socket);
    const closed = closeCode(socket);
    await started.close();
    host = null;
    expect(await closed).toBe(1001);
    expect(inspector.sinks.size).toBe(0);
  });
});

/** Resolves with how long `socket` stayed open, or with null if it is still open after `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<number | null> {
  const opened = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - opened);
    });
  });
}

function rawConnection(started: BrowserHost): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(started.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('bounded connections', () => {
  it('closes a connection that has not opened an authenticated WebSocket by the deadline, idle or slow', async () => {
    const started = await start({ limits: { unauthenticatedMs: 300 } });
    const idle = await rawConnection(started);
    const slow = await rawConnection(started);
    slow.write('GET / HTTP/1.1\r\n');
    const [idleOpen, slowOpen] = await Promise.all([closedWithin(idle, 3_000), closedWithin(slow, 3_000)]);
    expect(idleOpen).not.toBeNull();
    expect(slowOpen).not.toBeNull();
    expect(idleOpen).toBeGreaterThanOrEqual(250);
  });

  it('keeps an authenticated WebSocket open past that deadline', async () => {
    const started = await start({ limits: { unauthenticatedMs: 300 } });
    const socket = socketWithToken(started);
    await opened(socket);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('refuses connections beyond the cap, and accepts again once one closes', async () => {
    const started = await start({ limits: { maxConnections: 3 } });
    const held = await Promise.all([rawConnection(started), rawConnection(started), rawConnection(started)]);
    const extra = await rawConnection(started);
    expect(await closedWithin(extra, 2_000)).not.toBeNull();
    for (const socket of held) expect(socket.destroyed).toBe(false);

    const gone = held.pop();
    const goneClosed = closedWithin(gone as Socket, 2_000);
    gone?.destroy();
    await goneClosed;
    await expect.poll(async () => (await get(started.port, '/')).status).toBe(200);
    for (const socket of held) socket.destroy();
  });
});

describe('bounded work per connection', () => {
  const scanNow = (id: number) => JSON.stringify({ type: 'request', id, channel: 'scan-now', request: {} });

  it('closes a connection with more requests waiting for an answer than the cap, and serves no more of them', async () => {
    const started = await start();
    inspector.reply = 'hang';
    const socket = socketWithToken(started);
    await opened(socket);
    const closed = closeCode(socket);
    for (let id = 1; id <= 200; id += 1) socket.send(scanNow(id));
    expect(await closed).toBe(1008);
    expect(inspector.calls.length).toBeLessThanOrEqual(MAX_PENDING_REQUESTS + 1);
    await expect.poll(() => inspector.sinks.size).toBe(0);
  });

  it('closes a connection that does not read its replies once they exceed the buffer cap', async () => {
    const started = await start();
    inspector.reply = 64 * 1024;
    const socket = socketWithToken(started);
    await opened(socket);
    // The client stops reading: replies pile up in the kernel's buffers, then in the host's.
    socket.pause();
    for (let id = 1; id <= 2000 && inspector.sinks.size > 0; id += 1) {
      socket.send(scanNow(id));
      if (id % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await expect.poll(() => inspector.sinks.size, { timeout: 5_000 }).toBe(0);
    // Each reply is 64 KiB: the host stopped after the kernel's buffers and its own cap, far from 2000 (125 MiB).
    expect(inspector.calls.length).toBeLessThan(400);
    socket.terminate();
  });
});

describe('binding', () => {
  it('refuses a non-loopback host without allowRemote', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/s);
  });

  it('listens on a non-loopback host with allowRemote, and warns', async () => {
    const warnings: string[] = [];
    const started = await start({ host: '0.0.0.0', allowRemote: true, warn: (text) => warnings.push(text) });
    expect(warnings.join('\n')).toMatch(/Anyone who can reach it and has the token/);
    expect(started.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/#token=[0-9a-f]{64}$/);
    expect((await get(started.port, '/')).status).toBe(200);
  });

  it('prints a URL with a fresh 64-hex-digit token in its fragment each run', async () => {
    const first = tokenOf(await start());
    await host?.close();
    const second = tokenOf(await start());
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
  });
});
