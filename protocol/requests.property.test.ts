/**
 * Properties of every request schema: for any value, the schema accepts it exactly when
 * it meets the documented limits (re-checked here from the README and the reference, not
 * with the limit functions under test), an accepted value comes out unchanged, and a
 * rejected one gets a message that names what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { requestSchemas } from './channels';
import { dataSizeProblem, entryNameProblem, modeProblem } from './limits';
import { nameBytesProblem } from './name-bytes';
import { describeIssues } from './requests';

/** 1 GiB: PulseAudio's MAX_SHM_SIZE (reference §1). */
const GIB = 1073741824;
/** PID_MAX_LIMIT on 64-bit Linux. */
const PID_LIMIT = 4194304;

/** UTF-8 bytes of a string, counted by UTF-16 code unit; a lone surrogate is written as U+FFFD (3 bytes). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit < 0x80 || (unit >= 0xdc80 && unit <= 0xdcff))
      bytes += 1; // an escaped byte is one byte
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** A name that can only denote an entry directly inside the directory (README "How it works"). */
const isEntryName = (name: unknown): boolean =>
  typeof name === 'string' &&
  name.length > 0 &&
  !name.includes('/') &&
  !name.includes('\0') &&
  name !== '.' &&
  name !== '..' &&
  nameBytesProblem(name) === null &&
  utf8Bytes(name) <= 255;

const isInt = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const isBool = (value: unknown): boolean => typeof value === 'boolean';
/** Length in code points: what the schemas count (a 100-character id may hold 100 emoji). */
const isText = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && [...value].length >= min && [...value].length <= max;

/** One field of a request: whether a value is acceptable, and whether it may be left out. */
interface Field {
  ok: (value: unknown) => boolean;
  optional?: boolean;
}

interface Rules {
  fields: Record<string, Field>;
  /** Rules across fields, on a value whose fields are all acceptable. */
  across?: (value: Record<string, unknown>) => boolean;
}

const forceNames: Field = {
  ok: (value) => Array.isArray(value) && value.length <= 10_000 && Array.from(value).every(isEntryName),
};

/** The documented limits of every channel (README "Command line" and "States", docs/json.md). */
const RULES: Record<keyof typeof requestSchemas, Rules> = {
  'scan-now': { fields: {} },
  create: {
    fields: {
      size: { ok: (value) => isInt(value, 1, GIB) },
      mode: { ok: (value) => isInt(value, 0o600, 0o777) },
      memfd: { ok: isBool },
      holdSeconds: { ok: (value) => isInt(value, 0, 86_400), optional: true },
      markerPid: { ok: (value) => isInt(value, 1, PID_LIMIT), optional: true },
    },
    across: (value) => !(value.memfd === true && value.markerPid !== undefined),
  },
  'plan-cleanup': {
    fields: {
      includeZombie: { ok: isBool },
      includeReused: { ok: isBool },
      force: forceNames,
      selected: { ...forceNames, optional: true },
    },
  },
  'execute-cleanup': {
    fields: {
      planId: { ok: (value) => isText(value, 1, 100) },
      limit: { ok: (value) => isInt(value, 1, 100_000), optional: true },
    },
  },
  'lab-pool': {
    fields: {
      slots: { ok: (value) => isInt(value, 2, 16_384) },
      allocated: { ok: (value) => isInt(value, 0, Number.MAX_VALUE) },
      freed: { ok: (value) => isInt(value, 0, Number.MAX_VALUE) },
      memfd: { ok: isBool },
    },
    across: (value) => (value.allocated as number) + (value.freed as number) <= (value.slots as number),
  },
  'lab-srbchannel': { fields: { rate: { ok: (value) => isInt(value, 1, 1_000_000) }, memfd: { ok: isBool } } },
  'lab-stale': { fields: {} },
  'lab-stop': { fields: { id: { ok: (value) => isText(value, 1, 100) }, keep: { ok: isBool } } },
  release: { fields: { id: { ok: (value) => isText(value, 1, 100) } } },
  'get-settings': { fields: {} },
  'host-info': { fields: {} },
  'audit-log': { fields: { limit: { ok: (value) => isInt(value, 1, 1000), optional: true } } },
  'set-settings': {
    fields: {
      rescanMs: { ok: (value) => isInt(value, 250, 60_000), optional: true },
      sampleHz: {
        ok: (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0.1 && value <= 20,
        optional: true,
      },
    },
  },
};

/** The keys a validator sees: own and inherited enumerable ones (what `for...in` lists). */
function keysOf(value: object): string[] {
  const keys: string[] = [];
  for (const key in value) keys.push(key);
  return keys;
}

/** Whether `value` meets the channel's documented limits. */
function meetsLimits(rules: Rules, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (!keysOf(record).every((key) => Object.hasOwn(rules.fields, key))) return false;
  for (const [key, field] of Object.entries(rules.fields)) {
    const present = record[key];
    if (present === undefined ? !field.optional : !field.ok(present)) return false;
  }
  return rules.across?.(record) ?? true;
}

// ---- Arbitraries: valid values, values just outside the limits, and anything at all.

const anyValue = fc.anything({
  withNullPrototype: true,
  withBoxedValues: true,
  withSparseArray: true,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  maxDepth: 2,
});

const edgeNumbers = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  Number.NaN,
  Infinity,
  -Infinity,
  Number.EPSILON,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 53 + 2,
  2 ** 31,
  2 ** 32,
  GIB,
  GIB + 1,
  GIB - 0.5,
  0o577,
  0o600,
  0o777,
  0o1000,
  0o1600,
  0o1700,
  0o2700,
  0o4700,
  0o7777,
  PID_LIMIT,
  PID_LIMIT + 1,
  86_400,
  86_401,
  0.1,
  0.09999999999999999,
  100,
  100.00000000000001,
  99,
  60_000,
  60_001,
  16_384,
  16_385,
  1_000_000,
  1_000_001,
);

/** Numbers of every kind, and things that are almost numbers. */
const hostileNumber = fc.oneof(
  { weight: 3, arbitrary: edgeNumbers },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 70_000 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>('4096', '0700', '1e3', '', true, null, [4096], { valueOf: () => 4096 }),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(4096n, Object(4096), new Date(4096)) },
);

/** Names of every kind: entries, paths, NUL, dots, unicode, and names just over 255 bytes. */
const hostileName = fc.oneof(
  fc.constantFrom(
    'pulse-shm-1',
    '',
    '.',
    '..',
    '...',
    '/',
    '../x',
    'a/b',
    '/etc/passwd',
    'x\0',
    '\0',
    'a'.repeat(255),
    'a'.repeat(256),
    '\u00e9'.repeat(127),
    '\u00e9'.repeat(128),
    '\u20ac'.repeat(85),
    '\u20ac'.repeat(86),
    '\u{1f600}'.repeat(63),
    '\u{1f600}'.repeat(64),
    '\ud800'.repeat(85),
    '\ud800'.repeat(86),
    '\u2215',
    'odd\udcff',
    'odd\udcc3\udca9',
    'odd\udc41',
    '\udcff'.repeat(255),
    '\udcff'.repeat(256),
    '..\\..',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 60, maxLength: 140 }),
  fc.string({ unit: 'binary-ascii', minLength: 250, maxLength: 260 }),
  fc.constantFrom<unknown>(null, 1, ['x'], undefined),
);

const hostileBool = fc.oneof(fc.boolean(), fc.constantFrom<unknown>('true', 0, 1, null, Object(false)));
const hostileText = fc.oneof(
  fc.string({ maxLength: 110 }),
  fc.constantFrom<unknown>(
    '',
    'x'.repeat(100),
    'x'.repeat(101),
    '\u{1f600}'.repeat(50),
    '\u{1f600}'.repeat(51),
    5,
    null,
  ),
);

/** Values inside each field's limits, so that whole requests get accepted often enough. */
const VALID: Record<string, fc.Arbitrary<unknown>> = {
  size: fc.oneof(fc.integer({ min: 1, max: GIB }), fc.constantFrom(1, GIB)),
  mode: fc.integer({ min: 0o600, max: 0o777 }),
  memfd: fc.boolean(),
  holdSeconds: fc.integer({ min: 0, max: 86_400 }),
  markerPid: fc.integer({ min: 1, max: PID_LIMIT }),
  includeZombie: fc.boolean(),
  includeReused: fc.boolean(),
  force: fc.array(
    fc.oneof(fc.constantFrom('pulse-shm-1', '-rf', '...', 'a'.repeat(255)), fc.string({ minLength: 1 })),
    {
      maxLength: 3,
    },
  ),
  planId: fc.string({ minLength: 1, maxLength: 100 }),
  limit: fc.integer({ min: 1, max: 100_000 }),
  slots: fc.integer({ min: 2, max: 16_384 }),
  allocated: fc.integer({ min: 0, max: 1024 }),
  freed: fc.integer({ min: 0, max: 1024 }),
  rate: fc.integer({ min: 1, max: 1_000_000 }),
  id: fc.string({ minLength: 1, maxLength: 100 }),
  keep: fc.boolean(),
  rescanMs: fc.integer({ min: 250, max: 60_000 }),
  sampleHz: fc.double({ min: 0.1, max: 20, noNaN: true }),
};

// Selected names follow the rules of forced ones.
VALID.selected = VALID.force as fc.Arbitrary<unknown>;

const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  size: hostileNumber,
  mode: hostileNumber,
  memfd: hostileBool,
  holdSeconds: hostileNumber,
  markerPid: hostileNumber,
  includeZombie: hostileBool,
  includeReused: hostileBool,
  force: fc.oneof(
    fc.array(hostileName, { maxLength: 4 }),
    fc.array(fc.constantFrom('pulse-shm-1', 'a', '-rf'), { maxLength: 3 }),
    // eslint-disable-next-line no-sparse-arrays -- a hole where a name should be
    fc.constantFrom<unknown>('pulse-shm-1', null, {}, [, 'a'], { length: 0 }),
  ),
  planId: hostileText,
  limit: hostileNumber,
  slots: hostileNumber,
  allocated: hostileNumber,
  freed: hostileNumber,
  rate: hostileNumber,
  id: hostileText,
  keep: hostileBool,
  rescanMs: hostileNumber,
  sampleHz: hostileNumber,
};

FIELD_VALUES.selected = FIELD_VALUES.force as fc.Arbitrary<unknown>;

const EXTRA_KEYS = ['dryRun', 'path', 'dir', 'name', '__proto__', 'constructor', 'toString', 'planId', 'size'];

/** An object built from a channel's fields (each maybe left out) and maybe one key too many, as JSON.parse would build it. */
function requestLike(rules: Rules): fc.Arbitrary<unknown> {
  const keys = Object.keys(rules.fields);
  const fields = fc.tuple(
    ...keys.map((key) =>
      fc.oneof(
        { weight: 10, arbitrary: VALID[key] ?? anyValue },
        { weight: 4, arbitrary: FIELD_VALUES[key] ?? anyValue },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: anyValue },
      ),
    ),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom(...EXTRA_KEYS), anyValue), { freq: 6 });
  const shaped = fc.tuple(fields, extra, fc.boolean()).map(([values, more, nullPrototype]) => {
    const target: Record<string, unknown> = nullPrototype ? (Object.create(null) as Record<string, unknown>) : {};
    values.forEach((value, index) => {
      if (value !== undefined || index % 2 === 0) define(target, keys[index] ?? '', value);
    });
    if (more) define(target, more[0], more[1]);
    return target;
  });
  // Some requests with every field drawn valid, so that acceptance is exercised for
  // channels with many fields (with each field bent independently, few are accepted).
  const allValid = fc
    .tuple(...keys.map((key) => VALID[key] ?? anyValue))
    .map((values) => Object.fromEntries(values.map((value, index) => [keys[index] ?? '', value])));
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 2, arbitrary: allValid },
    { weight: 1, arbitrary: anyValue },
  );
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const channels = Object.keys(requestSchemas) as (keyof typeof requestSchemas)[];

describe('request schemas (every channel of protocol/channels.ts)', () => {
  for (const channel of channels) {
    const schema = requestSchemas[channel] as z.ZodType;
    const rules = RULES[channel];

    it(`${channel}: accepts exactly the values within the documented limits, unchanged, and explains every rejection`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(requestLike(rules), (value) => {
          const parsed = schema.safeParse(value);
          expect(parsed.success, 'accepted exactly when within the limits').toBe(meetsLimits(rules, value));
          if (parsed.success) {
            accepted += 1;
            const data = parsed.data as Record<string, unknown>;
            expect(meetsLimits(rules, data)).toBe(true);
            for (const key of Object.keys(rules.fields)) {
              const given = (value as Record<string, unknown>)[key];
              if (Array.isArray(given)) expect(data[key]).toEqual(given);
              else expect(Object.is(data[key], given), key).toBe(true);
            }
          } else {
            expect(parsed.error.issues.length).toBeGreaterThan(0);
            for (const issue of parsed.error.issues) expect(issue.message.trim().length).toBeGreaterThan(0);
            expect(describeIssues(parsed.error).trim().length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 1500 },
      );
      // Not a vacuous property: some values get through.
      if (Object.keys(rules.fields).length > 0) expect(accepted).toBeGreaterThan(15);
    });
  }

  it('a valid request with one field made invalid is rejected with a message that names that field', () => {
    const cases = channels.filter((channel) => Object.keys(RULES[channel].fields).length > 0);
    const validOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
      create: fc.record({
        size: fc.integer({ min: 1, max: GIB }),
        mode: fc.integer({ min: 0o600, max: 0o777 }),
        memfd: fc.constant(false),
        markerPid: fc.integer({ min: 1, max: PID_LIMIT }),
      }),
      'plan-cleanup': fc.record({
        includeZombie: fc.boolean(),
        includeReused: fc.boolean(),
        force: fc.array(fc.constantFrom('pulse-shm-1', 'x'), { maxLength: 2 }),
      }),
      'execute-cleanup': fc.record({
        planId: fc.string({ minLength: 1, maxLength: 100 }),
        limit: fc.integer({ min: 1, max: 100_000 }),
      }),
      release: fc.record({ id: fc.string({ minLength: 1, maxLength: 100 }) }),
      'lab-pool': fc.record({
        slots: fc.constant(16_384),
        allocated: fc.constant(0),
        freed: fc.constant(0),
        memfd: fc.boolean(),
      }),
      'lab-srbchannel': fc.record({ rate: fc.integer({ min: 1, max: 1_000_000 }), memfd: fc.boolean() }),
      'lab-stop': fc.record({ id: fc.string({ minLength: 1, maxLength: 100 }), keep: fc.boolean() }),
      'set-settings': fc.record({ rescanMs: fc.integer({ min: 250, max: 60_000 }), sampleHz: fc.constant(10) }),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...cases).chain((channel) =>
          fc.record({
            channel: fc.constant(channel),
            base: validOf[channel] ?? fc.constant({}),
            field: fc.constantFrom(...Object.keys(RULES[channel].fields)),
            bad: hostileNumber.chain((number) => fc.constantFrom<unknown>(number, 'text', null, [], {})),
          }),
        ),
        ({ channel, base, field, bad }) => {
          const rule = RULES[channel].fields[field];
          fc.pre(rule !== undefined && bad !== undefined && !rule.ok(bad));
          const value = { ...base, [field]: bad };
          const parsed = (requestSchemas[channel] as z.ZodType).safeParse(value);
          expect(parsed.success).toBe(false);
          if (parsed.success) return;
          // One issue is about that field, and each issue names a field of the request.
          const { issues } = parsed.error;
          expect(issues.some((issue) => issue.path[0] === field)).toBe(true);
          for (const issue of issues) expect(Object.keys(RULES[channel].fields)).toContain(issue.path[0]);
          // The message names the field, or an element of it (`force.0: ...`).
          expect(describeIssues(parsed.error)).toMatch(new RegExp(`^${field}(\\.\\d+)?: `, 'm'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('unknown fields are named in the message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...channels), fc.string({ minLength: 1, maxLength: 20 }), (channel, key) => {
        fc.pre(!Object.hasOwn(RULES[channel].fields, key));
        const value: Record<string, unknown> = {};
        define(value, key, 1);
        const parsed = (requestSchemas[channel] as z.ZodType).safeParse(value);
        expect(parsed.success).toBe(false);
        if (!parsed.success) expect(describeIssues(parsed.error)).toContain(key);
      }),
      { numRuns: 300 },
    );
  });

  it('force takes up to 10,000 names, not one more', () => {
    const request = (count: number) => ({
      includeZombie: false,
      includeReused: false,
      force: Array.from({ length: count }, (_, index) => `pulse-shm-${index}`),
    });
    expect(requestSchemas['plan-cleanup'].safeParse(request(10_000)).success).toBe(true);
    expect(requestSchemas['plan-cleanup'].safeParse(request(10_001)).success).toBe(false);
  });
});

describe('the limit functions the schemas and the addon front share (protocol/limits.ts)', () => {
  it('entryNameProblem is null exactly for names that stay inside the directory', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileName.filter((name): name is string => typeof name === 'string'),
          fc.string(),
        ),
        (name) => {
          const problem = entryNameProblem(name);
          expect(problem === null).toBe(isEntryName(name));
          if (problem !== null) expect(problem.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('modeProblem is null exactly for integer modes from 0600 to 0777, and dataSizeProblem for whole sizes up to 1 GiB', () => {
    fc.assert(
      fc.property(fc.oneof(edgeNumbers, fc.integer({ min: -1, max: 0o7777 }), fc.double(), fc.integer()), (value) => {
        expect(modeProblem(value) === null, `mode ${value}`).toBe(isInt(value, 0o600, 0o777));
        expect(dataSizeProblem(value) === null, `size ${value}`).toBe(isInt(value, 1, GIB));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('modes beyond 32 bits (a bug the properties found: `&` sees only the low 32 bits)', () => {
  it('modeProblem refuses integer modes of 2^32 and more whose low 32 bits read 0600-0777', () => {
    for (const mode of [2 ** 32 + 0o700, 2 ** 53, Number.MAX_VALUE]) {
      expect(modeProblem(mode), `mode ${mode}`).not.toBeNull();
      expect(requestSchemas.create.safeParse({ size: 4096, mode, memfd: false }).success).toBe(false);
    }
  });
});
