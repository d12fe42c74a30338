/**
 * One browser's WebSocket: requests in, responses and patches out, in the format of
 * protocol/websocket-messages.ts. A transport only: the Inspector service validates and
 * serves every request and decides what read-only refuses. Its limits bound what one
 * client can queue: requests waiting for answers, and replies waiting to be sent.
 */
import { WebSocket, type RawData } from 'ws';
import type { InspectorApi, RequestContext } from '../core/inspector/inspector-api';
import {
  CLOSE_POLICY_VIOLATION,
  isRequestChannel,
  MAX_MESSAGE_BYTES,
  encodeServerMessage,
  parseRequestEnvelope,
  type ServerMessage,
} from '../protocol/websocket-messages';

/** Requests a connection may have waiting for their answers; a client must not pipeline more. */
export const MAX_PENDING_REQUESTS = 32;

/**
 * Bytes a connection may have waiting to be sent once a reply is queued. Beyond it the
 * client is not reading its replies: the connection is cut, so they cannot grow the
 * host's memory. Checked after replies only: the first snapshot of a large directory
 * (10,000 segments) is several MiB, and patches are coalesced, not queued, for a client
 * that falls behind.
 */
export const MAX_BUFFERED_BYTES = 16 * MAX_MESSAGE_BYTES;

/** How long a connection closed for breaking a limit gets to finish the closing handshake. */
const CLOSE_GRACE_MS = 1000;

/** Close code when the engine broke its promise never to throw (RFC 6455, 7.4.1: internal error). */
const CLOSE_INTERNAL_ERROR = 1011;

function sendMessage(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(encodeServerMessage(message));
}

/** Wires one accepted WebSocket to the inspector until it closes. */
export function serveConnection(socket: WebSocket, inspector: InspectorApi, context: RequestContext): void {
  // A client that does not read its patches fills our send buffer: the service then
  // coalesces changes for it instead of queueing them here.
  const unsubscribe = inspector.subscribe({
    send: (patch) => sendMessage(socket, { type: 'patch', patch }),
    ready: () => socket.readyState === WebSocket.OPEN && socket.bufferedAmount < MAX_MESSAGE_BYTES,
  });
  socket.on('close', unsubscribe);
  // 'close' follows every error; there is nothing else to do about one.
  socket.on('error', () => undefined);

  let pending = 0;
  /** Closes for a broken limit; a client that does not read never finishes the handshake, so it is cut after a grace. */
  const closeFor = (reason: string): void => {
    socket.close(CLOSE_POLICY_VIOLATION, reason);
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  };
  const cutIfOverBuffered = (): void => {
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) socket.terminate();
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    // After a close, messages already received are not served.
    if (socket.readyState !== WebSocket.OPEN) return;
    const envelope = isBinary ? null : parseRequestEnvelope(data.toString());
    if (envelope === null) {
      socket.close(CLOSE_POLICY_VIOLATION, 'expected a JSON request message');
      return;
    }
    if (pending >= MAX_PENDING_REQUESTS) {
      closeFor(`more than ${MAX_PENDING_REQUESTS} requests waiting for an answer`);
      return;
    }
    const { id, channel, request } = envelope;
    if (!isRequestChannel(channel)) {
      const error = { code: 'invalid-request', message: `unknown channel "${channel}"` };
      sendMessage(socket, { type: 'response', id, result: { ok: false, error } });
      return;
    }
    pending += 1;
    inspector.handle(channel, request, context).then(
      (result) => {
        pending -= 1;
        sendMessage(socket, { type: 'response', id, result });
        cutIfOverBuffered();
      },
      (error: unknown) => {
        pending -= 1;
        process.stderr.write(`shm-inspector serve: ${channel} failed: ${(error as Error).stack ?? String(error)}\n`);
        socket.close(CLOSE_INTERNAL_ERROR, 'internal error');
      },
    );
  });
}
