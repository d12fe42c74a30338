import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemfd, mapShared, readProcessTable, unmap } from '../../native';
import { indexProcesses } from '../process-index';
import { encodeSlotHeader, encodeSrbchannelHeader } from '../pool/pool-encoding';
import { MAX_BLOCK_LENGTH, SLOT_SIZE } from '../pool/pool-layout';
import { memfdPath } from '../inspector/channel-sources';
import type { MemfdPool } from '../../protocol/memory';
import { discoverMemfds } from './memfd-pools';
import { fdLink, mapFilesLink, openProcLink, type FileOpener } from './proc-file';
import { FakeLinks, indexAsSelf, indexOf, mapping, MEMFD_DEV, openFd, rawProcess } from './discovery-fixtures';

const DAEMON_BASE = 0x7f0000000000;
const CLIENT_BASE = 0x7f2000000000;
const POOL_POINTER = 0x55d0c0de1000n;

function slotHeader(index: number, refcount: number, base: bigint): Buffer {
  return encodeSlotHeader({
    index,
    refcount,
    poolPointer: POOL_POINTER,
    type: 'pool',
    readOnly: false,
    isSilence: false,
    base,
    length: MAX_BLOCK_LENGTH,
  });
}

/** A pool file of `slots` slots with headers written by the process that maps it at `base`. */
function poolBytes(slots: number, headers: { index: number; refcount: number }[], base: bigint): Buffer {
  const bytes = Buffer.alloc(slots * SLOT_SIZE);
  for (const { index, refcount } of headers) slotHeader(index, refcount, base).copy(bytes, index * SLOT_SIZE);
  return bytes;
}

describe('discoverMemfds: grouping', () => {
  it('reports a memfd mapped by two processes, one of them twice, as one pool with each process once', () => {
    const index = indexOf(
      rawProcess(10, {
        comm: 'pulseaudio',
        uid: 116,
        mappings: [mapping({ inode: 66, start: DAEMON_BASE }), mapping({ inode: 66, start: DAEMON_BASE + 0x1000000 })],
      }),
      rawProcess(20, { comm: 'paplay', mappings: [mapping({ inode: 66, start: CLIENT_BASE, perms: 'r--s' })] }),
    );
    const links = new FakeLinks();
    const memfds = discoverMemfds(index, { open: links.open });
    expect(memfds).toHaveLength(1);
    expect(memfds[0]).toMatchObject({ dev: MEMFD_DEV, inode: 66, name: 'pulseaudio' });
    expect(memfds[0]?.holders).toEqual([
      { pid: 10, comm: 'pulseaudio', uid: 116, access: 'rw', via: ['map'] },
      { pid: 20, comm: 'paplay', uid: 1000, access: 'ro', via: ['map'] },
    ]);
  });

  it('keeps memfds with different inodes or devices apart, and names each after the text behind /memfd:', () => {
    const index = indexOf(
      rawProcess(10, {
        mappings: [
          mapping({ inode: 66, start: DAEMON_BASE }),
          mapping({ inode: 67, start: DAEMON_BASE + 0x4000000, path: '/memfd:sealed-jit' }),
          mapping({ inode: 66, start: DAEMON_BASE + 0x8000000, dev: 15, path: '/memfd:huge' }),
        ],
      }),
    );
    const memfds = discoverMemfds(index, { open: new FakeLinks().open });
    expect(memfds.map((memfd) => [memfd.name, memfd.dev, memfd.inode])).toEqual([
      ['pulseaudio', MEMFD_DEV, 66],
      ['huge', 15, 66],
      ['sealed-jit', MEMFD_DEV, 67],
    ]);
  });

  it('ignores mappings and fds that are not memfds', () => {
    const index = indexOf(
      rawProcess(10, {
        mappings: [mapping({ inode: 5, start: DAEMON_BASE, dev: 26, path: '/dev/shm/pulse-shm-1', deleted: false })],
        fds: [openFd({ fd: 3, inode: 5, dev: 26, path: '/dev/shm/pulse-shm-1', deleted: false })],
      }),
    );
    expect(discoverMemfds(index, { open: new FakeLinks().open })).toEqual([]);
  });

  it('counts a writable fd, but not a private writable mapping, as read-write access', () => {
    const index = indexOf(
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE, perms: 'rw-p' })] }),
      rawProcess(20, {
        mappings: [mapping({ inode: 66, start: CLIENT_BASE, perms: 'r--s' })],
        fds: [openFd({ fd: 7, inode: 66, accessMode: 2 })],
      }),
      rawProcess(30, { fds: [openFd({ fd: 4, inode: 66, accessMode: 0 })] }),
    );
    const [memfd] = discoverMemfds(index, { open: new FakeLinks().open });
    expect(memfd?.holders.map(({ pid, access, via }) => ({ pid, access, via }))).toEqual([
      { pid: 10, access: 'ro', via: ['map'] },
      { pid: 20, access: 'rw', via: ['map', 'fd'] },
      { pid: 30, access: 'ro', via: ['fd'] },
    ]);
  });

  it('lists a memfd held only through an fd and reads it through that fd', () => {
    const links = new FakeLinks().set(fdLink(30, 4), { inode: 66, bytes: Buffer.alloc(1000, 1) });
    const index = indexOf(rawProcess(30, { fds: [openFd({ fd: 4, inode: 66, path: '/memfd:jit' })] }));
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(memfd).toMatchObject({ name: 'jit', size: 1000, allocated: 4096, unreadable: null });
    expect(memfd?.holders).toEqual([{ pid: 30, comm: 'proc30', uid: 1000, access: 'rw', via: ['fd'] }]);
    expect(links.opened).toEqual([fdLink(30, 4)]);
  });

  it("reads a memfd through this process's own mapping first, the link the sampler reads it through too", () => {
    const self = 40;
    const index = indexAsSelf(
      self,
      rawProcess(30, { fds: [openFd({ fd: 4, inode: 66 })] }),
      rawProcess(self, { mappings: [mapping({ inode: 66, start: CLIENT_BASE })] }),
    );
    const links = new FakeLinks().set(mapFilesLink(self, CLIENT_BASE, CLIENT_BASE + 4 * SLOT_SIZE), {
      inode: 66,
      bytes: Buffer.alloc(4 * SLOT_SIZE),
    });
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(links.opened).toEqual([mapFilesLink(self, CLIENT_BASE, CLIENT_BASE + 4 * SLOT_SIZE)]);
    if (!memfd) throw new Error('no memfd discovered');
    expect(memfdPath(index, memfd)).toBe(links.opened[0]);
  });

  it("does not count the inspector's own read-only fds as holds: the index leaves them out", () => {
    const index = indexAsSelf(
      30,
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }),
      rawProcess(30, {
        fds: [openFd({ fd: 4, inode: 66, accessMode: 0 }), openFd({ fd: 5, inode: 67, accessMode: 2 })],
      }),
    );
    const memfds = discoverMemfds(index, { open: new FakeLinks().open });
    expect(memfds.map((memfd) => [memfd.inode, memfd.holders.map((holder) => holder.pid)])).toEqual([
      [66, [10]],
      [67, [30]],
    ]);
  });

  it('skips zombies: they hold nothing, and a memfd only a zombie showed is not listed', () => {
    const index = indexOf(
      rawProcess(10, { state: 'Z', mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }),
      rawProcess(11, { state: 'Z', mappings: [mapping({ inode: 99, start: DAEMON_BASE })] }),
      rawProcess(20, { mappings: [mapping({ inode: 66, start: CLIENT_BASE })] }),
    );
    const memfds = discoverMemfds(index, { open: new FakeLinks().open });
    expect(memfds.map((memfd) => memfd.inode)).toEqual([66]);
    expect(memfds[0]?.holders.map((holder) => holder.pid)).toEqual([20]);
  });
});

describe('discoverMemfds: reading', () => {
  it('prefers an fd link, then a mapping at offset 0, and writes map_files ranges as maps does', () => {
    const index = indexOf(
      rawProcess(10, {
        mappings: [
          mapping({ inode: 66, start: DAEMON_BASE + SLOT_SIZE, offset: SLOT_SIZE }),
          mapping({ inode: 66, start: DAEMON_BASE }),
        ],
      }),
      rawProcess(20, { fds: [openFd({ fd: 9, inode: 66 })] }),
    );
    const links = new FakeLinks();
    discoverMemfds(index, { open: links.open });
    expect(links.opened).toEqual([
      '/proc/20/fd/9',
      '/proc/10/map_files/7f0000000000-7f0000040000',
      '/proc/10/map_files/7f0000010000-7f0000050000',
    ]);
  });

  it('says map_files needs CAP_SYS_ADMIN when it is refused, and reports the size from the maps', () => {
    const index = indexOf(
      rawProcess(10, {
        mappings: [
          mapping({ inode: 66, start: DAEMON_BASE, end: DAEMON_BASE + 2 * SLOT_SIZE }),
          mapping({ inode: 66, start: DAEMON_BASE + 0x1000000, end: DAEMON_BASE + 0x1000000 + 4 * SLOT_SIZE }),
        ],
      }),
    );
    const links = new FakeLinks()
      .set(mapFilesLink(10, DAEMON_BASE, DAEMON_BASE + 2 * SLOT_SIZE), 'EPERM')
      .set(mapFilesLink(10, DAEMON_BASE + 0x1000000, DAEMON_BASE + 0x1000000 + 4 * SLOT_SIZE), 'EACCES');
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(memfd).toMatchObject({ size: 4 * SLOT_SIZE, allocated: null, pool: null });
    expect(memfd?.unreadable).toMatch(/map_files needs CAP_SYS_ADMIN/);
  });

  it('says another user’s fd needs root when an fd link is refused', () => {
    const index = indexOf(rawProcess(30, { fds: [openFd({ fd: 4, inode: 66 })] }));
    const [memfd] = discoverMemfds(index, { open: new FakeLinks().set(fdLink(30, 4), 'EACCES').open });
    expect(memfd).toMatchObject({ size: 0, allocated: null, pool: null });
    expect(memfd?.unreadable).toBe("opening /proc/30/fd/4 was refused: reading another user's process needs root");
  });

  it('says the memfd went away when every link has vanished', () => {
    const index = indexOf(rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }));
    const [memfd] = discoverMemfds(index, { open: new FakeLinks().open });
    expect(memfd?.unreadable).toMatch(/before it could be opened/);
    expect(memfd?.size).toBe(4 * SLOT_SIZE);
  });

  it('moves on when a link now opens another file (a reused fd number), and reads the next one', () => {
    const index = indexOf(
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }),
      rawProcess(20, { fds: [openFd({ fd: 9, inode: 66 })] }),
    );
    const links = new FakeLinks()
      .set(fdLink(20, 9), { inode: 70, bytes: Buffer.alloc(100) })
      .set(mapFilesLink(10, DAEMON_BASE, DAEMON_BASE + 4 * SLOT_SIZE), {
        inode: 66,
        bytes: poolBytes(4, [{ index: 0, refcount: 1 }], BigInt(DAEMON_BASE)),
      });
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(memfd).toMatchObject({ inode: 66, size: 4 * SLOT_SIZE, unreadable: null });
    expect(memfd?.pool?.pool?.inUse).toBe(1);
  });

  it('lets a programming error through instead of calling the memfd unreadable', () => {
    const index = indexOf(rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }));
    const open = () => {
      throw new TypeError('bug');
    };
    expect(() => discoverMemfds(index, { open })).toThrow(TypeError);
  });
});

describe('discoverMemfds: decoding', () => {
  const daemonLink = mapFilesLink(10, DAEMON_BASE, DAEMON_BASE + 4 * SLOT_SIZE);
  const twoProcesses = () =>
    indexOf(
      rawProcess(10, { comm: 'pulseaudio', mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }),
      rawProcess(20, { comm: 'paplay', mappings: [mapping({ inode: 66, start: CLIENT_BASE, perms: 'r--s' })] }),
    );

  it('decodes a pulseaudio memfd as a whole-file pool and checks the base against every holder', () => {
    const bytes = poolBytes(
      4,
      [
        { index: 0, refcount: 2 },
        { index: 1, refcount: 0 },
      ],
      BigInt(CLIENT_BASE),
    );
    encodeSrbchannelHeader(MAX_BLOCK_LENGTH).copy(bytes, 64);
    const links = new FakeLinks().set(daemonLink, { inode: 66, bytes, allocated: 2 * 4096 });
    const [memfd] = discoverMemfds(twoProcesses(), { open: links.open });
    expect(memfd).toMatchObject({ size: 4 * SLOT_SIZE, allocated: 8192, unreadable: null });
    const pool = memfd?.pool?.pool;
    expect(pool).toMatchObject({
      slotCount: 4,
      states: ['in-use', 'free', 'untouched', 'untouched'],
      inUse: 1,
      free: 1,
      resident: 8192,
      base: `0x${CLIENT_BASE.toString(16)}`,
      baseCheck: 'matches-owner-maps',
    });
    expect(pool?.srbchannels).toHaveLength(1);
  });

  it('reports a base no holder maps as differing, and no offset-0 mapping as unavailable', () => {
    const stranger = poolBytes(4, [{ index: 0, refcount: 1 }], 0x7e0000000000n);
    const differs = new FakeLinks().set(daemonLink, { inode: 66, bytes: stranger });
    expect(discoverMemfds(twoProcesses(), { open: differs.open })[0]?.pool?.pool?.baseCheck).toBe(
      'differs-from-owner-maps',
    );
    const fdOnly = indexOf(rawProcess(30, { fds: [openFd({ fd: 4, inode: 66 })] }));
    const viaFd = new FakeLinks().set(fdLink(30, 4), { inode: 66, bytes: stranger });
    expect(discoverMemfds(fdOnly, { open: viaFd.open })[0]?.pool?.pool?.baseCheck).toBe('owner-maps-unavailable');
  });

  it('does not read a memfd whose size is not a whole number of slots', () => {
    const index = indexOf(
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE, end: DAEMON_BASE + 0x3000 })] }),
    );
    const links = new FakeLinks().set(mapFilesLink(10, DAEMON_BASE, DAEMON_BASE + 0x3000), {
      inode: 66,
      bytes: Buffer.alloc(0x3000, 7),
    });
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(memfd?.pool).toEqual({ pool: null, notPool: 'data size 12288 is not a whole number of 64 KiB slots' });
    expect(memfd?.allocated).toBe(0x3000);
    expect(links.bytesRead).toBe(0);
  });

  it('does not read a memfd larger than the largest pool PulseAudio makes', () => {
    const links = new FakeLinks().set(daemonLink, { inode: 66, bytes: Buffer.alloc(0), size: 2 * 1024 ** 3 });
    const [memfd] = discoverMemfds(twoProcesses(), { open: links.open });
    expect(memfd).toMatchObject({ size: 2 * 1024 ** 3, unreadable: null });
    expect(memfd?.pool).toEqual({ pool: null, notPool: "2147483648 bytes is more than PulseAudio's 1 GiB maximum" });
    expect(links.bytesRead).toBe(0);
  });

  it('reads one header of a slot-sized memfd not named pulseaudio, and calls it no pool without one', () => {
    const index = indexOf(
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE, path: '/memfd:sealed-jit' })] }),
    );
    const links = new FakeLinks().set(daemonLink, { inode: 66, bytes: Buffer.alloc(4 * SLOT_SIZE, 0xcc) });
    const [memfd] = discoverMemfds(index, { open: links.open });
    expect(memfd?.pool).toEqual({
      pool: null,
      notPool: 'not named "pulseaudio" and slot 0 holds no PulseAudio block header',
    });
    expect(links.bytesRead).toBe(48);
  });

  it('decodes a memfd with another name when slot 0 holds a block header', () => {
    const index = indexOf(
      rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE, path: '/memfd:pulse-ish' })] }),
    );
    const bytes = poolBytes(4, [{ index: 0, refcount: 1 }], BigInt(DAEMON_BASE));
    const [memfd] = discoverMemfds(index, { open: new FakeLinks().set(daemonLink, { inode: 66, bytes }).open });
    expect(memfd?.pool?.pool).toMatchObject({ inUse: 1, baseCheck: 'matches-owner-maps' });
  });

  it('calls a pulseaudio memfd whose touched slots hold no header not a pool', () => {
    const index = indexOf(rawProcess(10, { mappings: [mapping({ inode: 66, start: DAEMON_BASE })] }));
    const bytes = Buffer.alloc(4 * SLOT_SIZE);
    bytes.fill(0xcc, 0, 100);
    const [memfd] = discoverMemfds(index, { open: new FakeLinks().set(daemonLink, { inode: 66, bytes }).open });
    expect(memfd?.pool?.notPool).toMatch(/none of 1 touched slots/);
  });
});

// ---------------------------------------------------------------------------------------
// On this machine: real memfds, the real /proc, read through the real links (needs root
// for map_files, which the brief's machine has).

const SHM_DEV = fs.statSync('/dev/shm').dev;
const DIST_NATIVE = path.resolve(__dirname, '../../dist/native/index.js');
const DIST_ENCODING = path.resolve(__dirname, '../../dist/core/pool/pool-encoding.js');

const handles: number[] = [];
const fds: number[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const handle of handles.splice(0)) unmap(handle);
  for (const fd of fds.splice(0)) fs.closeSync(fd);
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Where /proc/<pid>/maps says the process maps the start of the memfd with this inode. */
function mapsBase(pid: number | 'self', inode: number): bigint {
  for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const [range, , offset, , lineInode, name] = line.split(/\s+/);
    if (lineInode === String(inode) && offset === '00000000' && name?.startsWith('/memfd:') && range) {
      return BigInt(`0x${range.split('-')[0]}`);
    }
  }
  throw new Error(`no mapping of inode ${inode} in /proc/${pid}/maps`);
}

const scanIndex = () => indexProcesses(readProcessTable({ dev: SHM_DEV, dir: '/dev/shm' }));

/** A 4-slot pulseaudio memfd mapped by this process, slot 0 in use (an srbchannel) and slot 1 freed. */
function ownPool(): { fd: number; inode: number; base: bigint } {
  const size = 4 * SLOT_SIZE;
  const fd = createMemfd('pulseaudio', size);
  fds.push(fd);
  handles.push(mapShared(fd, size, true)); // first: the headers point into this mapping
  const inode = fs.fstatSync(fd).ino;
  const base = mapsBase('self', inode);
  const write = (bytes: Buffer, offset: number) => fs.writeSync(fd, bytes, 0, bytes.length, offset);
  write(slotHeader(0, 1, base), 0);
  write(encodeSrbchannelHeader(MAX_BLOCK_LENGTH), 64);
  write(slotHeader(1, 0, base), SLOT_SIZE);
  return { fd, inode, base };
}

describe('discoverMemfds on this machine', () => {
  it('finds and decodes a memfd this process maps and holds open', () => {
    const { inode, base } = ownPool();
    const found = discoverMemfds(scanIndex()).filter((memfd) => memfd.inode === inode && memfd.name === 'pulseaudio');
    expect(found).toHaveLength(1);
    const [memfd] = found;
    expect(memfd?.holders).toEqual([
      { pid: process.pid, comm: expect.any(String), uid: process.getuid?.(), access: 'rw', via: ['map', 'fd'] },
    ]);
    expect(memfd).toMatchObject({ size: 4 * SLOT_SIZE, allocated: 2 * 4096, unreadable: null });
    expect(memfd?.pool?.pool).toMatchObject({
      states: ['in-use', 'free', 'untouched', 'untouched'],
      inUse: 1,
      free: 1,
      base: `0x${base.toString(16)}`,
      baseCheck: 'matches-owner-maps',
    });
    expect(memfd?.pool?.pool?.srbchannels.map((channel) => channel.capacity)).toEqual([32712]);
  });

  it('reads a memfd that is no pool again only when its holders change, and a pool at every discovery', () => {
    const other = createMemfd('shm-inspector-test-jit', 3 * 4096);
    fds.push(other);
    handles.push(mapShared(other, 3 * 4096, true));
    const otherInode = fs.fstatSync(other).ino;
    const { inode: poolInode } = ownPool();
    const opened: number[] = [];
    const counting: FileOpener = (link) => {
      const file = openProcLink(link);
      opened.push(file.inode);
      return file;
    };
    const discover = (previous?: MemfdPool[]) =>
      discoverMemfds(scanIndex(), { open: counting, ...(previous ? { previous } : {}) });
    const first = discover();
    expect(opened).toEqual(expect.arrayContaining([otherInode, poolInode]));
    const otherFirst = first.find((memfd) => memfd.inode === otherInode);
    expect(otherFirst?.pool?.notPool).toBeTruthy();

    opened.length = 0;
    const second = discover(first);
    expect(opened).toContain(poolInode);
    expect(opened).not.toContain(otherInode);
    expect(second.find((memfd) => memfd.inode === otherInode)).toBe(otherFirst);

    // Its fd closed, this process holds it through the mapping alone: another hold.
    fds.splice(fds.indexOf(other), 1);
    fs.closeSync(other);
    opened.length = 0;
    const third = discover(second);
    const before = second.find((memfd) => memfd.inode === otherInode);
    const after = third.find((memfd) => memfd.inode === otherInode);
    expect(after?.holders).not.toEqual(before?.holders);
    expect(opened).toContain(otherInode);

    // Without `previous` (a full scan), every memfd is read.
    opened.length = 0;
    discover();
    expect(opened).toEqual(expect.arrayContaining([otherInode, poolInode]));
  });

  it('reads a memfd that only a mapping keeps alive through map_files', () => {
    const { fd, inode } = ownPool();
    fds.splice(fds.indexOf(fd), 1);
    fs.closeSync(fd);
    const [memfd] = discoverMemfds(scanIndex()).filter((candidate) => candidate.inode === inode);
    expect(memfd?.holders).toEqual([expect.objectContaining({ pid: process.pid, access: 'rw', via: ['map'] })]);
    expect(memfd?.unreadable).toBeNull();
    expect(memfd?.pool?.pool).toMatchObject({ inUse: 1, free: 1, baseCheck: 'matches-owner-maps' });
  });

  it('finds a memfd pool of another process with that process as its holder', async () => {
    // The child maps its pool, writes slot 0's header with its own base, closes the fd and waits.
    const script = `
      const fs = require('node:fs');
      const native = require(${JSON.stringify(DIST_NATIVE)});
      const { encodeSlotHeader } = require(${JSON.stringify(DIST_ENCODING)});
      const size = 2 * 65536;
      const fd = native.createMemfd('pulseaudio', size);
      native.mapShared(fd, size, true);
      const inode = String(fs.fstatSync(fd).ino);
      const line = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
        .find((l) => l.split(/\\s+/)[4] === inode && l.includes('/memfd:pulseaudio'));
      const base = BigInt('0x' + line.split('-')[0]);
      const header = encodeSlotHeader({ index: 0, refcount: 3, poolPointer: 0x1000n, type: 'pool',
        readOnly: false, isSilence: true, base, length: 65472 });
      fs.writeSync(fd, header, 0, header.length, 0);
      fs.closeSync(fd);
      console.log(JSON.stringify({ pid: process.pid, base: '0x' + base.toString(16) }));
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      createInterface({ input: child.stdout! }).once('line', resolve);
    });
    const { pid, base } = JSON.parse(line) as { pid: number; base: string };
    expect(pid).toBe(child.pid);
    const held = discoverMemfds(scanIndex()).filter((memfd) => memfd.holders.some((holder) => holder.pid === pid));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ name: 'pulseaudio', size: 2 * SLOT_SIZE, allocated: 4096, unreadable: null });
    expect(held[0]?.holders).toEqual([{ pid, comm: 'node', uid: process.getuid?.(), access: 'rw', via: ['map'] }]);
    expect(held[0]?.pool?.pool).toMatchObject({
      states: ['in-use', 'untouched'],
      headers: [expect.objectContaining({ index: 0, refcount: 3, isSilence: true })],
      base,
      baseCheck: 'matches-owner-maps',
    });
  });
});
