/**
 * Bounds on the browser host's TCP connections: at most `maxConnections` at once (the
 * ones over are closed at once), and a connection that has not become an authenticated
 * WebSocket within `unauthenticatedMs` is closed, idle or not, whatever it is doing. A
 * local user holding thousands of idle sockets used to exhaust the host's descriptors.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections, WebSockets and static-file requests together. */
  maxConnections: number;
  /** How long a connection may live before its WebSocket handshake is accepted. */
  unauthenticatedMs: number;
}

/** Room for a few tabs and their static-file requests; far below the process's descriptors. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 32, unauthenticatedMs: 10_000 };

export interface ConnectionGate {
  /** The socket now carries an authenticated WebSocket: its deadline no longer applies. */
  authenticated(socket: Socket): void;
  /** Stops every deadline (the server is closing). */
  stop(): void;
}

export function limitConnections(server: Server, limits: ConnectionLimits): ConnectionGate {
  const deadlines = new Map<Socket, NodeJS.Timeout | null>();
  server.on('connection', (socket: Socket) => {
    if (deadlines.size >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    deadlines.set(
      socket,
      setTimeout(() => socket.destroy(), limits.unauthenticatedMs),
    );
    socket.once('close', () => {
      const timer = deadlines.get(socket);
      if (timer) clearTimeout(timer);
      deadlines.delete(socket);
    });
  });
  return {
    authenticated(socket) {
      const timer = deadlines.get(socket);
      if (timer) clearTimeout(timer);
      if (deadlines.has(socket)) deadlines.set(socket, null);
    },
    stop() {
      for (const timer of deadlines.values()) if (timer) clearTimeout(timer);
    },
  };
}
