/**
 * The browser host checked from outside, as a browser uses it: the page with the token,
 * the UI's HTML, then the WebSocket and its first patch, which must be a full snapshot.
 * `serve --smoke` (and so `SHM_INSPECTOR_SMOKE=1 npm start`) runs it against itself.
 */
import { WebSocket } from 'ws';
import type { Patch } from '../protocol/channels';
import { WEBSOCKET_PATH, type ServerMessage } from '../protocol/websocket-messages';

export interface SmokeReport {
  /** Items in the first snapshot: segments, memfd pools, deleted segments. */
  items: number;
  dir: string;
}

const SMOKE_TIMEOUT_MS = 15_000;

/** The cookie that the page's redirect sets, as `name=value`. */
async function openPage(url: string): Promise<string> {
  const first = await fetch(url, { redirect: 'manual' });
  const cookie = first.headers.get('set-cookie')?.split(';', 1)[0];
  if (first.status !== 302 || cookie === undefined) {
    throw new Error(`the address with the token answered ${first.status}, not a redirect with a cookie`);
  }
  const page = await fetch(new URL(first.headers.get('location') ?? '/', url), { headers: { cookie } });
  const html = await page.text();
  if (page.status !== 200 || !/<script[^>]+src=/.test(html)) {
    throw new Error(`the UI's page answered ${page.status}${page.status === 200 ? ' without its script' : ''}`);
  }
  return cookie;
}

function firstPatch(url: string, cookie: string): Promise<Patch> {
  const origin = new URL(url).origin;
  const socket = new WebSocket(new URL(WEBSOCKET_PATH, origin.replace(/^http/, 'ws')), {
    headers: { cookie, origin },
  });
  return new Promise<Patch>((resolve, reject) => {
    socket.once('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'patch') resolve(message.patch);
      else reject(new Error(`the first WebSocket message was a ${message.type}, not a patch`));
    });
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`the WebSocket was refused (${response.statusCode})`)),
    );
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`the WebSocket closed (${code}) before a patch came`)));
  }).finally(() => socket.terminate());
}

/** Resolves with what the first snapshot holds; rejects with what failed, within 15 s. */
export async function smokeCheck(url: string): Promise<SmokeReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${SMOKE_TIMEOUT_MS / 1000} s`)), SMOKE_TIMEOUT_MS);
  });
  const check = async (): Promise<SmokeReport> => {
    const patch = await firstPatch(url, await openPage(url));
    if (!patch.full || patch.header === null) throw new Error('the first patch was not a full snapshot');
    return { items: patch.upserts.length, dir: patch.header.dir };
  };
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
