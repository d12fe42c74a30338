/**
 * Properties of the CLI's number parsers (the text of --size, --mode, --hold and
 * --marker-pid): what they return is always in their range, written values read back
 * exactly, and anything else reads as null.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseByteSize, parseMode, parseWholeNumber } from './byte-size';
import { formatMode } from './format';

const BINARY: Record<string, number> = { k: 1, kib: 1, m: 2, mib: 2, g: 3, gib: 3 };
const DECIMAL: Record<string, number> = { kb: 1, mb: 2, gb: 3 };

/** A unit in any letter case. */
const cased = (unit: string) =>
  fc
    .array(fc.boolean(), { minLength: unit.length, maxLength: unit.length })
    .map((upper) => [...unit].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''));

/** Whitespace the parser allows around the number and the unit. */
const space = fc.constantFrom('', ' ', '  ', '\t');

/** The exact decimal text of numerator / 2^shift (finite: 2^-k has k decimal digits). */
function binaryFraction(numerator: bigint, shift: number): string {
  const digits = (numerator * 5n ** BigInt(shift)).toString().padStart(shift + 1, '0');
  const whole = digits.slice(0, digits.length - shift);
  const fraction = digits.slice(digits.length - shift).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** The exact decimal text of numerator / 10^places. */
function decimalFraction(numerator: bigint, places: number): string {
  const digits = numerator.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

const isDigits = (text: string): boolean =>
  text.length > 0 && [...text].every((char) => char.charCodeAt(0) >= 48 && char.charCodeAt(0) <= 57);

describe('parseByteSize (--size)', () => {
  it('returns null or a whole, safe, non-negative number of bytes for any text', () => {
    const sizeLike = fc
      .tuple(
        space,
        fc.oneof(fc.stringMatching(/^[0-9]{1,25}(\.[0-9]{1,20})?$/), fc.string({ unit: 'binary', maxLength: 8 })),
        space,
        fc.oneof(fc.constantFrom('', 'b', 'k', 'kb', 'kib', 'KiB', 'MB', 'MiB', 'G', 'GiB', 'TiB', 'x'), fc.string()),
        space,
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(sizeLike, fc.string({ unit: 'binary' })), (text) => {
        const bytes = parseByteSize(text);
        if (bytes !== null)
          expect(Number.isSafeInteger(bytes) && bytes >= 0, `${JSON.stringify(text)} -> ${bytes}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads any whole number of bytes back exactly, bare or with b, and with spaces around', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.constantFrom('', 'b', 'B'), space, space, space, (bytes, unit, a, b, c) => {
        expect(parseByteSize(`${a}${bytes}${b}${unit}${c}`)).toBe(bytes);
      }),
    );
  });

  it('reads binary units exactly, fractions included (any n / 1024^k written out in full)', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...Object.keys(BINARY))
          .chain((unit) => fc.tuple(fc.constant(unit), cased(unit), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }))),
        ([unit, written, bytes]) => {
          const power = BINARY[unit] ?? 1;
          const text = `${binaryFraction(bytes, 10 * power)}${written}`;
          expect(parseByteSize(text), text).toBe(Number(bytes));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads whole counts of every unit as count x unit, or null past the safe range', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...Object.keys(BINARY), ...Object.keys(DECIMAL))
          .chain((unit) => fc.tuple(fc.constant(unit), cased(unit), fc.oneof(fc.nat({ max: 5000 }), fc.maxSafeNat()))),
        ([unit, written, count]) => {
          const multiplier = unit in BINARY ? 1024 ** (BINARY[unit] ?? 0) : 1000 ** (DECIMAL[unit] ?? 0);
          const expected = BigInt(count) * BigInt(multiplier);
          expect(parseByteSize(`${count}${written}`)).toBe(
            expected <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(expected) : null,
          );
        },
      ),
    );
  });

  it('refuses a fraction of a byte, signs, exponents, hex, other digits and unknown units', () => {
    const refused = fc.oneof(
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 9 })).map(([whole, tenth]) => `${whole}.${tenth}`),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 9 })).map(([whole, tenth]) => `${whole}.${tenth}b`),
      fc.nat().map((value) => `-${value}`),
      fc.nat().map((value) => `+${value}`),
      fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 9 })).map(([value, exponent]) => `${value}e${exponent}`),
      fc.nat().map((value) => `0x${value.toString(16)}`),
      fc.constantFrom('', ' ', 'NaN', 'Infinity', '.5', '5.', '1,000', '1_000', '\u0663', '\uff11', '1 2', '64XB'),
      fc
        .tuple(fc.nat({ max: 1000 }), fc.constantFrom('kk', 'ki', 'TiB', 'T', 'PB', 'bytes', 'mibi', 'i', '%'))
        .map(([value, unit]) => `${value}${unit}`),
    );
    fc.assert(
      fc.property(refused, (text) => {
        expect(parseByteSize(text), JSON.stringify(text)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it('reads decimal units exactly, fractions included: "1.005KB" is 1005 bytes (a float product would give 1004.9999999999999)', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...Object.keys(DECIMAL))
          .chain((unit) => fc.tuple(fc.constant(unit), cased(unit), fc.bigInt({ min: 0n, max: 2n ** 40n }))),
        ([unit, written, bytes]) => {
          const text = `${decimalFraction(bytes, 3 * (DECIMAL[unit] ?? 1))}${written}`;
          expect(parseByteSize(text), text).toBe(Number(bytes));
        },
      ),
      { numRuns: 1000, examples: [[['kb', 'KB', 1005n]]] },
    );
  });
});

describe('parseMode (--mode)', () => {
  it('returns null or an integer from 0 to 0777777 for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^\s*(0[oO]?)?[0-9]{0,8}\s*$/)), (text) => {
        const mode = parseMode(text);
        if (mode !== null) expect(Number.isInteger(mode) && mode >= 0 && mode <= 0o777777).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a mode written in octal back exactly: bare, with 0 or 0o, padded, and as formatMode writes it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0o777777 }),
        fc.constantFrom('', '0', '0o', '0O'),
        space,
        space,
        (mode, prefix, a, b) => {
          expect(parseMode(`${a}${prefix}${mode.toString(8)}${b}`)).toBe(mode);
          expect(parseMode(formatMode(mode))).toBe(mode);
        },
      ),
    );
  });

  it('refuses text that is not octal', () => {
    const refused = fc.oneof(
      fc.stringMatching(/^[0-7]{0,3}[89][0-9]{0,3}$/),
      fc.nat().map((mode) => `-${mode.toString(8)}`),
      fc.nat().map((mode) => `0x${mode.toString(16)}`),
      fc.integer({ min: 0o1000000, max: 0o77777777 }).map((mode) => mode.toString(8)),
      fc.constantFrom('', '0o', 'o700', 'rwx', '0700.0', '7e2', '\u0667\u0660\u0660', '0 700', '00o700'),
    );
    fc.assert(
      fc.property(refused, (text) => {
        expect(parseMode(text), JSON.stringify(text)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseWholeNumber (--hold, --marker-pid)', () => {
  it('reads text of ASCII digits only, as that number; null for anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.stringMatching(/^[0-9]{1,30}$/)),
        (text) => {
          const value = parseWholeNumber(text);
          expect(value !== null, JSON.stringify(text)).toBe(isDigits(text));
          if (value !== null) expect(Number.isInteger(value) && value >= 0).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads any safe whole number back exactly, leading zeros included', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.nat({ max: 3 }), (value, zeros) => {
        expect(parseWholeNumber(`${'0'.repeat(zeros)}${value}`)).toBe(value);
      }),
    );
  });
});
