import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNameBytes, encodeNameBytes, nameByteLength, nameBytesProblem } from './name-bytes';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('name bytes as strings (surrogateescape)', () => {
  it('keeps valid UTF-8 as its own text', () => {
    // "café 名 😀 \ufffd" in UTF-8, written out byte by byte.
    const utf8 = bytes(
      0x63,
      0x61,
      0x66,
      0xc3,
      0xa9,
      0x20,
      0xe5,
      0x90,
      0x8d,
      0x20,
      0xf0,
      0x9f,
      0x98,
      0x80,
      0x20,
      0xef,
      0xbf,
      0xbd,
    );
    expect(decodeNameBytes(utf8)).toBe('caf\u00e9 \u540d \u{1f600} \ufffd');
    expect(Array.from(encodeNameBytes('caf\u00e9 \u540d \u{1f600} \ufffd') ?? [])).toEqual(Array.from(utf8));
  });

  it('gives odd\\xff, odd\\xfe and odd\\xef\\xbf\\xbd three different strings', () => {
    const names = [
      bytes(0x6f, 0x64, 0x64, 0xff),
      bytes(0x6f, 0x64, 0x64, 0xfe),
      bytes(0x6f, 0x64, 0x64, 0xef, 0xbf, 0xbd),
    ];
    expect(names.map(decodeNameBytes)).toEqual(['odd\udcff', 'odd\udcfe', 'odd\ufffd']);
  });

  it('escapes every byte of an overlong form, an encoded surrogate, a truncated or out-of-range sequence', () => {
    expect(decodeNameBytes(bytes(0xc0, 0xaf))).toBe('\udcc0\udcaf');
    expect(decodeNameBytes(bytes(0xed, 0xa0, 0x80))).toBe('\udced\udca0\udc80');
    expect(decodeNameBytes(bytes(0xe2, 0x82))).toBe('\udce2\udc82');
    expect(decodeNameBytes(bytes(0xf4, 0x90, 0x80, 0x80))).toBe('\udcf4\udc90\udc80\udc80');
    expect(decodeNameBytes(bytes(0xe2, 0x82, 0x41))).toBe('\udce2\udc82A');
  });

  it('gives back the exact bytes of any name, and two names never share a string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const text = decodeNameBytes(a);
        expect(Array.from(encodeNameBytes(text) ?? [])).toEqual(Array.from(a));
        expect(nameBytesProblem(text)).toBeNull();
        expect(nameByteLength(text)).toBe(a.length);
        if (Array.from(a).join() !== Array.from(b).join()) expect(decodeNameBytes(b)).not.toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a plain string only in its one spelling: no byte escapes of valid UTF-8, no other lone surrogates', () => {
    expect(nameBytesProblem('caf\u00e9')).toBeNull();
    expect(nameBytesProblem('caf\udcc3\udca9')).toMatch(/valid UTF-8/);
    expect(nameBytesProblem('odd\ud800')).toMatch(/stands for no byte/);
    expect(nameBytesProblem('odd\udc41')).toMatch(/stands for no byte/);
    expect(encodeNameBytes('odd\udc41')).toBeNull();
  });
});
