import { describe, expect, it } from 'vitest';
import { parseByteSize, parseMode, parseWholeNumber } from './byte-size';

describe('parseByteSize', () => {
  it('reads plain bytes and binary and decimal units', () => {
    expect(parseByteSize('65536')).toBe(65536);
    expect(parseByteSize('64KiB')).toBe(65536);
    expect(parseByteSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('64m')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1GiB')).toBe(1024 ** 3);
    expect(parseByteSize('1.5MB')).toBe(1_500_000);
    expect(parseByteSize(' 10 kib ')).toBe(10240);
  });
  it('returns null for anything else', () => {
    for (const text of ['', 'abc', '-1', '1.5', '64XB', '1e3', '0x10']) expect(parseByteSize(text)).toBeNull();
  });
});

describe('parseMode', () => {
  it('reads octal modes', () => {
    expect(parseMode('0700')).toBe(0o700);
    expect(parseMode('700')).toBe(0o700);
    expect(parseMode('0o640')).toBe(0o640);
    expect(parseMode('01700')).toBe(0o1700);
  });
  it('returns null for non-octal text', () => {
    for (const text of ['', '0800', 'rwx', '7a']) expect(parseMode(text)).toBeNull();
  });
});

describe('parseWholeNumber', () => {
  it('reads digits only', () => {
    expect(parseWholeNumber('30')).toBe(30);
    expect(parseWholeNumber('0')).toBe(0);
    for (const text of ['', ' 3', '-1', '1.5', '1e3', '0x10', 'abc']) expect(parseWholeNumber(text)).toBeNull();
  });
});
