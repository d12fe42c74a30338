import { describe, expect, it } from 'vitest';
import { visibleParts } from '../../../protocol/visible-text';
import { monospaceWidth, splitTail } from './visible-tail';

const texts = (parts: { text: string }[]) => parts.map((part) => part.text).join('');

describe('splitTail', () => {
  it('keeps the last characters of a name, the rest in the head', () => {
    const { head, tail } = splitTail(visibleParts('pulse-shm-1689912345', { name: true }), 10);
    expect(texts(head)).toBe('pulse-shm-');
    expect(texts(tail)).toBe('1689912345');
    expect(texts(splitTail(visibleParts('memfd:pulseaudio:77'), 6).tail)).toBe('dio:77');
  });

  it('never cuts inside an escape: one that does not fit whole stays in the head, but the last always shows', () => {
    // An undecodable byte 0xff (U+DCFF) shows as the 4-character escape \xff.
    const parts = visibleParts('odd-\u202eab\udcff', { name: true });
    const { head, tail } = splitTail(parts, 7);
    expect(tail.map((part) => part.text)).toEqual(['ab', '\\xff']);
    expect(head.map((part) => part.text)).toEqual(['odd-', '\\u202e']);
    expect(splitTail(parts, 12).tail.map((part) => part.text)).toEqual(['\\u202e', 'ab', '\\xff']);
    const lastEscape = splitTail(visibleParts('name\u202e', { name: true }), 2);
    expect(lastEscape.tail).toEqual([{ text: '\\u202e', escaped: true }]);
    expect(texts(lastEscape.head)).toBe('name');
  });

  it('counts wide characters as two cells', () => {
    // データ takes 6 cells; 声 would make 8.
    const { head, tail } = splitTail(visibleParts('e2e-音声データ'), 7);
    expect(texts(tail)).toBe('データ');
    expect(texts(head)).toBe('e2e-音声');
    expect(texts(splitTail(visibleParts('e2e-音声データ'), 8).tail)).toBe('声データ');
  });

  it('keeps a character with its combining marks, and a character outside the BMP, whole', () => {
    const { head, tail } = splitTail(visibleParts('cafe\u0301-\u{1F600}'), 3);
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

describe('monospaceWidth', () => {
  it('counts a cell per character, two for wide ones, none for combining marks', () => {
    expect(monospaceWidth('pulse-shm-1')).toBe(11);
    expect(monospaceWidth('\\u202e')).toBe(6);
    expect(monospaceWidth('cafe\u0301')).toBe(4);
    expect(monospaceWidth('音声-1')).toBe(6);
    expect(monospaceWidth('ｆｕｌｌ')).toBe(8);
    expect(monospaceWidth('a\u{1F600}')).toBe(3);
  });
});
