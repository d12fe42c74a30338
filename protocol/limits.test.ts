import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataSizeProblem, entryNameProblem, MAX_DATA_SIZE, modeProblem, pulseSegmentId, utf8Length } from './limits';

describe('modeProblem', () => {
  it('accepts the modes PulseAudio accepts (a numeric >= 0600 with nothing beyond 0777)', () => {
    for (const mode of [0o600, 0o640, 0o700, 0o777]) expect(modeProblem(mode)).toBeNull();
  });
  it('refuses 0500, 0577 and 01700 with a reason', () => {
    expect(modeProblem(0o500)).toMatch(/below 0600/);
    expect(modeProblem(0o577)).toMatch(/below 0600/);
    expect(modeProblem(0o1700)).toMatch(/beyond 0777/);
    expect(modeProblem(-1)).toMatch(/non-negative/);
    expect(modeProblem(1.5)).toMatch(/integer/);
  });
});

describe('dataSizeProblem', () => {
  it('accepts 1 byte to 1 GiB', () => {
    expect(dataSizeProblem(1)).toBeNull();
    expect(dataSizeProblem(MAX_DATA_SIZE)).toBeNull();
  });
  it('refuses 0, more than 1 GiB and fractions', () => {
    expect(dataSizeProblem(0)).toMatch(/greater than 0/);
    expect(dataSizeProblem(MAX_DATA_SIZE + 1)).toMatch(/exceeds the 1 GiB maximum/);
    expect(dataSizeProblem(10.5)).toMatch(/whole number/);
    expect(dataSizeProblem(Number.NaN)).toMatch(/whole number/);
  });
});

describe('entryNameProblem', () => {
  it('accepts plain names', () => {
    expect(entryNameProblem('pulse-shm-1')).toBeNull();
    expect(entryNameProblem('.org.chromium.Chromium.x')).toBeNull();
  });
  it('refuses anything that could leave the directory', () => {
    expect(entryNameProblem('')).toMatch(/empty/);
    expect(entryNameProblem('a/b')).toMatch(/slash/);
    expect(entryNameProblem('/etc/passwd')).toMatch(/slash/);
    expect(entryNameProblem('..')).toMatch(/not an entry/);
    expect(entryNameProblem('.')).toMatch(/not an entry/);
    expect(entryNameProblem('a\0b')).toMatch(/NUL/);
    expect(entryNameProblem('é'.repeat(128))).toMatch(/longer than 255 bytes/);
  });

  it('takes an undecodable byte (U+DC80..U+DCFF) as one byte, in its one spelling only', () => {
    expect(entryNameProblem('odd\udcff')).toBeNull();
    expect(entryNameProblem('\udcff'.repeat(255))).toBeNull();
    expect(entryNameProblem('\udcff'.repeat(256))).toMatch(/longer than 255 bytes/);
    expect(entryNameProblem('caf\udcc3\udca9')).toMatch(/valid UTF-8/);
    expect(entryNameProblem('odd\ud800')).toMatch(/no byte/);
  });
});

describe('pulseSegmentId', () => {
  it('parses pulse-shm-<u32> names', () => {
    expect(pulseSegmentId('pulse-shm-0')).toBe(0);
    expect(pulseSegmentId('pulse-shm-4294967295')).toBe(4294967295);
  });
  it('rejects suffixes that are not a u32', () => {
    for (const name of [
      'pulse-shm-',
      'pulse-shm-4294967296',
      'pulse-shm-12a',
      'pulse-shm--1',
      'pulse-shm-+1',
      'x-pulse-shm-1',
    ]) {
      expect(pulseSegmentId(name)).toBeNull();
    }
  });
  it('agrees with the definition, /^pulse-shm-[0-9]{1,10}$/ read as a number up to 2^32 - 1, for any suffix', () => {
    const byDefinition = (name: string): number | null => {
      const match = /^pulse-shm-([0-9]{1,10})$/.exec(name);
      return match && Number(match[1]) <= 0xffffffff ? Number(match[1]) : null;
    };
    const suffix = fc.oneof(fc.stringMatching(/^[0-9]{0,12}$/), fc.string({ maxLength: 12 }), fc.nat().map(String));
    fc.assert(
      fc.property(
        fc.oneof(
          suffix.map((text) => `pulse-shm-${text}`),
          fc.string(),
        ),
        (name) => {
          expect(pulseSegmentId(name)).toBe(byDefinition(name));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('utf8Length', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
  });
});
