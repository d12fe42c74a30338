import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Named apart from the page's own WebSocket, which the function given to page.evaluate uses.
import { WebSocket as NodeWebSocket } from 'ws';
import { expect, openApp, startServer, test, type InspectorServer } from './support/fixtures';

/** How a WebSocket handshake ended: the first message of an accepted one, or the refusal. */
type Handshake = { accepted: true; firstMessage: string } | { accepted: false; status: number; body: string };

/** Opens a raw WebSocket from Node, which (unlike a page) can send any Origin and Cookie. */
function handshake(url: string, headers: Record<string, string>): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new NodeWebSocket(url, { headers, handshakeTimeout: 5_000 });
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

const cookieFor = (server: InspectorServer): string => `shm-inspector-token-${server.port}=${server.token}`;
const wsUrl = (server: InspectorServer, query = ''): string => `ws://127.0.0.1:${server.port}/ws${query}`;

test('HTTP requests without the right token are refused; the token becomes an HttpOnly cookie', async ({
  playwright,
  children,
  scratch,
  server,
}) => {
  const fresh = await playwright.request.newContext({ baseURL: server.origin, maxRedirects: 0 });
  try {
    for (const target of ['/', '/index.html', '/favicon.svg']) {
      const refused = await fresh.get(target);
      expect(refused.status(), `${target} without a token`).toBe(403);
      expect(await refused.text()).toContain('open the address with the token');
    }
    const wrong = await fresh.get(`/?token=${'0'.repeat(server.token.length)}`);
    expect(wrong.status()).toBe(403);
    expect(await wrong.text()).toContain('wrong token');

    // The right token: a redirect that drops it from the address and sets the cookie.
    const granted = await fresh.get(`/?token=${server.token}`);
    expect(granted.status()).toBe(302);
    expect(granted.headers()['location']).toBe('/');
    const setCookie = granted.headers()['set-cookie'] ?? '';
    expect(setCookie).toContain(cookieFor(server));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    const page = await fresh.get('/');
    expect(page.status()).toBe(200);
    expect(page.headers()['content-type']).toContain('text/html');
    expect(page.headers()['content-security-policy']).toContain("connect-src 'self'");

    // A second server (read-only, another port) has its own token and cookie.
    const other = await startServer(children, scratch, { readOnly: true });
    expect(other.token).not.toBe(server.token);
    expect((await fresh.get(`${other.origin}/`)).status(), 'the first server’s cookie opens nothing else').toBe(403);
    expect((await fresh.get(`${other.origin}/?token=${server.token}`)).status()).toBe(403);
  } finally {
    await fresh.dispose();
  }

  // A DNS-rebound name reaches 127.0.0.1 but names another host: refused even with the cookie.
  const rebound = await rawGet(server, '/', { Host: `attacker.example:${server.port}`, Cookie: cookieFor(server) });
  expect(rebound.status).toBe(403);
  expect(rebound.body).toContain('does not answer to that Host name');
  expect((await rawGet(server, '/', { Cookie: cookieFor(server) })).status, 'the same request, own Host').toBe(200);
});

test('a WebSocket without the token, or from another Origin, is refused', async ({ server }) => {
  const own = server.origin;
  const foreign = 'http://attacker.example';

  const withoutToken = await handshake(wsUrl(server), {});
  expect(withoutToken).toMatchObject({ accepted: false, status: 403 });
  expect(withoutToken.accepted || withoutToken.body).toContain('missing or wrong token');

  const wrongToken = await handshake(wsUrl(server, `?token=${'f'.repeat(64)}`), { Origin: own });
  expect(wrongToken).toMatchObject({ accepted: false, status: 403 });

  // The right cookie or token, but a page of another origin: refused for its Origin.
  for (const [what, url, headers] of [
    ['cookie', wsUrl(server), { Origin: foreign, Cookie: cookieFor(server) }],
    ['token', wsUrl(server, `?token=${server.token}`), { Origin: foreign }],
    ['cookie, same host on another port', wsUrl(server), { Origin: 'http://127.0.0.1:1', Cookie: cookieFor(server) }],
  ] as const) {
    const refused = await handshake(url, headers);
    expect(refused, `foreign Origin with the ${what}`).toMatchObject({ accepted: false, status: 403 });
    expect(refused.accepted || refused.body).toContain('foreign Origin');
  }

  // The same handshakes from the app's own origin are served: the first message is the full state.
  for (const [url, headers] of [
    [wsUrl(server), { Origin: own, Cookie: cookieFor(server) }],
    [wsUrl(server, `?token=${server.token}`), {}],
  ] as const) {
    const accepted = await handshake(url, headers);
    expect(accepted.accepted).toBe(true);
    if (accepted.accepted) expect(JSON.parse(accepted.firstMessage)).toMatchObject({ type: 'patch' });
  }
});

test('a page of another origin cannot open the WebSocket, even with the cookie in the browser', async ({
  page,
  server,
}) => {
  // The browser holds the cookie, as after any normal visit.
  await openApp(page, server);
  const cookies = await page.context().cookies(server.origin);
  expect(cookies.map((cookie) => `${cookie.name}=${cookie.value}`)).toContain(cookieFor(server));

  // Another site on the same host (127.0.0.1, another port): the cookie is same-site, only the Origin tells.
  const foreign: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = foreign.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await expect(page.getByText('another site')).toBeVisible();
    const outcome = await page.evaluate(
      (url) =>
        new Promise<{ opened: boolean; code: number }>((resolve) => {
          const socket = new WebSocket(url);
          let opened = false;
          socket.onopen = () => {
            opened = true;
            socket.close();
          };
          socket.onclose = (event) => resolve({ opened, code: event.code });
        }),
      wsUrl(server),
    );
    // 1006: the handshake failed (the server answered 403), so the connection never opened.
    expect(outcome).toEqual({ opened: false, code: 1006 });
  } finally {
    await new Promise<void>((resolve) => foreign.close(() => resolve()));
  }
});
