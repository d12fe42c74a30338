/**
 * The InspectorHost of the browser: the contract carried over one WebSocket to the
 * browser host (protocol/websocket-messages.ts). The per-run token is presented as a
 * subprotocol of each handshake (`protocols`), so it goes only to the page's own origin.
 * Every connection starts with a full snapshot from the server, which is why a reconnect
 * needs no resubscribe message.
 */
import type {
  ErrorValue,
  InspectorHost,
  Patch,
  RequestChannel,
  RequestOf,
  ResponseOf,
  Result,
} from '../../../protocol/channels';
import { decodeServerMessage, WEBSOCKET_PATH, type ClientMessage } from '../../../protocol/websocket-messages';
import type { HostStatusEvent } from './host-status';

/** The part of the DOM WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface WebSocketHostOptions {
  url: string;
  /** The subprotocols every handshake offers: websocketProtocols(token). */
  protocols: string[];
  onStatus?: (event: HostStatusEvent) => void;
  /** Opens a socket; the DOM WebSocket unless a unit test passes its own. */
  openSocket?: (url: string, protocols: string[]) => SocketLike;
  /** Reconnect delays: doubling from `initialMs` up to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Whether the server that served the page answers HTTP now. A browser does not say why
   * a handshake failed: a server that answers but keeps refusing the handshake refuses
   * this page's token. Without a probe every failure counts as the server being away.
   */
  probe?: () => Promise<boolean>;
}

/** Handshakes refused in a row, with the server answering, before the page's token counts as refused. */
const REFUSALS_TO_GIVE_UP = 2;

export interface WebSocketHost extends InspectorHost {
  /** Closes the socket for good; pending requests resolve with a `disconnected` error. */
  close(): void;
}

const OPEN = 1;
const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 10_000 };

/** The WebSocket URL on the page's own origin: ws: for http:, wss: for https:. */
export function websocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WEBSOCKET_PATH}`;
}

const disconnected = (message: string): { ok: false; error: ErrorValue } => ({
  ok: false,
  error: { code: 'disconnected', message },
});

export function createWebSocketHost(options: WebSocketHostOptions): WebSocketHost {
  const openSocket = options.openSocket ?? ((url: string, protocols: string[]) => new WebSocket(url, protocols));
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const listeners = new Set<(patch: Patch) => void>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  /** Requests made while the socket is still opening. */
  let outbox: string[] = [];
  let socket: SocketLike | null = null;
  let sawSnapshot = false;
  let attempt = 0;
  let refusals = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let nextId = 1;

  const emit = (event: HostStatusEvent) => options.onStatus?.(event);

  const failPending = (message: string) => {
    const waiting = [...pending.values()];
    pending.clear();
    outbox = [];
    for (const resolve of waiting) resolve(disconnected(message));
  };

  const connect = () => {
    if (closed || socket || retryTimer) return;
    emit({ status: 'connecting', retryInMs: null });
    const ws = openSocket(options.url, options.protocols);
    socket = ws;
    sawSnapshot = false;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      refusals = 0;
      emit({ status: 'connected', retryInMs: null });
      const queued = outbox;
      outbox = [];
      for (const text of queued) ws.send(text);
    };
    ws.onmessage = (event) => {
      const message = typeof event.data === 'string' ? decodeServerMessage(event.data) : null;
      if (message?.type === 'patch') {
        if (message.patch.full) sawSnapshot = true;
        for (const listener of listeners) listener(message.patch);
      } else if (message?.type === 'response') {
        const resolve = pending.get(message.id);
        pending.delete(message.id);
        resolve?.(message.result);
      }
    };
    // A failed connection fires error then close: close alone decides what happens next.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending('the connection to the inspector host closed before it answered');
      if (closed) return;
      if (opened || !options.probe) {
        retryLater();
        return;
      }
      // Never opened: away, or refusing this page? Hold the retry until the probe says.
      retryTimer = setTimeout(() => undefined, 0);
      void options.probe().then((answers) => {
        if (closed) return;
        refusals = answers ? refusals + 1 : 0;
        if (refusals >= REFUSALS_TO_GIVE_UP) {
          closed = true;
          retryTimer = null;
          emit({ status: 'refused', retryInMs: null });
        } else {
          retryTimer = null;
          retryLater();
        }
      });
    };
  };

  const retryLater = () => {
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
    attempt += 1;
    emit({ status: 'disconnected', retryInMs: delay });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  /** Closes the current socket without the reconnect its close event would schedule. */
  const dropSocket = (why: string) => {
    const old = socket;
    socket = null;
    if (old) {
      old.onclose = null;
      old.close();
    }
    failPending(why);
  };

  /** Drops the current socket and opens a new one at once: the server greets it with a snapshot. */
  const reconnectNow = () => {
    dropSocket('the connection to the inspector host was restarted');
    connect();
  };

  return {
    request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      if (closed) return Promise.resolve(disconnected('the inspector host was closed'));
      if (retryTimer) return Promise.resolve(disconnected('not connected to the inspector host; reconnecting'));
      connect();
      return new Promise((resolve) => {
        const id = nextId;
        nextId += 1;
        pending.set(id, resolve as (result: Result<unknown>) => void);
        const message: ClientMessage = { type: 'request', id, channel, request };
        const text = JSON.stringify(message);
        if (socket?.readyState === OPEN) socket.send(text);
        else outbox.push(text);
      });
    },

    subscribe(listener) {
      listeners.add(listener);
      // The contract promises every subscriber a snapshot first; the server sends one per connection.
      if (sawSnapshot) reconnectNow();
      else connect();
      return () => {
        listeners.delete(listener);
      };
    },

    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      dropSocket('the inspector host was closed');
      listeners.clear();
    },
  };
}
