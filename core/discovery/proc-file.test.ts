import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemfd, mapShared, unmap } from '../../native';
import { fdLink, mapFilesLink, nonZeroRanges, openProcLink, systemErrorCode } from './proc-file';

const PAGE = 4096;

function reader(bytes: Buffer) {
  const reads: [number, number][] = [];
  const read = (offset: number, length: number) => {
    reads.push([offset, length]);
    return Buffer.from(bytes.subarray(offset, offset + length));
  };
  return { read, reads };
}

describe('nonZeroRanges', () => {
  it('merges adjacent pages that hold data and ends a range at a short last page', () => {
    const bytes = Buffer.alloc(5 * PAGE + 100);
    bytes[0] = 1;
    bytes[PAGE + 7] = 1;
    bytes[3 * PAGE] = 1;
    bytes[5 * PAGE + 99] = 1;
    expect(nonZeroRanges(reader(bytes).read, bytes.length, 6 * PAGE)).toEqual([
      0,
      2 * PAGE,
      3 * PAGE,
      4 * PAGE,
      5 * PAGE,
      5 * PAGE + 100,
    ]);
  });

  it('stops reading once it found as many pages as are allocated', () => {
    const bytes = Buffer.alloc(4 * 1024 * 1024);
    bytes[10] = 1;
    const { read, reads } = reader(bytes);
    expect(nonZeroRanges(read, bytes.length, PAGE)).toEqual([0, PAGE]);
    expect(reads).toEqual([[0, 1024 * 1024]]);
  });

  it('reads nothing when nothing is allocated', () => {
    const { read, reads } = reader(Buffer.alloc(PAGE, 1));
    expect(nonZeroRanges(read, PAGE, 0)).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('counts an allocated page of zeros as a hole', () => {
    expect(nonZeroRanges(reader(Buffer.alloc(2 * PAGE)).read, 2 * PAGE, 2 * PAGE)).toEqual([]);
  });
});

describe('links', () => {
  it('writes map_files ranges as lowercase hex without 0x, as maps does', () => {
    expect(mapFilesLink(42, 0x7fab0000, 0x7fac0000)).toBe('/proc/42/map_files/7fab0000-7fac0000');
    expect(fdLink(42, 7)).toBe('/proc/42/fd/7');
  });

  it('takes the code of system errors only', () => {
    expect(systemErrorCode(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('EACCES');
    expect(systemErrorCode(new TypeError('x'))).toBeNull();
    expect(systemErrorCode('EACCES')).toBeNull();
  });
});

describe('openProcLink on this machine', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  it('opens a memfd through its fd link and through map_files: size, allocation, ranges and contents', () => {
    const size = 8 * PAGE;
    const fd = createMemfd('proc-file-test', size);
    cleanups.push(() => fs.closeSync(fd));
    const handle = mapShared(fd, size, false);
    cleanups.push(() => unmap(handle));
    fs.writeSync(fd, Buffer.from('hello'), 0, 5, 2 * PAGE);
    fs.writeSync(fd, Buffer.alloc(PAGE, 9), 0, PAGE, 3 * PAGE);
    const { ino } = fs.fstatSync(fd);
    const range = fs
      .readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .find((line) => line.split(/\s+/)[4] === String(ino))
      ?.split(' ')[0];
    expect(range).toBeDefined();
    const [start = '', end = ''] = range!.split('-');
    const links = [fdLink(process.pid, fd), mapFilesLink(process.pid, parseInt(start, 16), parseInt(end, 16))];
    for (const link of links) {
      const file = openProcLink(link);
      try {
        expect(file).toMatchObject({ inode: ino, size, allocated: 2 * PAGE });
        expect(file.dataRanges()).toEqual([2 * PAGE, 4 * PAGE]);
        expect(file.read(2 * PAGE, 5).toString()).toBe('hello');
        expect(file.read(size - 2, 10)).toHaveLength(2);
      } finally {
        file.close();
      }
    }
  });

  it('takes the ranges from SEEK_DATA: an allocated page of zeros counts, as the kernel sees it', () => {
    const size = 64 * PAGE;
    const fd = createMemfd('proc-file-test', size);
    cleanups.push(() => fs.closeSync(fd));
    fs.writeSync(fd, Buffer.from('x'), 0, 1, 0);
    fs.writeSync(fd, Buffer.alloc(PAGE), 0, PAGE, 40 * PAGE); // allocated, all zeros
    const file = openProcLink(fdLink(process.pid, fd));
    try {
      expect(file.allocated).toBe(2 * PAGE);
      expect(file.dataRanges()).toEqual([0, PAGE, 40 * PAGE, 41 * PAGE]);
      // A page scan would have dropped the zeros page.
      expect(nonZeroRanges(file.read, file.size, file.allocated)).toEqual([0, PAGE]);
    } finally {
      file.close();
    }
  });

  it('gives no ranges, without asking the addon, when nothing is allocated', () => {
    const fd = createMemfd('proc-file-test', 4 * PAGE);
    cleanups.push(() => fs.closeSync(fd));
    const file = openProcLink(fdLink(process.pid, fd));
    try {
      expect(file).toMatchObject({ size: 4 * PAGE, allocated: 0 });
      expect(file.dataRanges()).toEqual([]);
    } finally {
      file.close();
    }
  });

  it('throws the errno code when the link does not exist', () => {
    expect(() => openProcLink(`/proc/${process.pid}/fd/999999`)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
