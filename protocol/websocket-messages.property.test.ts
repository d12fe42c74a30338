/**
 * Properties of the browser host's wire format: any text a WebSocket may carry is either
 * a request envelope within its limits or null, never an exception; a request written
 * by the client reads back unchanged; only the contract's own channels are channels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRequestChannel, parseRequestEnvelope } from './websocket-messages';

/** The channels of protocol/channels.ts, listed here rather than read from the map under test. */
const CHANNELS = [
  'scan-now',
  'create',
  'plan-cleanup',
  'execute-cleanup',
  'lab-pool',
  'lab-srbchannel',
  'lab-stale',
  'lab-stop',
  'release',
  'get-settings',
  'set-settings',
];

/** An envelope as documented: `{ type: 'request', id, channel, request }` and nothing else. */
function isEnvelope(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const { type, id, channel } = record;
  return (
    Object.keys(record).every((key) => ['type', 'id', 'channel', 'request'].includes(key)) &&
    Object.hasOwn(record, 'request') &&
    type === 'request' &&
    typeof id === 'number' &&
    Number.isInteger(id) &&
    id >= 0 &&
    id <= Number.MAX_SAFE_INTEGER &&
    typeof channel === 'string' &&
    [...channel].length >= 1 &&
    [...channel].length <= 100
  );
}

const envelopeLike = fc
  .record(
    {
      type: fc.oneof(fc.constant('request'), fc.constantFrom('response', 'patch', 'Request', '', 1, null)),
      id: fc.oneof(fc.maxSafeNat(), fc.constantFrom(-1, 0.5, Number.MAX_SAFE_INTEGER + 1, 1e300, '1', null, true)),
      channel: fc.oneof(
        fc.constantFrom(...CHANNELS),
        fc.string({ maxLength: 110 }),
        fc.constantFrom('', 'x'.repeat(100), 'x'.repeat(101), '__proto__', 'toString', 7, null),
      ),
      request: fc.jsonValue({ maxDepth: 3 }),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));

describe('parseRequestEnvelope', () => {
  it('never throws: any text is null or an envelope within its limits, exactly when it is one', () => {
    const text = fc.oneof(
      { weight: 4, arbitrary: envelopeLike },
      { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(envelopeLike, fc.nat({ max: 200 }))
          .map(([whole, cut]) => whole.slice(0, Math.max(0, whole.length - cut))),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.nat({ max: 2000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
          .map(([depth, open, closed]) => `${open.repeat(depth)}${closed && open === '[' ? ']'.repeat(depth) : ''}`),
      },
    );
    fc.assert(
      fc.property(text, (message) => {
        let json: unknown;
        let isJson = true;
        try {
          json = JSON.parse(message);
        } catch {
          isJson = false;
        }
        const envelope = parseRequestEnvelope(message);
        expect(envelope !== null).toBe(isJson && isEnvelope(json));
        if (envelope !== null) expect(envelope).toEqual(json);
      }),
      { numRuns: 1500 },
    );
  });

  it('does not fall over on deep nesting inside a request', () => {
    for (const depth of [1_000, 100_000, 400_000]) {
      const text = `{"type":"request","id":1,"channel":"plan-cleanup","request":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expect(() => parseRequestEnvelope(text)).not.toThrow();
    }
  });

  it('reads back any request the client writes', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.constantFrom(...CHANNELS), fc.jsonValue(), (id, channel, request) => {
        const message = { type: 'request', id, channel, request };
        expect(parseRequestEnvelope(JSON.stringify(message))).toEqual(JSON.parse(JSON.stringify(message)));
      }),
    );
  });
});

describe('isRequestChannel', () => {
  it('is true exactly for the contract’s channels, never for names on Object.prototype', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...CHANNELS),
          fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), 'prototype', 'length'),
          fc.string(),
          fc.constantFrom(...CHANNELS).map((name) => name.toUpperCase()),
          fc.constantFrom(...CHANNELS).map((name) => `${name} `),
        ),
        (name) => {
          expect(isRequestChannel(name)).toBe(CHANNELS.includes(name));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
