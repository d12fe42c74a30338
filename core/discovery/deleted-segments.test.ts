import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSegment, mapShared, readProcessTable, unmap } from '../../native';
import { indexProcesses } from '../process-index';
import { discoverDeletedSegments } from './deleted-segments';
import { fdLink, mapFilesLink } from './proc-file';
import { FakeLinks, indexOf, mapping, openFd, rawProcess, SHM_DEV } from './discovery-fixtures';

const BASE = 0x7f0000000000;
const SIZE = 65536 + 40;

const unlinked = (inode: number, start = BASE) =>
  mapping({ inode, start, end: start + 0x11000, dev: SHM_DEV, path: '/dev/shm/pulse-shm-42', deleted: true });

describe('discoverDeletedSegments', () => {
  it('groups an unlinked file held by two processes and reads its size through a holder', () => {
    const index = indexOf(
      rawProcess(10, { comm: 'pulseaudio', mappings: [unlinked(500), unlinked(500, BASE + 0x100000)] }),
      rawProcess(20, {
        comm: 'paplay',
        mappings: [{ ...unlinked(500, BASE + 0x200000), perms: 'r--s' }],
        fds: [openFd({ fd: 5, inode: 500, dev: SHM_DEV, path: '/dev/shm/pulse-shm-42', accessMode: 0 })],
      }),
    );
    const links = new FakeLinks().set(fdLink(20, 5), {
      dev: SHM_DEV,
      inode: 500,
      bytes: Buffer.alloc(SIZE),
      allocated: 5 * 4096,
    });
    expect(discoverDeletedSegments(index, SHM_DEV, { open: links.open })).toEqual([
      {
        path: '/dev/shm/pulse-shm-42',
        dev: SHM_DEV,
        inode: 500,
        size: SIZE,
        allocated: 5 * 4096,
        holders: [
          { pid: 10, comm: 'pulseaudio', uid: 1000, access: 'rw', via: ['map'] },
          { pid: 20, comm: 'paplay', uid: 1000, access: 'ro', via: ['map', 'fd'] },
        ],
      },
    ]);
  });

  it('leaves out files still named, files on other devices, memfds and zombies', () => {
    const index = indexOf(
      rawProcess(10, {
        mappings: [
          { ...unlinked(501), deleted: false, path: '/dev/shm/live' },
          { ...unlinked(502), dev: SHM_DEV + 1 },
          { ...unlinked(503), path: '/memfd:pulseaudio' },
        ],
      }),
      rawProcess(11, { state: 'Z', mappings: [unlinked(504)] }),
    );
    expect(discoverDeletedSegments(index, SHM_DEV, { open: new FakeLinks().open })).toEqual([]);
  });

  it('does not report a listed file whose name merely ends in " (deleted)"', () => {
    const index = indexOf(rawProcess(10, { mappings: [{ ...unlinked(505), path: '/dev/shm/x' }] }));
    const found = discoverDeletedSegments(index, SHM_DEV, {
      open: new FakeLinks().open,
      listed: [{ dev: SHM_DEV, inode: 505 }],
    });
    expect(found).toEqual([]);
  });

  it('reports size and allocation as null when no holder’s link can be opened', () => {
    const index = indexOf(rawProcess(10, { mappings: [unlinked(506)] }));
    const links = new FakeLinks().set(mapFilesLink(10, BASE, BASE + 0x11000), 'EPERM');
    const [segment] = discoverDeletedSegments(index, SHM_DEV, { open: links.open });
    expect(segment).toMatchObject({ inode: 506, size: null, allocated: null });
    expect(segment?.holders.map((holder) => holder.pid)).toEqual([10]);
  });
});

describe('discoverDeletedSegments on this machine', () => {
  const SHM_DIR = '/dev/shm';
  const shmDev = fs.statSync(SHM_DIR).dev;
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  const scan = () => discoverDeletedSegments(indexProcesses(readProcessTable({ dev: shmDev, dir: SHM_DIR })), shmDev);

  it('reports an unlinked segment this process still maps, until it is unmapped', () => {
    const name = `shm-inspector-deleted-${process.pid}-${randomBytes(4).toString('hex')}`;
    const file = path.join(SHM_DIR, name);
    const created = createSegment({ dir: SHM_DIR, name, dataSize: 65536, mode: 0o600 });
    cleanups.push(() => fs.rmSync(file, { force: true }));
    const fd = fs.openSync(file, 'r+');
    let open = true;
    cleanups.push(() => open && fs.closeSync(fd));
    fs.writeSync(fd, Buffer.alloc(4 * 4096, 0x5a), 0, 4 * 4096, 0);
    let handle: number | null = mapShared(fd, created.fileSize, true);
    cleanups.push(() => handle !== null && unmap(handle));
    fs.closeSync(fd);
    open = false;
    fs.unlinkSync(file);
    expect(fs.existsSync(file)).toBe(false);

    const found = scan().filter((segment) => segment.inode === created.inode);
    expect(found).toEqual([
      {
        path: file,
        dev: shmDev,
        inode: created.inode,
        size: created.fileSize,
        allocated: expect.any(Number),
        holders: [{ pid: process.pid, comm: expect.any(String), uid: process.getuid?.(), access: 'rw', via: ['map'] }],
      },
    ]);
    expect(found[0]?.allocated).toBeGreaterThanOrEqual(4 * 4096);

    unmap(handle);
    handle = null;
    expect(scan().filter((segment) => segment.inode === created.inode)).toEqual([]);
  });

  it('reports an unlinked segment held only by an open fd', () => {
    const name = `shm-inspector-deleted-${process.pid}-${randomBytes(4).toString('hex')}`;
    const file = path.join(SHM_DIR, name);
    const created = createSegment({ dir: SHM_DIR, name, dataSize: 65536, mode: 0o600 });
    cleanups.push(() => fs.rmSync(file, { force: true }));
    const fd = fs.openSync(file, 'r');
    cleanups.push(() => fs.closeSync(fd));
    fs.unlinkSync(file);

    const [segment] = scan().filter((candidate) => candidate.inode === created.inode);
    expect(segment).toMatchObject({ path: file, size: created.fileSize, allocated: 4096 });
    expect(segment?.holders).toEqual([expect.objectContaining({ pid: process.pid, access: 'ro', via: ['fd'] })]);
  });
});
