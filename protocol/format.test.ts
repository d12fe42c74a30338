import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatMode, formatRate, formatTime, plural } from './format';

describe('format', () => {
  it('formats byte rates', () => {
    expect(formatRate(12595.2)).toBe('12.3 KiB/s');
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(99.6)).toBe('100 B/s');
  });

  it('formats bytes', () => {
    expect(formatBytes(40)).toBe('40 B');
    expect(formatBytes(67108904)).toBe('64.0 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
  it('formats modes, durations and plurals', () => {
    expect(formatMode(0o700)).toBe('0700');
    expect(formatMode(0o4)).toBe('0004');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(7_200_000)).toBe('2 h');
    expect(plural(1, 'segment')).toBe('1 segment');
    expect(plural(2, 'segment')).toBe('2 segments');
  });
  it('formats moments as local 24-hour time, with the date when asked', () => {
    const evening = new Date(2026, 11, 4, 21, 5, 3).getTime();
    expect(formatTime(evening)).toBe('21:05:03');
    expect(formatTime(evening, { date: true })).toBe('2026-12-04 21:05:03');
    expect(formatTime(new Date(2026, 0, 9, 7, 0, 0).getTime())).toBe('07:00:00');
  });
});
