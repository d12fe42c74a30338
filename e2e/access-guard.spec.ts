import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Named apart from the page's own WebSocket, which the function given to page.evaluate uses.
import { WebSocket as NodeWebSocket } from 'ws';
import { expect, openApp, startServer, test, type InspectorServer } from './support/fixtures';

/** How a WebSocket handshake ended: the first message of an accepted one, or the refusal. */
type Handshake = { accepted: true; firstMessage: string } | { accepted: false; status: number; body: string };

/** Opens a raw WebSocket from Node, which (unlike a page) can send any Origin and Cookie, offering `protocols`. */
function handshake(url: string, protocols: string[], headers: Record<string, string>): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new NodeWebSocket(url, protocols, { headers, handshakeTimeout: 5_000 });
    socket.once('message', (data: Buffer) => {
      socket.close();
      resolve({ accepted: true, firstMessage: data.toString('utf8') });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ accepted: false, status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    socket.once('error', reject);
  });
}

/** A plain HTTP GET from Node, with any Host header. */
function rawGet(server: InspectorServer, target: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port: server.port, path: target, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const oldCookie = (server: InspectorServer): string => `shm-inspector-token-${server.port}=${server.token}`;
const wsUrl = (server: InspectorServer, query = ''): string => `ws://127.0.0.1:${server.port}/ws${query}`;
/** The subprotocols the page offers: the format's, and the token. */
const protocols = (token: string): string[] => ['shm-inspector.v2', `shm-inspector.token.${token}`];

test('static files need no token and set no cookie; the old ?token= trade is gone; a foreign Host is refused', async ({
  playwright,
  server,
}) => {
  const fresh = await playwright.request.newContext({ baseURL: server.origin, maxRedirects: 0 });
  try {
    for (const target of ['/', '/index.html', '/favicon.svg', `/?token=${server.token}`]) {
      const reply = await fresh.get(target);
      expect(reply.status(), target).toBe(200);
      expect(reply.headers()['set-cookie'], target).toBeUndefined();
      expect(reply.headers()['location'], target).toBeUndefined();
    }
    const page = await fresh.get('/');
    expect(page.headers()['content-type']).toContain('text/html');
    expect(page.headers()['content-security-policy']).toContain("connect-src 'self'");
    expect(await page.text(), 'the page carries no secret').not.toContain(server.token);
  } finally {
    await fresh.dispose();
  }

  // A DNS-rebound name reaches 127.0.0.1 but names another host: refused.
  const rebound = await rawGet(server, '/', { Host: `attacker.example:${server.port}` });
  expect(rebound.status).toBe(403);
  expect(rebound.body).toContain('does not answer to that Host name');
  expect((await rawGet(server, '/', {})).status, 'the same request, own Host').toBe(200);
});

test('a WebSocket without the token, with the old cookie or query token, or from another Origin, is refused', async ({
  children,
  scratch,
  server,
}) => {
  const own = server.origin;
  const foreign = 'http://attacker.example';

  for (const [what, url, offered, headers] of [
    ['no token', wsUrl(server), ['shm-inspector.v2'], { Origin: own }],
    ['a wrong token', wsUrl(server), protocols('f'.repeat(64)), { Origin: own }],
    ['the old cookie', wsUrl(server), ['shm-inspector.v2'], { Origin: own, Cookie: oldCookie(server) }],
    ['the old query token', wsUrl(server, `?token=${server.token}`), ['shm-inspector.v2'], { Origin: own }],
  ] as const) {
    const refused = await handshake(url, [...offered], headers);
    expect(refused, what).toMatchObject({ accepted: false, status: 403 });
    expect(refused.accepted || refused.body, what).toContain('missing or wrong token');
  }

  // The right token, but a page of another origin: refused for its Origin.
  for (const origin of [foreign, 'http://127.0.0.1:1']) {
    const refused = await handshake(wsUrl(server), protocols(server.token), { Origin: origin });
    expect(refused, `Origin ${origin}`).toMatchObject({ accepted: false, status: 403 });
    expect(refused.accepted || refused.body).toContain('foreign Origin');
  }

  // Another server's token opens nothing here.
  const other = await startServer(children, scratch, { readOnly: true });
  expect(other.token).not.toBe(server.token);
  expect(await handshake(wsUrl(other), protocols(server.token), { Origin: other.origin })).toMatchObject({
    accepted: false,
    status: 403,
  });

  // The token from the app's own origin (or a client that sends no Origin) is served: first the full state.
  for (const headers of [{ Origin: own }, {}]) {
    const accepted = await handshake(wsUrl(server), protocols(server.token), headers);
    expect(accepted.accepted).toBe(true);
    if (accepted.accepted) expect(JSON.parse(accepted.firstMessage)).toMatchObject({ type: 'patch' });
  }
});

test('the page keeps the token in sessionStorage, out of the address bar and the cookie jar; without it the API is closed', async ({
  page,
  server,
}) => {
  await openApp(page, server);
  expect(page.url()).not.toContain(server.token);
  expect(await page.evaluate(() => window.sessionStorage.getItem('shm-inspector-token'))).toBe(server.token);
  expect(await page.context().cookies()).toEqual([]);

  // A reload in the same tab finds the token again.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');

  // A new tab at the bare address has no token: the page loads, the API refuses it.
  const bare = await page.context().newPage();
  await bare.goto(`${server.origin}/`);
  await expect(bare.getByTestId('connection-status')).toHaveText(/^Disconnected/);
  await expect(bare.getByRole('alert')).toContainText('open the address it prints');
  await bare.close();
});

test('a page of another origin cannot open the WebSocket, even with the token', async ({ page, server }) => {
  await openApp(page, server);

  // Another site on the same host (127.0.0.1, another port): only the Origin tells it apart.
  const foreign: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = foreign.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await expect(page.getByText('another site')).toBeVisible();
    // That origin's storage does not have the app's token.
    expect(await page.evaluate(() => window.sessionStorage.getItem('shm-inspector-token'))).toBeNull();
    const outcome = await page.evaluate(
      ([url, offered]) =>
        new Promise<{ opened: boolean; code: number }>((resolve) => {
          const socket = new WebSocket(url, offered);
          let opened = false;
          socket.onopen = () => {
            opened = true;
            socket.close();
          };
          socket.onclose = (event) => resolve({ opened, code: event.code });
        }),
      [wsUrl(server), protocols(server.token)] as const,
    );
    // 1006: the handshake failed (the server answered 403), so the connection never opened.
    expect(outcome).toEqual({ opened: false, code: 1006 });
  } finally {
    await new Promise<void>((resolve) => foreign.close(() => resolve()));
  }
});
