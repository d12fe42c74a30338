/**
 * One browser's WebSocket: requests in, responses and patches out, in the format of
 * protocol/websocket-messages.ts. A transport only: the Inspector service validates and
 * serves every request and decides what read-only refuses.
 */
import { WebSocket, type RawData } from 'ws';
import type { InspectorApi, RequestContext } from '../core/inspector/inspector-api';
import {
  CLOSE_POLICY_VIOLATION,
  isRequestChannel,
  MAX_MESSAGE_BYTES,
  parseRequestEnvelope,
  type ServerMessage,
} from '../protocol/websocket-messages';

/** Close code when the engine broke its promise never to throw (RFC 6455, 7.4.1: internal error). */
const CLOSE_INTERNAL_ERROR = 1011;

function sendMessage(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
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

  socket.on('message', (data: RawData, isBinary: boolean) => {
    const envelope = isBinary ? null : parseRequestEnvelope(data.toString());
    if (envelope === null) {
      socket.close(CLOSE_POLICY_VIOLATION, 'expected a JSON request message');
      return;
    }
    const { id, channel, request } = envelope;
    if (!isRequestChannel(channel)) {
      const error = { code: 'invalid-request', message: `unknown channel "${channel}"` };
      sendMessage(socket, { type: 'response', id, result: { ok: false, error } });
      return;
    }
    inspector.handle(channel, request, context).then(
      (result) => sendMessage(socket, { type: 'response', id, result }),
      (error: unknown) => {
        process.stderr.write(`shm-inspector serve: ${channel} failed: ${(error as Error).stack ?? String(error)}\n`);
        socket.close(CLOSE_INTERNAL_ERROR, 'internal error');
      },
    );
  });
}
