import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadPid, waitFor } from '../inspector/service-test-support';
import { CmdlineCache, parsePasswd, readCmdline, UserNames } from './process-details';

describe('readCmdline', () => {
  it('joins a live process’s arguments with spaces', async () => {
    // sleep adds its operands up: 30.5 s.
    const child = spawn('sleep', ['30', '0.5']);
    try {
      // 'spawn' comes once the child has exec'd (or failed to).
      await once(child, 'spawn');
      // Until the child has exec'd, its command line is its parent's.
      const line = await waitFor(() => {
        const read = readCmdline(child.pid ?? 0);
        return read?.startsWith('sleep') && read;
      }, 4_000);
      expect(line).toBe('sleep 30 0.5');
    } finally {
      child.kill();
    }
  });

  it('is null for a PID that is gone, never an exception', () => {
    expect(readCmdline(deadPid())).toBeNull();
  });
});

describe('CmdlineCache', () => {
  it('reads again when the PID belongs to another process (another start time)', () => {
    const proc = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-proc-'));
    try {
      const cache = new CmdlineCache(proc);
      const fake = path.join(proc, '77');
      // A stand-in /proc: the cache's rule is what is tested here, not the kernel.
      mkdirSync(fake);
      writeFileSync(path.join(fake, 'cmdline'), 'first\0--a\0');
      expect(cache.cmdline(77, 1)).toBe('first --a');
      writeFileSync(path.join(fake, 'cmdline'), 'second\0');
      expect(cache.cmdline(77, 1)).toBe('first --a');
      expect(cache.cmdline(77, 2)).toBe('second');
      cache.keepOnly(new Set());
      writeFileSync(path.join(fake, 'cmdline'), '');
      expect(cache.cmdline(77, 2)).toBeNull();
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});

describe('user names', () => {
  it('parses /etc/passwd lines, the first entry of a uid winning', () => {
    const names = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\nbroken\n# c\ntoor:x:0:0::/:/bin/sh\nalice:x:1000:1000::/home/a:/bin/sh\n',
    );
    expect(names).toEqual(
      new Map([
        [0, 'root'],
        [1000, 'alice'],
      ]),
    );
  });

  it('names this process’s own user as os.userInfo does', () => {
    const self = os.userInfo();
    expect(new UserNames().name(self.uid)).toBe(self.username);
  });

  it('has no name for a uid /etc/passwd does not list', () => {
    expect(new UserNames().name(2_000_000_123)).toBeNull();
  });
});
