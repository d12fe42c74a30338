import { describe, expect, it } from 'vitest';
import { printable, printableLines } from './printable';
import { renderTable } from './table';

describe('printable', () => {
  it('leaves ordinary text, non-ASCII letters included, as it is', () => {
    expect(printable('pulse-shm-1234 owner 42 (pulseaudio) — café ✓')).toBe(
      'pulse-shm-1234 owner 42 (pulseaudio) — café ✓',
    );
  });

  it('writes escape sequences, newlines, DEL and C1 controls as visible escapes', () => {
    expect(printable('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(printable('x\ny\r\tz\u007f\u009b')).toBe('x\\x0ay\\x0d\\x09z\\x7f\\u009b');
  });

  it('writes bidirectional overrides, which reorder what a terminal shows, as escapes', () => {
    expect(printable('pulse-shm-\u202e1234')).toBe('pulse-shm-\\u202e1234');
  });

  it('writes an undecodable byte as \\xNN and a backslash as two, so each shown text stands for one name', () => {
    expect(printable('odd\udcff')).toBe('odd\\xff');
    expect(printable('odd\\xff')).toBe('odd\\\\xff');
  });

  it('keeps a newline inside one line from starting another', () => {
    expect(printableLines(['keep  evil\nremove  pulse-shm-1', 'next']).split('\n')).toEqual([
      'keep  evil\\x0aremove  pulse-shm-1',
      'next',
    ]);
  });

  it('tables escape each cell before aligning the columns', () => {
    expect(renderTable(['NAME', 'STATE'], [['a\u001bb', 'live']])).toEqual(['NAME    STATE', 'a\\x1bb  live']);
  });
});
