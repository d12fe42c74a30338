import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Patch } from '../../../protocol/channels';
import { encodeServerMessage, type ServerMessage } from '../../../protocol/websocket-messages';
import { fullPatch, incrementalPatch, memfdItem, segment, segmentItem } from '../test-support/fixtures';
import type { HostStatusEvent } from './host-status';
import { createWebSocketHost, websocketUrl, type SocketLike } from './websocket-host';

/** A socket the test drives: it opens, receives and closes when told to. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** Delivers `message` as the browser host writes it (a large patch's items packed); `hello` is outside the format. */
  receive(message: ServerMessage | { type: 'hello' }) {
    const data = message.type === 'hello' ? JSON.stringify(message) : encodeServerMessage(message);
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code: 1006 }));
  }
}

let sockets: FakeSocket[];
let statuses: HostStatusEvent[];
const last = () => sockets[sockets.length - 1] as FakeSocket;

function host(probe?: () => Promise<boolean>) {
  return createWebSocketHost({
    ...(probe ? { probe } : {}),
    url: 'ws://localhost:8080/ws',
    protocols: ['shm-inspector.v2', 'shm-inspector.token.abc'],
    onStatus: (event) => statuses.push(event),
    openSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
    backoff: { initialMs: 100, maxMs: 400 },
  });
}

beforeEach(() => {
  sockets = [];
  statuses = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('createWebSocketHost', () => {
  it('builds the URL on the page origin, wss for https', () => {
    expect(websocketUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/ws');
    expect(websocketUrl({ protocol: 'https:', host: 'example.org' })).toBe('wss://example.org/ws');
  });

  it('offers the token subprotocols on every handshake, reconnects included', async () => {
    const h = host();
    h.subscribe(() => {});
    last().drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets.map((socket) => socket.protocols)).toEqual([
      ['shm-inspector.v2', 'shm-inspector.token.abc'],
      ['shm-inspector.v2', 'shm-inspector.token.abc'],
    ]);
  });

  it('hands patches to subscribers and stops after unsubscribe', () => {
    const h = host();
    const seen: Patch[] = [];
    const unsubscribe = h.subscribe((patch) => seen.push(patch));
    last().open();
    last().receive({ type: 'patch', patch: fullPatch([]) });
    unsubscribe();
    last().receive({ type: 'patch', patch: incrementalPatch(2, {}) });
    expect(seen.map((patch) => patch.seq)).toEqual([1]);
    expect(statuses.map((event) => event.status)).toEqual(['connecting', 'connected']);
  });

  it('sends requests with fresh ids once open and resolves each with its own response', async () => {
    const h = host();
    const first = h.request('scan-now', {});
    const second = h.request('get-settings', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([
      { type: 'request', id: 1, channel: 'scan-now', request: {} },
      { type: 'request', id: 2, channel: 'get-settings', request: {} },
    ]);
    last().receive({ type: 'response', id: 2, result: { ok: true, value: { rescanMs: 1000, sampleHz: 10 } } });
    last().receive({ type: 'response', id: 1, result: { ok: true, value: { seq: 5 } } });
    await expect(first).resolves.toEqual({ ok: true, value: { seq: 5 } });
    await expect(second).resolves.toEqual({ ok: true, value: { rescanMs: 1000, sampleHz: 10 } });
  });

  it('answers pending requests with a disconnected error when the socket closes, and while it is down', async () => {
    const h = host();
    h.subscribe(() => {});
    last().open();
    const pending = h.request('scan-now', {});
    last().drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    await expect(h.request('scan-now', {})).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
  });

  it('reconnects with a doubling, capped backoff and takes the new snapshot', () => {
    const h = host();
    const seen: Patch[] = [];
    h.subscribe((patch) => seen.push(patch));
    last().drop();
    expect(statuses[statuses.length - 1]).toEqual({ status: 'disconnected', retryInMs: 100 });
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop();
    expect(statuses[statuses.length - 1]).toEqual({ status: 'disconnected', retryInMs: 200 });
    vi.advanceTimersByTime(200);
    last().drop();
    vi.advanceTimersByTime(400);
    last().drop();
    expect(statuses[statuses.length - 1]).toEqual({ status: 'disconnected', retryInMs: 400 });
    vi.advanceTimersByTime(400);
    last().open();
    last().receive({ type: 'patch', patch: fullPatch([], 9) });
    expect(seen.map((patch) => [patch.seq, patch.full])).toEqual([[9, true]]);
    // A successful connection resets the backoff.
    last().drop();
    expect(statuses[statuses.length - 1]).toEqual({ status: 'disconnected', retryInMs: 100 });
  });

  it('gives a late subscriber its own snapshot by opening a fresh connection', () => {
    const h = host();
    h.subscribe(() => {});
    last().open();
    last().receive({ type: 'patch', patch: fullPatch([]) });
    const late: Patch[] = [];
    h.subscribe((patch) => late.push(patch));
    expect(sockets).toHaveLength(2);
    last().open();
    last().receive({ type: 'patch', patch: fullPatch([], 3) });
    expect(late.map((patch) => patch.full)).toEqual([true]);
  });

  it('hands listeners a large snapshot, packed on the wire, as the items the host sent', () => {
    const h = host();
    const seen: Patch[] = [];
    h.subscribe((patch) => seen.push(patch));
    last().open();
    const items = [memfdItem(7), ...Array.from({ length: 40 }, (_, i) => segmentItem(segment(`pulse-shm-${i}`)))];
    const snapshot = fullPatch(items, 4);
    last().receive({ type: 'patch', patch: snapshot });
    expect(seen).toEqual([snapshot]);
  });

  it('ignores messages outside the format', () => {
    const h = host();
    const seen: Patch[] = [];
    h.subscribe((patch) => seen.push(patch));
    last().open();
    last().onmessage?.(new MessageEvent('message', { data: 'not json' }));
    last().receive({ type: 'hello' });
    expect(seen).toEqual([]);
  });

  it('close() stops reconnecting and fails pending requests', async () => {
    const h = host();
    h.subscribe(() => {});
    last().open();
    const pending = h.request('scan-now', {});
    h.close();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });

  it('stops retrying and says refused when the server answers but keeps refusing the handshake (a new token)', async () => {
    let serverUp = true;
    host(() => Promise.resolve(serverUp)).subscribe(() => {});
    last().drop(); // refused before it opened; the server answers HTTP
    await vi.runAllTimersAsync();
    expect(sockets).toHaveLength(2); // one refusal could be a passing limit: tried again
    last().drop();
    await vi.runAllTimersAsync();
    expect(statuses.at(-1)).toEqual({ status: 'refused', retryInMs: null });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2); // and never again

    // A server that is away is retried for as long as it takes.
    sockets = [];
    statuses = [];
    serverUp = false;
    host(() => Promise.resolve(serverUp)).subscribe(() => {});
    for (let attempt = 0; attempt < 4; attempt += 1) {
      last().drop();
      await vi.runAllTimersAsync();
    }
    expect(sockets).toHaveLength(5);
    expect(statuses.some((event) => event.status === 'refused')).toBe(false);
  });
});
