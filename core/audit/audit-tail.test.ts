import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log';
import { AUDIT_TAIL_BYTES, readAuditTail } from './audit-tail';
import type { DeletionEntry } from './deletion-entry';

const entry = (name: string, time: number, outcome = 'removed'): DeletionEntry => ({
  time,
  interface: 'websocket',
  uid: 1000,
  pid: 4321,
  dir: '/dev/shm',
  name,
  dev: 25,
  inode: 1001,
  reason: 'owner PID 4242 no longer exists',
  bytes: 4096,
  outcome,
  message: outcome === 'removed' ? null : `${name}: replaced; not removed`,
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'audit-tail-'));
  file = path.join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `count` records through the real writer, named n0, n1... one second apart. */
function writeRecords(count: number, from = 0): void {
  const log = AuditLog.open(file);
  for (let i = from; i < from + count; i++) log.write(entry(`n${i}`, Date.UTC(2026, 11, 4) + i * 1000));
  log.close();
}

function tailOf(limit: number, maxBytes?: number) {
  const fd = openSync(file, 'r');
  try {
    return readAuditTail(fd, limit, maxBytes);
  } finally {
    closeSync(fd);
  }
}

describe('readAuditTail', () => {
  it('returns the newest records first, as written, with the name bytes and who removed them', () => {
    writeRecords(3);
    const log = AuditLog.open(file);
    // A name with an undecodable byte (U+DCFF stands for 0xff) and a right-to-left override.
    log.write(entry('odd\udcff\u202e', Date.UTC(2026, 11, 5), 'CHANGED'));
    log.close();
    const tail = tailOf(10);
    expect(tail.records.map((record) => record.name)).toEqual(['odd\udcff\u202e', 'n2', 'n1', 'n0']);
    expect(tail.records[0]).toEqual({
      time: Date.UTC(2026, 11, 5),
      via: 'websocket',
      uid: 1000,
      pid: 4321,
      dir: '/dev/shm',
      name: 'odd\udcff\u202e',
      dev: 25,
      inode: 1001,
      reason: 'owner PID 4242 no longer exists',
      bytes: 4096,
      outcome: 'CHANGED',
      message: 'odd\udcff\u202e: replaced; not removed',
    });
    expect(tail).toMatchObject({ more: false, torn: null, unreadable: 0 });
  });

  it('gives at most `limit` records, and says there are more', () => {
    writeRecords(5);
    const tail = tailOf(2);
    expect(tail.records.map((record) => record.name)).toEqual(['n4', 'n3']);
    expect(tail.more).toBe(true);
  });

  it('skips and reports a torn last line, and counts a torn line that a record followed', () => {
    writeRecords(2);
    // A write that stopped short, then a writer that started its record on a new line (AuditLog.write).
    appendFileSync(file, '{"time":"2026-12-04T00:00:09.000Z","interface":"cli","na');
    writeRecords(1, 2);
    const torn = '{"time":"2026-12-04T00:00:10.000Z","interf';
    appendFileSync(file, torn);
    const size = statSync(file).size;
    const tail = tailOf(10);
    expect(tail.records.map((record) => record.name)).toEqual(['n2', 'n1', 'n0']);
    expect(tail.torn).toEqual({ offset: size - torn.length, bytes: torn.length });
    expect(tail.unreadable).toBe(1);
  });

  it('reads only the last bytes of a log larger than its bound, dropping the line the bound cuts', () => {
    // Lines of about 230 bytes: 6,000 of them are well over 1 MiB.
    writeRecords(6000);
    expect(statSync(file).size).toBeGreaterThan(AUDIT_TAIL_BYTES);
    const tail = tailOf(10_000);
    expect(tail.more).toBe(true);
    expect(tail.unreadable).toBe(0);
    const names = tail.records.map((record) => record.name);
    expect(names[0]).toBe('n5999');
    // Whole records only, the newest ones, in order: every line that starts within the bound.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').reverse();
    let fits = 0;
    for (let bytes = 0; fits < lines.length; fits++) {
      bytes += Buffer.byteLength(lines[fits] ?? '') + 1;
      if (bytes > AUDIT_TAIL_BYTES) break;
    }
    expect(fits).toBeGreaterThan(1000);
    expect(names).toEqual(Array.from({ length: fits }, (_, i) => `n${5999 - i}`));
  });

  it('keeps a line the bound starts exactly at, and drops one it cuts', () => {
    writeFileSync(file, '');
    writeRecords(3);
    const lineBytes = statSync(file).size / 3;
    expect(tailOf(10, lineBytes * 2).records.map((record) => record.name)).toEqual(['n2', 'n1']);
    expect(tailOf(10, lineBytes * 2 - 1).records.map((record) => record.name)).toEqual(['n2']);
  });
});
