import { describe, expect, it } from 'vitest';
import type { InspectorApi, PatchSink, RequestContext } from '../core/inspector/inspector-api';
import type { Patch } from '../protocol/channels';
import { APP_START_URL } from './app-origin';
import { IPC, wireIpc, type IpcMainLike } from './ipc-wiring';
import type { SenderEvent } from './security';

/** A window's web contents whose top frame is replaced, as Electron does on a reload or after a crash. */
function fakeContents(sent: Patch[]) {
  const contents = {
    mainFrame: { url: APP_START_URL },
    send: (_channel: string, patch: Patch) => sent.push(patch),
    reload() {
      contents.mainFrame = { url: APP_START_URL };
    },
  };
  return contents;
}

/**
 * Stands in for ipcMain and for the Inspector: these tests are about the wiring (sender
 * checks, channel checks, the patch stream); the Inspector itself is tested in core/.
 */
function setup() {
  const handlers = new Map<string, (event: SenderEvent, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: SenderEvent) => void>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    on: (channel, listener) => listeners.set(channel, listener),
  };
  const calls: { channel: string; request: unknown; context: RequestContext }[] = [];
  const sinks: PatchSink[] = [];
  const inspector: InspectorApi = {
    handle: async (channel, request, context) => {
      calls.push({ channel, request, context });
      return { ok: true, value: { seq: 1 } } as never;
    },
    subscribe: (sink) => {
      sinks.push(sink);
      return () => sinks.splice(sinks.indexOf(sink), 1);
    },
    close: () => undefined,
  };
  const sent: Patch[] = [];
  const hooked: Patch[] = [];
  const contents = fakeContents(sent);
  const window = { webContents: contents, destroyed: false, isDestroyed: () => window.destroyed };
  wireIpc(ipcMain, window, inspector, { patchSent: (patch) => hooked.push(patch) });
  const trusted = (): SenderEvent => ({ sender: contents, senderFrame: contents.mainFrame });
  const stranger: SenderEvent = { sender: contents, senderFrame: { url: APP_START_URL } };
  return { handlers, listeners, calls, sinks, sent, hooked, contents, window, trusted, stranger };
}

const patch: Patch = { seq: 1, full: true, header: null, upserts: [], removals: [], samples: [] };

describe('wireIpc', () => {
  it('passes a trusted request on a known channel to the Inspector, marked as IPC', async () => {
    const { handlers, calls, trusted } = setup();
    const result = await handlers.get(IPC.request)?.(trusted(), 'scan-now', {});
    expect(result).toEqual({ ok: true, value: { seq: 1 } });
    expect(calls).toEqual([{ channel: 'scan-now', request: {}, context: { via: 'ipc', readOnly: false } }]);
  });

  it('refuses a sender other than the window’s own frame, and never reaches the Inspector', async () => {
    const { handlers, calls, stranger } = setup();
    const result = await handlers.get(IPC.request)?.(stranger, 'create', { size: 1, mode: 0o700, memfd: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(calls).toEqual([]);
  });

  it('refuses channels outside the contract, including inherited property names', async () => {
    const { handlers, calls, trusted } = setup();
    for (const channel of ['delete-everything', 'constructor', '__proto__', 42]) {
      const result = await handlers.get(IPC.request)?.(trusted(), channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(calls).toEqual([]);
  });

  it('streams patches to the window once subscribed, only for a trusted sender, and stops on unsubscribe', () => {
    const { listeners, sinks, sent, hooked, trusted, stranger } = setup();
    listeners.get(IPC.subscribe)?.(stranger);
    expect(sinks).toHaveLength(0);
    listeners.get(IPC.subscribe)?.(trusted());
    sinks[0]?.send(patch);
    expect(sent).toEqual([patch]);
    expect(hooked).toEqual([patch]);
    listeners.get(IPC.subscribe)?.(trusted());
    expect(sinks).toHaveLength(1);
    listeners.get(IPC.unsubscribe)?.(trusted());
    expect(sinks).toHaveLength(0);
  });

  it('keeps working after a reload or a renderer crash gives the window a new top frame, and refuses the old one', async () => {
    const { handlers, listeners, calls, sinks, sent, contents } = setup();
    const before = { sender: contents, senderFrame: contents.mainFrame };
    contents.reload();
    const after = { sender: contents, senderFrame: contents.mainFrame };
    expect(await handlers.get(IPC.request)?.(after, 'scan-now', {})).toEqual({ ok: true, value: { seq: 1 } });
    expect(await handlers.get(IPC.request)?.(before, 'scan-now', {})).toMatchObject({ ok: false });
    expect(calls).toHaveLength(1);
    listeners.get(IPC.subscribe)?.(after);
    sinks[0]?.send(patch);
    expect(sent).toEqual([patch]);
  });

  it('refuses a frame of other web contents, and a top frame that left the app’s origin', async () => {
    const { handlers, calls, contents } = setup();
    const other = fakeContents([]);
    expect(
      await handlers.get(IPC.request)?.({ sender: other, senderFrame: other.mainFrame }, 'scan-now', {}),
    ).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    contents.mainFrame = { url: 'file:///opt/shm-inspector/resources/app.asar/renderer/dist/index.html' };
    expect(
      await handlers.get(IPC.request)?.({ sender: contents, senderFrame: contents.mainFrame }, 'scan-now', {}),
    ).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(calls).toEqual([]);
  });

  it('sends nothing and trusts nobody once the window is destroyed', async () => {
    const { handlers, listeners, sinks, sent, window, trusted } = setup();
    listeners.get(IPC.subscribe)?.(trusted());
    window.destroyed = true;
    sinks[0]?.send(patch);
    expect(sent).toEqual([]);
    expect(await handlers.get(IPC.request)?.(trusted(), 'scan-now', {})).toMatchObject({ ok: false });
  });
});
