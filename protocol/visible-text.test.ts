import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNameBytes } from './name-bytes';
import { visibleJson, visibleParts, visibleText } from './visible-text';

describe('visibleText', () => {
  it('leaves ordinary text, non-ASCII letters and inner spaces included, as it is', () => {
    expect(visibleText('pulse-shm-1234 owner (pulseaudio) — café ✓ \ufffd')).toBe(
      'pulse-shm-1234 owner (pulseaudio) — café ✓ \ufffd',
    );
  });

  it('shows C0 controls and DEL as \\xNN, C1 controls and bidi overrides as \\uNNNN', () => {
    expect(visibleText('a\u001b[2Jb\nc\u007f')).toBe('a\\x1b[2Jb\\x0ac\\x7f');
    expect(visibleText('x\u009b2J')).toBe('x\\u009b2J');
    expect(visibleText('pulse-shm-1\u202egpj.exe')).toBe('pulse-shm-1\\u202egpj.exe');
    expect(visibleText('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c')).toBe(
      '\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c',
    );
  });

  it('shows invisible and lookalike characters: zero width, no-break space, tags, a name’s edge spaces', () => {
    expect(visibleText('a\u200bb\u00a0c\u2028d\ufeff')).toBe('a\\u200bb\\u00a0c\\u2028d\\ufeff');
    expect(visibleText('x\u{e0041}')).toBe('x\\U000e0041');
    expect(visibleText(' odd  x ', { name: true })).toBe('\\x20odd  x\\x20');
    expect(visibleText('  remove  odd ')).toBe('  remove  odd ');
  });

  it('shows an undecodable byte as \\xNN, distinct from the C1 control of the same number', () => {
    expect(visibleText('odd\udcff')).toBe('odd\\xff');
    expect(visibleText('\udc9b')).toBe('\\x9b');
    expect(visibleText('\u009b')).toBe('\\u009b');
  });

  it('doubles a backslash, so a name spelled like an escape is not the escaped name', () => {
    expect(visibleText('odd\\xff')).toBe('odd\\\\xff');
    expect(visibleText('odd\\xff')).not.toBe(visibleText('odd\udcff'));
  });

  it('is one-to-one on names: two different names never look the same', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
        if (Array.from(a).join() === Array.from(b).join()) return;
        expect(visibleText(decodeNameBytes(a))).not.toBe(visibleText(decodeNameBytes(b)));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), fc.string({ unit: 'binary' }), (a, b) => {
        if (a !== b) expect(visibleText(a)).not.toBe(visibleText(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('marks each escape as its own part and keeps the plain runs between them', () => {
    expect(visibleParts('a\u202eb\nc')).toEqual([
      { text: 'a', escaped: false },
      { text: '\\u202e', escaped: true },
      { text: 'b', escaped: false },
      { text: '\\x0a', escaped: true },
      { text: 'c', escaped: false },
    ]);
    expect(
      visibleParts('x\\y')
        .map((part) => part.text)
        .join(''),
    ).toBe(visibleText('x\\y'));
  });
});

describe('visibleJson', () => {
  it('escapes DEL, C1, bidi and invisible characters in JSON text, keeping the same value', () => {
    const value = { name: 'a\u007f\u009b\u202e\u200b\u{e0041}\udcff\n"\\' };
    const json = visibleJson(JSON.stringify(value));
    expect(json).toBe('{"name":"a\\u007f\\u009b\\u202e\\u200b\\udb40\\udc41\\udcff\\n\\"\\\\"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
