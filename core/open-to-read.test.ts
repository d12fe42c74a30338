import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, readSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityOf, openToRead } from './open-to-read';
import { readPool } from './pool/read-pool';
import { SrbchannelSampler } from './srbchannel-sampler';

/** What someone who can write the shm directory may put in a segment's place after the scan. */
describe('re-opening a scanned file, whatever was swapped in since', () => {
  let dir: string;
  let segment: string;
  beforeEach(() => {
    dir = mkdtempSync('/dev/shm/shm-inspector-open-');
    segment = path.join(dir, 'pulse-shm-1');
    writeFileSync(segment, 'slot data');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const swapIn = (make: (at: string) => void): void => {
    const replacement = path.join(dir, 'replacement');
    make(replacement);
    renameSync(replacement, segment);
  };

  it('opens the scanned file and reads it', () => {
    const fd = openToRead(segment, identityOf(segment));
    const buffer = Buffer.alloc(9);
    readSync(fd, buffer, 0, 9, 0);
    closeSync(fd);
    expect(buffer.toString()).toBe('slot data');
  });

  it('refuses a FIFO at once instead of waiting for a writer forever', () => {
    const scanned = identityOf(segment);
    swapIn((at) => execFileSync('mkfifo', [at]));
    expect(() => openToRead(segment, scanned)).toThrow(expect.objectContaining({ code: 'CHANGED' }) as Error);
    // Even a caller that does not know the identity is not blocked: it is refused as not regular.
    expect(() => openToRead(segment, identityOf(segment))).toThrow(
      expect.objectContaining({ code: 'CHANGED' }) as Error,
    );
  });

  it('does not follow a symlink to another file', () => {
    const secret = path.join(dir, 'secret');
    writeFileSync(secret, 'not yours');
    const scanned = identityOf(segment);
    swapIn((at) => symlinkSync(secret, at));
    expect(() => openToRead(segment, scanned)).toThrow(expect.objectContaining({ code: 'ELOOP' }) as Error);
  });

  it('refuses another regular file put under the same name', () => {
    const scanned = identityOf(segment);
    swapIn((at) => writeFileSync(at, 'another file'));
    expect(() => openToRead(segment, scanned)).toThrow(expect.objectContaining({ code: 'CHANGED' }) as Error);
  });

  it('a pool read and an srbchannel sample report a FIFO swapped in as an error, without blocking', () => {
    const identity = identityOf(segment);
    swapIn((at) => execFileSync('mkfifo', [at]));
    expect(() => readPool({ path: segment, identity, dataSize: 65536, resident: 4096, ranges: null })).toThrow(
      expect.objectContaining({ code: 'CHANGED' }) as Error,
    );
    const sampler = new SrbchannelSampler();
    sampler.track([{ key: 'c', path: segment, identity, offset: 64, capacity: 32712 }]);
    sampler.sampleOnce();
    expect(sampler.stats('c')).toMatchObject({ error: 'CHANGED' });
  });
});
