import { describe, expect, it } from 'vitest';
import { visibleParts } from '../../../protocol/visible-text';
import { splitTail } from './visible-tail';

const texts = (parts: { text: string }[]) => parts.map((part) => part.text).join('');

describe('splitTail', () => {
  it('keeps the last characters of a name, the rest in the head', () => {
    const { head, tail } = splitTail(visibleParts('pulse-shm-1689912345', { name: true }), 10);
    expect(texts(head)).toBe('pulse-shm-');
    expect(texts(tail)).toBe('1689912345');
    expect(texts(splitTail(visibleParts('memfd:pulseaudio:77'), 6).tail)).toBe('dio:77');
  });

  it('never cuts inside an escape: a whole escape goes into the tail', () => {
    // An undecodable byte 0xff (U+DCFF) shows as the 4-character escape \xff.
    const parts = visibleParts('odd-\u202eab\udcff', { name: true });
    const { head, tail } = splitTail(parts, 7);
    expect(tail.map((part) => part.text)).toEqual(['\\u202e', 'ab', '\\xff']);
    expect(texts(head) + texts(tail)).toBe(texts(parts));
    const cutInEscape = splitTail(visibleParts('name\u202e', { name: true }), 2);
    expect(cutInEscape.tail).toEqual([{ text: '\\u202e', escaped: true }]);
    expect(texts(cutInEscape.head)).toBe('name');
  });

  it('keeps a character with its combining marks, and a character outside the BMP, whole', () => {
    const { head, tail } = splitTail(visibleParts('cafe\u0301-\u{1F600}'), 2);
    expect(texts(tail)).toBe('-\u{1F600}');
    expect(texts(splitTail(visibleParts('cafe\u0301'), 1).tail)).toBe('e\u0301');
    expect(texts(head)).toBe('cafe\u0301');
  });

  it('gives the whole name as the tail when it is short, and an empty head', () => {
    const { head, tail } = splitTail(visibleParts('a\\b'), 12);
    expect(head).toEqual([]);
    expect(texts(tail)).toBe('a\\\\b');
  });
});
