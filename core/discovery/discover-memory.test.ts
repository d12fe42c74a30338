import { describe, expect, it } from 'vitest';
import { discoverMemory } from './discover-memory';
import { FakeLinks, indexOf, mapping, rawProcess, segment, SHM_DEV } from './discovery-fixtures';
import { mapFilesLink } from './proc-file';

describe('discoverMemory', () => {
  it('gathers memfds, deleted segments and the findings about them in one call', () => {
    const index = indexOf(
      rawProcess(10, {
        comm: 'pulseaudio',
        uid: 116,
        mappings: [
          mapping({ inode: 66, start: 0x7f0000000000 }),
          mapping({ inode: 100, start: 0x7f1000000000, dev: SHM_DEV, path: '/dev/shm/pulse-shm-1', deleted: false }),
          mapping({ inode: 500, start: 0x7f2000000000, dev: SHM_DEV, path: '/dev/shm/pulse-shm-9', deleted: true }),
        ],
      }),
      rawProcess(20, { comm: 'paplay', mappings: [mapping({ inode: 66, start: 0x7f3000000000, perms: 'r--s' })] }),
    );
    const links = new FakeLinks().set(mapFilesLink(10, 0x7f2000000000, 0x7f2000040000), {
      dev: SHM_DEV,
      inode: 500,
      bytes: Buffer.alloc(1000),
      allocated: 4096,
    });
    const result = discoverMemory(
      {
        processes: index,
        shmDev: SHM_DEV,
        capacity: { total: 1 << 20, used: 1 << 20, free: 0 },
        segments: [segment({ uid: 116, mode: 0o644, attached: [] })],
      },
      links.open,
    );
    expect(result.memfds.map((memfd) => [memfd.name, memfd.holders.length])).toEqual([['pulseaudio', 2]]);
    expect(result.deleted.map((deleted) => [deleted.path, deleted.size, deleted.allocated])).toEqual([
      ['/dev/shm/pulse-shm-9', 1000, 4096],
    ]);
    expect(result.findings.map(({ kind, severity, subject }) => [kind, severity, subject])).toEqual([
      ['capacity', 'high', 'pulse-shm-1'],
      ['exposure', 'medium', 'pulse-shm-1'],
      ['exposure', 'medium', 'memfd:pulseaudio:66'],
    ]);
  });
});
