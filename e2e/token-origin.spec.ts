import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, openApp, test } from './support/fixtures';

interface SeenRequest {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Another local server (another user's, say) on another loopback port: it records everything it is sent. */
async function otherServer(seen: SeenRequest[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>another site</title><p>another site</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('the token stays with its origin: a server on another loopback port sees it in no header, path or body', async ({
  page,
  server,
}) => {
  const seen: SeenRequest[] = [];
  const other = await otherServer(seen);
  try {
    // The app loaded and connected: it has presented the token to its own server.
    await openApp(page, server);
    await expect(page.getByTestId('connection-status')).toHaveText('Connected');

    // Then the same browser visits the other server, by navigation and by a form POST.
    await page.goto(`${other.origin}/visit`);
    await expect(page.getByText('another site')).toBeVisible();
    await page.setContent(`<form method="post" action="${other.origin}/form"><input name="a" value="b"></form>`);
    await page.evaluate(() => document.querySelector('form')?.submit());
    await expect.poll(() => seen.map((request) => request.target)).toContain('/form');

    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const request of seen) {
      expect(JSON.stringify(request), `${request.method} ${request.target}`).not.toContain(server.token);
      expect(request.headers.cookie, `${request.method} ${request.target} carries no cookie`).toBeUndefined();
    }
    // Nothing of the app is in the browser's cookie jar at all.
    expect(await page.context().cookies()).toEqual([]);
  } finally {
    await new Promise<void>((resolve) => other.server.close(() => resolve()));
  }
});
