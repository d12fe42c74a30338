/**
 * The browser host checked from outside, as a browser uses it: the UI's page, then the
 * WebSocket, presenting the token from the address's fragment, and its first patch,
 * which must be a full snapshot. `serve --smoke` (and so `SHM_INSPECTOR_SMOKE=1 npm
 * start`) runs it against itself.
 */
import type { Patch } from '../protocol/channels';
import { decodeServerMessage } from '../protocol/websocket-messages';
import { pageSocket } from './page-socket';

export interface SmokeReport {
  /** Items in the first snapshot: segments, memfd pools, deleted segments. */
  items: number;
  dir: string;
}

const SMOKE_TIMEOUT_MS = 15_000;

/** Loads the UI's page, which needs no token (it is the public build output). */
async function openPage(url: string): Promise<void> {
  const page = await fetch(new URL('/', url));
  const html = await page.text();
  if (page.status !== 200 || !/<script[^>]+src=/.test(html)) {
    throw new Error(`the UI's page answered ${page.status}${page.status === 200 ? ' without its script' : ''}`);
  }
}

function firstPatch(url: string): Promise<Patch> {
  const socket = pageSocket(url);
  return new Promise<Patch>((resolve, reject) => {
    socket.once('message', (data) => {
      const message = decodeServerMessage(String(data));
      if (message?.type === 'patch') resolve(message.patch);
      else
        reject(
          new Error(
            `the first WebSocket message was ${message ? `a ${message.type}` : 'outside the format'}, not a patch`,
          ),
        );
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
    await openPage(url);
    const patch = await firstPatch(url);
    if (!patch.full || patch.header === null) throw new Error('the first patch was not a full snapshot');
    return { items: patch.upserts.length, dir: patch.header.dir };
  };
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
