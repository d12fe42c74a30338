import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditLogError, defaultAuditLogPath } from './audit-log';
import type { DeletionEntry } from './deletion-entry';

const entry = (name: string, outcome = 'removed'): DeletionEntry => ({
  time: Date.UTC(2026, 10, 27, 6, 30),
  interface: 'cli',
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

describe('the audit log path', () => {
  it('follows XDG_DATA_HOME, and falls back to ~/.local/share when it is unset or relative', () => {
    expect(defaultAuditLogPath({ XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/shm-inspector/audit.jsonl');
    expect(defaultAuditLogPath({}, '/home/u')).toBe('/home/u/.local/share/shm-inspector/audit.jsonl');
    expect(defaultAuditLogPath({ XDG_DATA_HOME: 'rel' }, '/home/u')).toBe(
      '/home/u/.local/share/shm-inspector/audit.jsonl',
    );
  });
});

describe('the audit log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'audit-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its directory and file for the user only, and appends one JSON line per entry', () => {
    const file = path.join(dir, 'nested', 'audit.jsonl');
    const first = AuditLog.open(file);
    first.write(entry('pulse-shm-1'));
    first.close();
    const second = AuditLog.open(file);
    second.write(entry('pulse-shm-2', 'CHANGED'));
    second.close();

    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { ...entry('pulse-shm-1'), time: '2026-11-27T06:30:00.000Z' },
      { ...entry('pulse-shm-2', 'CHANGED'), time: '2026-11-27T06:30:00.000Z' },
    ]);
  });

  it('refuses to open where it cannot write, with the errno and the path, creating nothing', () => {
    const blocker = path.join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'audit.jsonl');
    let thrown: unknown;
    try {
      AuditLog.open(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuditLogError);
    expect(thrown).toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining(`cannot write the audit log ${file} (${blocker} is not a directory)`) as unknown,
    });
    expect(readFileSync(blocker, 'utf8')).toBe('');
  });

  it('says what was removed but not recorded when a write fails (a full disk)', () => {
    const log = AuditLog.open('/dev/full');
    expect(() => log.write(entry('pulse-shm-9'))).toThrow(
      'pulse-shm-9 was removed, but the audit log /dev/full could not record it (ENOSPC: no space left on device, write); nothing more is deleted',
    );
    log.close();
  });

  it('reports a torn last line when it is opened, and starts the next record on a line of its own', () => {
    const file = path.join(dir, 'audit.jsonl');
    const whole = `${JSON.stringify({ ...entry('pulse-shm-1'), time: '2026-11-27T06:30:00.000Z' })}\n`;
    const torn = '{"time":"2026-11-27T06:31:00.000Z","interface":"cli","dev":4';
    writeFileSync(file, whole + torn);

    const log = AuditLog.open(file);
    expect(log.tornLine).toEqual({ offset: Buffer.byteLength(whole), bytes: Buffer.byteLength(torn) });
    expect(log.tornLineReport()).toBe(
      `the audit log ${file} ends with an incomplete line (${torn.length} bytes at byte ${whole.length}, ` +
        'from a write that failed); it is kept as it is, and the next record starts on a new line',
    );
    log.write(entry('pulse-shm-2'));
    log.close();

    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toEqual([whole.trimEnd(), torn, expect.any(String), '']);
    expect(JSON.parse(lines[2] ?? '')).toEqual({ ...entry('pulse-shm-2'), time: '2026-11-27T06:30:00.000Z' });
  });

  it('starts a record on a new line when another writer tore the last line after it was opened', () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = AuditLog.open(file);
    expect(log.tornLine).toBeNull();
    expect(log.tornLineReport()).toBeNull();
    log.write(entry('pulse-shm-1'));
    // Another process (a CLI clean beside serve) whose write stopped short.
    appendFileSync(file, '{"time":"2026-11-27T06:31:00.000Z","na');
    log.write(entry('pulse-shm-2'));
    log.close();

    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('{"time":"2026-11-27T06:31:00.000Z","na');
    expect(JSON.parse(lines[2] ?? '')).toMatchObject({ name: 'pulse-shm-2' });
  });

  it('will not write after it is closed', () => {
    const log = AuditLog.open(path.join(dir, 'audit.jsonl'));
    log.close();
    expect(() => log.write(entry('pulse-shm-3'))).toThrow('is closed');
  });
});
