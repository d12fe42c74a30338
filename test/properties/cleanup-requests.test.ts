/**
 * Properties of cleanup requests as the hosts carry them to the Inspector service, on real
 * files: the service's own `handle` (what every host calls with an unknown request), the
 * Electron IPC wiring (with a stand-in ipcMain, as the renderer's requests arrive), and a
 * real browser host over a real WebSocket (raw text and binary frames included). Whatever
 * the sequence of requests, nothing outside the scratch directory changes, nothing is
 * removed that a plan the engine made (and the rules) did not list, a plan runs at most
 * once, a read-only host removes and creates nothing, and every answer is a Result.
 */
import fc from 'fast-check';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { InspectorApi, RequestContext } from '../../core/inspector/inspector-api';
import { createInspector } from '../../core/inspector/inspector-service';
import { requestSchemas, type RequestChannel, type Result } from '../../protocol/channels';
import type { CleanupOptions, CleanupResult } from '../../protocol/cleanup';
import { CLOSE_POLICY_VIOLATION, parseRequestEnvelope, websocketProtocols } from '../../protocol/websocket-messages';
import { fixtureSpecs, requestOptionPicks, resolveOptions, type OptionPicks } from '../support/cleanup-arbitraries';
import { checkAfterRun, expectedRemovals, snapshot } from '../support/cleanup-oracle';
import { cleanupWorldForFile, type CleanupWorld, isPulseName, type Fixture } from '../support/cleanup-world';
import { APP_START_URL } from '../../electron/app-origin';
import { IPC, wireIpc } from '../../electron/ipc-wiring';
import type { SenderEvent } from '../../electron/security';
import { startBrowserHost } from '../../server/browser-host';
import { names } from '../support/segments';

let world: CleanupWorld;
cleanupWorldForFile((started) => (world = started));

const KNOWN_CHANNELS = Object.keys(requestSchemas);
/** Channels an arbitrary request may go to without making processes or large files. */
const HARMLESS = ['scan-now', 'get-settings', 'set-settings', 'lab-stop'];

/** Any value, including the ones JSON cannot carry and objects without a prototype. */
const anyValue = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, maxDepth: 3 });
const oddValue = fc.oneof(
  anyValue,
  fc.constantFrom(true, 'true', 1, 0, -0, null, [], ['../x'], {}, 'pulse-shm-1', Number.NaN, Infinity),
);

/** A field of a plan request to bend: changed, removed, or added. */
const bend = fc.record({
  key: fc.constantFrom('includeZombie', 'includeReused', 'force', 'dryRun', 'extra', '__proto__', 'constructor'),
  value: fc.option(oddValue, { nil: undefined }),
});

type Step =
  | { plan: OptionPicks; bend: { key: string; value: unknown } | null }
  | { planAnything: unknown }
  | { execute: { made: number } | { latest: true } | { id: unknown }; extra: boolean }
  | {
      create: {
        size: number;
        mode: number;
        memfd: boolean;
        holdSeconds: number | undefined;
        self: boolean;
        bends: { key: string; value: unknown }[];
      };
    }
  | { flow: OptionPicks }
  | { channel: unknown; request: unknown }
  | { raw: string; binary: boolean };

/** Values to put in a create request's fields: out of range, of the wrong type, or extra fields. */
const createBend = fc.record({
  key: fc.constantFrom('size', 'mode', 'memfd', 'holdSeconds', 'markerPid', 'path', 'name', 'dir', '__proto__'),
  value: fc.oneof(
    fc.constantFrom(0, -1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 30 + 1, 2 ** 53, 4_194_305, 86_401),
    fc.constantFrom(0o577, 0o1700, 0o4700, 0o7777, 0o1000, -384, 384.5, 0.5),
    fc.constantFrom('4096', '0700', '1', 'true', null, true, [], {}, '../x', '/etc/passwd', undefined),
  ),
});

/** A valid create request (small sizes only), with up to two fields bent. */
const createBody = fc.record({
  size: fc.constantFrom(1, 40, 4096, 65536),
  mode: fc.constantFrom(0o600, 0o640, 0o700, 0o777),
  memfd: fc.boolean(),
  holdSeconds: fc.option(fc.constantFrom(0, 30, 86_400), { nil: undefined }),
  self: fc.boolean(),
  bends: fc.array(createBend, { maxLength: 2 }),
});

const otherChannel = fc.oneof(
  fc.constantFrom(...HARMLESS),
  fc.constantFrom(
    '__proto__',
    'toString',
    'constructor',
    'hasOwnProperty',
    'CREATE',
    'create ',
    'execute-cleanup\0',
    '',
  ),
  fc.string().filter((name) => !KNOWN_CHANNELS.includes(name) || HARMLESS.includes(name)),
  fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.array(fc.constant('create'))),
);

const rawText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({
      type: fc.constantFrom('request', 'response', 'Request', 1),
      id: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 2 ** 53, '1', null)),
      channel: fc.oneof(fc.constantFrom(...HARMLESS, 'x'.repeat(101), ''), fc.string()),
      request: fc.jsonValue({ maxDepth: 2 }),
    })
    .map((envelope) => JSON.stringify(envelope)),
  fc
    .nat({ max: 200_000 })
    .map(
      (depth) =>
        `{"type":"request","id":7,"channel":"plan-cleanup","request":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      plan: requestOptionPicks,
      bend: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: bend }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ planAnything: anyValue }) },
  {
    weight: 5,
    arbitrary: fc.record({
      execute: fc.oneof(
        { weight: 4, arbitrary: fc.record({ latest: fc.constant(true as const) }) },
        { weight: 2, arbitrary: fc.record({ made: fc.nat() }) },
        {
          weight: 1,
          arbitrary: fc.record({
            id: fc.oneof(fc.uuid(), fc.string(), anyValue, fc.constantFrom('', 'x'.repeat(101), '__proto__')),
          }),
        },
      ),
      extra: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ create: createBody }) },
  { weight: 4, arbitrary: fc.record({ flow: requestOptionPicks }) },
  { weight: 2, arbitrary: fc.record({ channel: otherChannel, request: anyValue }) },
  { weight: 2, arbitrary: fc.record({ raw: rawText, binary: fc.boolean() }) },
);

const steps = fc.array(step, { minLength: 1, maxLength: 5 });

/** What a transport did with one message: the service's answer, or the connection closed on it. */
type Outcome = { result: Result<unknown> } | { closed: number } | { skipped: true };

interface Transport {
  /** The request as the service will see it (JSON over a WebSocket). */
  wire(value: unknown): unknown;
  send(channel: unknown, request: unknown): Promise<Outcome>;
  raw(text: string, binary: boolean): Promise<Outcome>;
  /** The error code every request that changes the system gets (a read-only host, a stranger), or null. */
  refusal: 'read-only' | 'untrusted-sender' | null;
  close(): Promise<void>;
}

function expectResultShape(result: Result<unknown>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(Object.keys(result.error).sort()).toEqual(['code', 'message']);
    expect(result.error.code).toMatch(/^[A-Za-z-]+$/);
    expect(result.error.message.length).toBeGreaterThan(0);
  }
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  // As JSON.parse would: an own property, even for __proto__.
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Runs the steps through a transport and checks each answer against the fixture; returns
 * the names a plan made by the engine listed and its execution reported removed, and the
 * names created.
 */
async function runSteps(
  transport: Transport,
  fixture: Fixture,
  present: Set<string>,
  list: readonly Step[],
): Promise<{ removed: Set<string>; created: Set<string>; madeSomething: boolean }> {
  const plans: { id: string; options: CleanupOptions; remove: string[] }[] = [];
  const executed = new Set<string>();
  const removed = new Set<string>();
  const created = new Set<string>();
  let madeSomething = false;
  const answered = (outcome: Outcome): Result<unknown> | null => {
    if ('skipped' in outcome) return null;
    if ('closed' in outcome) {
      expect(outcome.closed, 'a malformed message closes with 1008, never 1011').toBe(CLOSE_POLICY_VIOLATION);
      return null;
    }
    expectResultShape(outcome.result);
    return outcome.result;
  };

  // A flow is a plan and, at once, its execution: the path a user takes.
  const expanded = list.flatMap((item): Step[] =>
    'flow' in item
      ? [
          { plan: item.flow, bend: null },
          { execute: { latest: true }, extra: false },
        ]
      : [item],
  );
  for (const item of expanded) {
    if ('flow' in item) continue;
    if ('plan' in item || 'planAnything' in item) {
      let request: unknown;
      if ('plan' in item) {
        const options = resolveOptions(item.plan, world, fixture);
        const body: Record<string, unknown> = { ...options };
        if (item.bend) setKey(body, item.bend.key, item.bend.value);
        request = body;
      } else request = item.planAnything;
      const result = answered(await transport.send('plan-cleanup', request));
      if (!result) continue;
      if (!result.ok) {
        expect(result.error.code).toMatch(/^(invalid-request|untrusted-sender)$/);
        continue;
      }
      const plan = result.value as { planId: string; options: CleanupOptions; remove: { name: string }[] } & {
        keep: { name: string }[];
      };
      // Accepted only as a valid request, and planned exactly as the rules say.
      expect(plan.options).toEqual(transport.wire(request));
      expect(names(plan.remove)).toEqual(expectedRemovals(fixture, present, plan.options));
      expect(names([...plan.remove, ...plan.keep])).toEqual([...present, ...created].sort());
      plans.push({ id: plan.planId, options: plan.options, remove: names(plan.remove) });
    } else if ('execute' in item) {
      const made =
        'made' in item.execute
          ? plans[item.execute.made % Math.max(plans.length, 1)]
          : 'latest' in item.execute
            ? plans.at(-1)
            : undefined;
      const planId = 'id' in item.execute ? item.execute.id : (made?.id ?? 'no-plan-yet');
      const request: Record<string, unknown> = { planId };
      if (item.extra) request.dryRun = true;
      const result = answered(await transport.send('execute-cleanup', request));
      if (!result) continue;
      if (!result.ok) {
        expect(result.error.code).toMatch(/^(invalid-request|not-found|read-only|untrusted-sender)$/);
        if (transport.refusal) expect(result.error.code).toBe(transport.refusal);
        continue;
      }
      expect(transport.refusal).toBeNull();
      const plan = plans.find((candidate) => candidate.id === planId);
      expect(plan, 'only a plan the engine made runs').toBeDefined();
      expect(executed.has(String(planId)), 'a plan runs at most once').toBe(false);
      executed.add(String(planId));
      const value = result.value as CleanupResult;
      const expected = (plan?.remove ?? []).filter((name) => present.has(name));
      expect(value.dryRun).toBe(false);
      expect(names(value.removed)).toEqual(expected);
      for (const name of expected) {
        present.delete(name);
        removed.add(name);
      }
    } else if ('create' in item) {
      const { size, mode, memfd, holdSeconds, self, bends } = item.create;
      const body: Record<string, unknown> = { size, mode, memfd };
      if (holdSeconds !== undefined) body.holdSeconds = holdSeconds;
      if (self && !memfd) body.markerPid = process.pid;
      for (const bent of bends) setKey(body, bent.key, bent.value);
      const result = answered(await transport.send('create', body));
      if (!result) continue;
      if (!result.ok) {
        expect(result.error.code).toMatch(/^(invalid-request|read-only|untrusted-sender)$/);
        if (transport.refusal) expect(result.error.code).toBe(transport.refusal);
        continue;
      }
      expect(transport.refusal).toBeNull();
      madeSomething = true;
      const sent = transport.wire(body) as Record<string, unknown>;
      const made = result.value as { kind: string; name: string; path: string | null; dataSize: number; mode: number };
      // Re-checked independently: the documented limits, on the request and on the file.
      expect(
        Object.keys(sent).every((key) => ['size', 'mode', 'memfd', 'holdSeconds', 'markerPid'].includes(key)),
      ).toBe(true);
      expect(made.dataSize).toBe(sent.size);
      expect(Number.isInteger(made.dataSize) && made.dataSize > 0 && made.dataSize <= 2 ** 30).toBe(true);
      expect(made.mode).toBe(sent.mode);
      expect(Number.isInteger(made.mode) && made.mode >= 0o600 && made.mode <= 0o777).toBe(true);
      if (made.kind === 'posix') {
        expect(isPulseName(made.name)).toBe(true);
        expect(made.path).toBe(path.join(world.scratch, made.name));
        const stats = statSync(made.path ?? '');
        expect(stats.size).toBe(made.dataSize + 40);
        expect(stats.mode & 0o7777).toBe(made.mode);
        created.add(made.name);
      } else {
        expect(made.path).toBeNull();
      }
    } else if ('channel' in item) {
      const result = answered(await transport.send(item.channel, item.request));
      if (result && !result.ok && !(typeof item.channel === 'string' && HARMLESS.includes(item.channel))) {
        expect(result.error.code).toMatch(/^(invalid-request|untrusted-sender)$/);
      }
      if (result?.ok) expect(HARMLESS).toContain(item.channel);
    } else {
      answered(await transport.raw(item.raw, item.binary));
    }
  }
  return { removed, created, madeSomething };
}

/**
 * One service for many runs: its first scan costs more than a run. It is replaced after
 * a run that created something, which it holds mapped until it closes.
 */
let shared: InspectorApi | null = null;
afterAll(() => shared?.close());

/** One run: build, send, check; every transport shares it. */
async function runOnce(
  specs: Parameters<CleanupWorld['build']>[0],
  list: readonly Step[],
  open: (inspector: InspectorApi) => Promise<Transport>,
): Promise<void> {
  let transport: Transport | null = null;
  let fresh = false;
  try {
    const fixture = world.build(specs);
    const before = snapshot(world);
    const present = new Set(before.scratch.keys());
    shared ??= createInspector({ dir: world.scratch, watch: false, rescanMs: 60_000 });
    transport = await open(shared);
    const { removed, created, madeSomething } = await runSteps(transport, fixture, present, list);
    fresh = madeSomething;
    const { gone, added } = checkAfterRun(
      world,
      before,
      (name) => removed.has(name),
      (name) => created.has(name),
    );
    expect(gone).toEqual([...removed].sort());
    expect(added.sort()).toEqual([...created].sort());
    if (transport.refusal) expect([...gone, ...added]).toEqual([]);
  } finally {
    await transport?.close();
    if (fresh) {
      shared?.close();
      shared = null;
    }
    world.reset();
  }
}

const contexts = fc.record({
  via: fc.constantFrom<RequestContext['via']>('ipc', 'websocket', 'cli'),
  readOnly: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

describe('cleanup requests through the hosts, on real files', () => {
  it('the Inspector service (what every host calls): any sequence of requests removes only what an executed engine plan listed, and nothing outside', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureSpecs(8), steps, contexts, (specs, list, context) =>
        runOnce(specs, list, async (inspector) => ({
          refusal: context.readOnly ? 'read-only' : null,
          wire: (value) => value,
          send: async (channel, request) => ({
            result: await inspector.handle(channel as RequestChannel, request, context),
          }),
          raw: async () => ({ skipped: true }),
          close: async () => undefined,
        })),
      ),
      { numRuns: 100 },
    );
  });

  it('Electron IPC (the renderer’s path): any channel and request from the window, or from a stranger, keeps the same guarantees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fixtureSpecs(8),
        steps,
        fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        (specs, list, trusted) =>
          runOnce(specs, list, async (inspector) => {
            const webContents = { mainFrame: { url: APP_START_URL }, send: () => undefined };
            const event: SenderEvent = {
              sender: webContents,
              senderFrame: trusted ? webContents.mainFrame : { url: APP_START_URL },
            };
            let handler: ((event: SenderEvent, ...args: unknown[]) => unknown) | undefined;
            wireIpc(
              {
                handle: (channel, listener) => {
                  if (channel === IPC.request) handler = listener;
                },
                on: () => undefined,
              },
              { webContents, isDestroyed: () => false },
              inspector,
            );
            return {
              refusal: trusted ? null : 'untrusted-sender',
              wire: (value) => value,
              send: async (channel, request) => {
                const result = (await handler?.(event, channel, request)) as Result<unknown>;
                if (!trusted) expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
                return { result };
              },
              raw: async () => ({ skipped: true }),
              close: async () => undefined,
            };
          }),
      ),
      { numRuns: 60 },
    );
  });

  it('a real browser host over a real WebSocket: any frames, JSON or not, keep the same guarantees and never crash the host', async () => {
    await fc.assert(
      fc.asyncProperty(
        fixtureSpecs(8),
        steps,
        fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        (specs, list, readOnly) =>
          runOnce(specs, list, async (inspector) => {
            const host = await startBrowserHost({
              inspector,
              port: 0,
              host: '127.0.0.1',
              readOnly,
              staticDir: world.cwd,
            });
            const token = new URL(host.url).hash.replace(/^#token=/, '');
            const client = new SocketClient(`ws://127.0.0.1:${host.port}/ws`, websocketProtocols(token));
            let nextId = 1;
            return {
              refusal: readOnly ? 'read-only' : null,
              wire: (value) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown,
              send: async (channel, request) => {
                let text: string;
                try {
                  text = JSON.stringify({ type: 'request', id: nextId++, channel, request });
                } catch {
                  return { skipped: true }; // BigInt and cycles cannot be sent as JSON
                }
                return client.exchange(text, false);
              },
              raw: (text, binary) => client.exchange(text, binary),
              close: async () => {
                client.close();
                await host.close();
              },
            };
          }),
      ),
      { numRuns: 60 },
    );
  });
});

/** A WebSocket client that sends one message at a time and waits for its answer or the close. */
class SocketClient {
  private socket: WebSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly protocols: string[],
  ) {}

  private async connect(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(this.url, this.protocols);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    this.socket = socket;
    return socket;
  }

  /**
   * Sends `text` and resolves with the response to its id, or with the close code. A
   * message that is not a request envelope must close the connection (1008); any other
   * gets its response.
   */
  async exchange(text: string, binary: boolean): Promise<Outcome> {
    const socket = await this.connect();
    const envelope = binary ? null : parseRequestEnvelope(text);
    const outcome = await new Promise<Outcome>((resolve) => {
      const onMessage = (data: unknown): void => {
        const message = JSON.parse(String(data)) as { type: string; id?: number; result?: Result<unknown> };
        if (message.type === 'response' && (envelope === null || message.id === envelope.id)) {
          done({ result: message.result as Result<unknown> });
        }
      };
      const onClose = (code: number): void => done({ closed: code });
      const done = (value: Outcome): void => {
        socket.off('message', onMessage);
        socket.off('close', onClose);
        resolve(value);
      };
      socket.on('message', onMessage);
      socket.on('close', onClose);
      socket.send(binary ? Buffer.from(text) : text, { binary });
    });
    if (envelope === null) expect(outcome, 'a malformed message closes the connection').toHaveProperty('closed');
    else expect(outcome, 'a request envelope gets a response').toHaveProperty('result');
    return outcome;
  }

  close(): void {
    this.socket?.terminate();
    this.socket = null;
  }
}

describe('modes beyond 32 bits (a bug the properties found)', () => {
  it('a create request with mode 2^53 or 2^32 + 0o700 is refused, and makes no file', async () => {
    const inspector = createInspector({ dir: world.scratch, watch: false, rescanMs: 60_000 });
    try {
      for (const mode of [2 ** 53, 2 ** 32 + 0o700]) {
        const result = await inspector.handle(
          'create',
          { size: 4096, mode, memfd: false },
          {
            via: 'websocket',
            readOnly: false,
          },
        );
        // Today: accepted; the file gets mode 0000 (2^53) or 0700, and the answer says `mode: ${mode}`.
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
        expect(readdirSync(world.scratch)).toEqual([]);
      }
    } finally {
      inspector.close();
      world.reset();
    }
  });
});
