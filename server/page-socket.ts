/**
 * The browser host's WebSocket opened as its page opens it: the token taken from the
 * printed address's fragment and offered as a subprotocol, the page's origin in the
 * handshake. For `serve --smoke` and the tests that talk to a real host.
 */
import { WebSocket } from 'ws';
import { WEBSOCKET_PATH, websocketProtocols } from '../protocol/websocket-messages';

/** A socket to the host that printed `address` (`http://HOST:PORT/#token=...`), opening. */
export function pageSocket(address: string | URL): WebSocket {
  const { origin, hash } = new URL(address);
  const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
  const url = new URL(WEBSOCKET_PATH, origin.replace(/^http/, 'ws'));
  return new WebSocket(url, websocketProtocols(token), { headers: { origin } });
}

/** Resolves with the socket once it is open; rejects when the handshake fails. */
export function whenOpen(socket: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}
