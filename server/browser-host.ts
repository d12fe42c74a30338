/**
 * The browser host: the built renderer over HTTP and the Inspector contract over a
 * WebSocket at /ws, so the app runs on a machine without a display. Loopback only unless
 * asked otherwise; every use of the API needs the per-run token (see access-guard.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { InspectorApi, RequestContext } from '../core/inspector/inspector-api';
import { MAX_MESSAGE_BYTES, WEBSOCKET_PATH, WEBSOCKET_PROTOCOL } from '../protocol/websocket-messages';
import { AccessGuard, isLoopbackHost, urlHost } from './access-guard';
import { DEFAULT_CONNECTION_LIMITS, limitConnections, type ConnectionLimits } from './connection-limits';
import { defaultStaticDir, serveStatic } from './static-files';
import { serveConnection } from './websocket-connection';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7325;

/** How long clients get to finish the closing handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

/** On every HTTP response: the renderer loads only its own files and talks only to its own origin. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface BrowserHostOptions {
  inspector: InspectorApi;
  /** Default 7325; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Anything but loopback needs `allowRemote`. */
  host?: string;
  /** Passed to every request's context: the service then refuses create, clean and the lab. */
  readOnly?: boolean;
  /** The built renderer; default renderer/dist at the repository root. */
  staticDir?: string;
  allowRemote?: boolean;
  /** Bounds on connections (DEFAULT_CONNECTION_LIMITS); tests shorten them. */
  limits?: Partial<ConnectionLimits>;
  /** Where the warning about a non-loopback bind goes; default stderr. */
  warn?: (message: string) => void;
}

export interface BrowserHost {
  /** The address to open, with the token in its fragment (`/#token=...`), which browsers never send. */
  url: string;
  port: number;
  /** Closes every WebSocket and stops listening. */
  close(): Promise<void>;
}

function refuse(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

/** Answers an upgrade we will not accept, the way `ws` does, and drops the connection. */
function refuseUpgrade(socket: Duplex, status: 403 | 404, text: string): void {
  const reason = status === 403 ? 'Forbidden' : 'Not Found';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts serving; resolves once listening. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new RangeError(`port must be a whole number from 0 to 65535, not ${requestedPort}`);
  }
  if (!isLoopbackHost(host)) {
    if (options.allowRemote !== true) {
      throw new Error(
        `refusing to listen on ${host}: it is not a loopback address, and anyone who can reach it and ` +
          'has the token could delete segments. Pass --allow-remote (allowRemote) to do it anyway.',
      );
    }
    (options.warn ?? ((message: string) => process.stderr.write(`${message}\n`)))(
      `Warning: SHM Inspector is listening on ${host}, not only on this machine. Anyone who can reach ` +
        'it and has the token can create and delete shared memory segments as this user.',
    );
  }
  const staticDir = options.staticDir ?? defaultStaticDir();
  const context: RequestContext = { via: 'websocket', readOnly: options.readOnly === true };

  const server = createServer();
  const gate = limitConnections(server, { ...DEFAULT_CONNECTION_LIMITS, ...options.limits });
  const port = await listen(server, requestedPort, host);
  const guard = new AccessGuard(host, port);
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    // Selects the format's subprotocol, never the one that carries the token (upgradeRefusal checked both).
    handleProtocols: () => WEBSOCKET_PROTOCOL,
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    // Static files are the public build output: they need no token, only a Host naming this server.
    if (!guard.hostAllowed(request)) {
      refuse(response, 403, 'Forbidden: this server does not answer to that Host name.');
      return;
    }
    serveStatic(request, response, staticDir).catch(() => response.destroy());
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = (request.url ?? '').split('?', 1)[0];
    if (pathname !== WEBSOCKET_PATH) {
      refuseUpgrade(socket, 404, 'Not found.');
      return;
    }
    const refusal = guard.upgradeRefusal(request);
    if (refusal !== null) {
      refuseUpgrade(socket, 403, `Forbidden: ${refusal}.`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      gate.authenticated(socket as Socket);
      serveConnection(client, options.inspector, context);
    });
  });

  return {
    url: `http://${urlHost(host)}:${port}/#token=${guard.token}`,
    port,
    async close() {
      const clients = [...sockets.clients];
      // Resolved once every client has closed, and so unsubscribed from the inspector.
      const clientsClosed = clients.map((client) => new Promise((resolve) => client.once('close', resolve)));
      for (const client of clients) client.close(1001, 'SHM Inspector is stopping');
      const cut = setTimeout(() => clients.forEach((client) => client.terminate()), CLOSE_GRACE_MS);
      const serverClosed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await Promise.all([...clientsClosed, serverClosed]);
      clearTimeout(cut);
      gate.stop();
      sockets.close();
    },
  };
}
