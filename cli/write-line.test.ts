import fc from 'fast-check';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { visibleJson } from '../protocol/visible-text';
import { writeJsonLine, writeLine } from './write-line';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-write-line-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** What `write` wrote to a fresh file, as bytes. */
function written(write: (fd: number) => void): Buffer {
  const file = path.join(scratch, `out-${files++}`);
  const fd = openSync(file, 'w');
  try {
    write(fd);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file);
}

/** JSON.stringify's text with visibleJson's escapes (a C1 control, U+202E...): the same JSON value. */
const expectedJson = (value: unknown): Buffer => Buffer.from(`${visibleJson(JSON.stringify(value))}\n`);

/** Values as JSON.stringify sees them: besides JSON, undefined, functions, Dates, holes, strings of any code units. */
const member = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.date({ noInvalidDate: true }),
  fc.sparseArray(fc.jsonValue(), { maxLength: 8 }),
);
const objectOfMembers = fc.dictionary(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.oneof(member, fc.array(member, { maxLength: 30 })),
);

describe('writeJsonLine', () => {
  it('writes what JSON.stringify makes, with visible escapes, and a newline, for any object of JSON-like members', () => {
    fc.assert(
      fc.property(objectOfMembers, (value) => {
        expect(written((fd) => writeJsonLine(fd, value)).equals(expectedJson(value))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes values that are not plain objects whole, as JSON.stringify does', () => {
    const values: unknown[] = [[1, 'two', null], 'text', 42, null, new Date(0), { toJSON: () => ['own'] }, new Map()];
    for (const value of values)
      expect(written((fd) => writeJsonLine(fd, value)).toString()).toBe(`${JSON.stringify(value)}\n`);
  });

  it('writes a name’s bidi override, C1 control and undecodable byte as \\u escapes, keeping the value', () => {
    const value = { segments: [{ name: 'pulse-shm-1\u202egpj\u009b\udcff' }] };
    const text = written((fd) => writeJsonLine(fd, value)).toString();
    expect(text).toBe('{"segments":[{"name":"pulse-shm-1\\u202egpj\\u009b\\udcff"}]}\n');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps members larger than its buffer, and many small ones across buffer boundaries, intact', () => {
    const value = {
      big: 'é'.repeat(200_000),
      segments: Array.from({ length: 5000 }, (_, i) => ({ name: `pulse-shm-${i}`, reason: '🎧'.repeat(i % 7) })),
      empty: [],
      last: { nested: [1, 2, 3] },
    };
    expect(written((fd) => writeJsonLine(fd, value)).equals(expectedJson(value))).toBe(true);
  });

  it('writes an object with no members JSON.stringify keeps as {}', () => {
    expect(written((fd) => writeJsonLine(fd, { gone: undefined })).toString()).toBe('{}\n');
  });
});

describe('writeLine', () => {
  it('writes the text as UTF-8 and a newline', () => {
    expect(written((fd) => writeLine(fd, 'ünïcode 🎧')).toString()).toBe('ünïcode 🎧\n');
  });
});
