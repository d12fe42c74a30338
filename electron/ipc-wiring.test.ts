import { describe, expect, it } from 'vitest';
import type { InspectorApi, PatchSink, RequestContext } from '../core/inspector/inspector-api';
import type { Patch } from '../protocol/channels';
import { IPC, wireIpc, type IpcMainLike } from './ipc-wiring';
import type { SenderEvent } from './security';

const PREFIX = 'file:///app/renderer/dist';
const mainFrame = { url: `${PREFIX}/index.html` };
const trusted: SenderEvent = { senderFrame: mainFrame };
const stranger: SenderEvent = { senderFrame: { url: `${PREFIX}/index.html` } };

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
  wireIpc(
    ipcMain,
    { mainFrame, send: (_channel, patch) => sent.push(patch), isDestroyed: () => false },
    inspector,
    PREFIX,
  );
  return { handlers, listeners, calls, sinks, sent };
}

describe('wireIpc', () => {
  it('passes a trusted request on a known channel to the Inspector, marked as IPC', async () => {
    const { handlers, calls } = setup();
    const result = await handlers.get(IPC.request)?.(trusted, 'scan-now', {});
    expect(result).toEqual({ ok: true, value: { seq: 1 } });
    expect(calls).toEqual([{ channel: 'scan-now', request: {}, context: { via: 'ipc', readOnly: false } }]);
  });

  it('refuses a sender other than the window’s own frame, and never reaches the Inspector', async () => {
    const { handlers, calls } = setup();
    const result = await handlers.get(IPC.request)?.(stranger, 'create', { size: 1, mode: 0o700, memfd: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(calls).toEqual([]);
  });

  it('refuses channels outside the contract, including inherited property names', async () => {
    const { handlers, calls } = setup();
    for (const channel of ['delete-everything', 'constructor', '__proto__', 42]) {
      const result = await handlers.get(IPC.request)?.(trusted, channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(calls).toEqual([]);
  });

  it('streams patches to the window once subscribed, only for a trusted sender, and stops on unsubscribe', () => {
    const { listeners, sinks, sent } = setup();
    listeners.get(IPC.subscribe)?.(stranger);
    expect(sinks).toHaveLength(0);
    listeners.get(IPC.subscribe)?.(trusted);
    const patch: Patch = { seq: 1, full: true, header: null, upserts: [], removals: [], samples: [] };
    sinks[0]?.send(patch);
    expect(sent).toEqual([patch]);
    listeners.get(IPC.subscribe)?.(trusted);
    expect(sinks).toHaveLength(1);
    listeners.get(IPC.unsubscribe)?.(trusted);
    expect(sinks).toHaveLength(0);
  });
});
