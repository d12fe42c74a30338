import { describe, expect, it } from 'vitest';
import { exactArgs } from './exact-argv';

const cmdline = (...args: (string | Buffer)[]): Buffer =>
  Buffer.concat(args.flatMap((arg) => [Buffer.from(arg), Buffer.from([0])]));

describe('exactArgs', () => {
  it('takes each argument’s bytes from cmdline: an undecodable byte is U+DCNN, a real U+FFFD stays U+FFFD', () => {
    const raw = cmdline(
      'node',
      '/bin/shm-inspector',
      'clean',
      '--force',
      Buffer.from('odd\xff', 'latin1'),
      'odd\ufffd',
    );
    // What Node puts in process.argv for these bytes.
    const decoded = ['clean', '--force', 'odd\ufffd', 'odd\ufffd'];
    expect(exactArgs(decoded, raw)).toEqual(['clean', '--force', 'odd\udcff', 'odd\ufffd']);
  });

  it('uses the arguments as Node gave them when cmdline does not match, refusing one with U+FFFD', () => {
    const other = cmdline('node', 'x', 'something', 'else');
    expect(exactArgs(['scan', '--all'], other)).toEqual(['scan', '--all']);
    expect(exactArgs(['scan', '--all'], null)).toEqual(['scan', '--all']);
    expect(() => exactArgs(['clean', '--force', 'odd\ufffd'], other)).toThrow(/exact bytes/);
  });

  it('handles no arguments at all', () => {
    expect(exactArgs([], cmdline('node', 'x'))).toEqual([]);
  });
});
