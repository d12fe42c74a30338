import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIfSame } from './index';

describe('readIfSame', () => {
  let dir: string;
  let file: string;
  let identity: { dev: number; inode: number };
  beforeEach(() => {
    dir = fs.mkdtempSync('/dev/shm/shm-inspector-read-');
    file = path.join(dir, 'pulse-shm-1');
    fs.writeFileSync(file, 'header bytes');
    const stats = fs.statSync(file);
    identity = { dev: stats.dev, inode: stats.ino };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the bytes at an offset, short at the end of the file', () => {
    expect(readIfSame(file, identity, 7, 5)?.toString()).toBe('bytes');
    expect(readIfSame(file, identity, 7, 100)?.toString()).toBe('bytes');
    expect(readIfSame(file, identity, 100, 4)?.length).toBe(0);
  });

  it('gives null for another file under the name, a FIFO without blocking, and refuses to follow a symlink', () => {
    fs.renameSync(file, `${file}.old`);
    fs.writeFileSync(file, 'header bytes');
    expect(readIfSame(file, identity, 0, 6)).toBeNull();
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
    expect(readIfSame(file, identity, 0, 6)).toBeNull();
    fs.rmSync(file);
    fs.symlinkSync(`${file}.old`, file);
    expect(() => readIfSame(file, identity, 0, 6)).toThrow(expect.objectContaining({ code: 'ELOOP' }) as Error);
  });

  it('follows a /proc fd link when told to, as memfds are read', () => {
    const fd = fs.openSync(file, 'r');
    try {
      expect(readIfSame(`/proc/self/fd/${fd}`, identity, 0, 6, { followLink: true })?.toString()).toBe('header');
    } finally {
      fs.closeSync(fd);
    }
  });

  it('refuses a relative path, a bad identity or a length beyond 1 MiB, and reports a missing file as ENOENT', () => {
    expect(() => readIfSame('relative', identity, 0, 1)).toThrow(expect.objectContaining({ code: 'EINVAL' }) as Error);
    expect(() => readIfSame(file, { dev: -1, inode: 1 }, 0, 1)).toThrow(
      expect.objectContaining({ code: 'EINVAL' }) as Error,
    );
    expect(() => readIfSame(file, identity, 0, 2 * 1024 * 1024)).toThrow(
      expect.objectContaining({ code: 'EINVAL' }) as Error,
    );
    expect(() => readIfSame(path.join(dir, 'missing'), identity, 0, 1)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }) as Error,
    );
  });
});
