/**
 * The audit log on a real filesystem that fills up: a small tmpfs of the test's own holds
 * the data directory, and bin/shm-inspector `clean --yes` removes a stale segment from a
 * scratch directory on /dev/shm (another filesystem, so removing it frees nothing for the
 * log). The record's write can then put only part of the line on disk: a short write.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInspector } from '../core/inspector/inspector-service';
import { createSegment } from '../native';
import { deadPid } from './support/processes';
import { shmTempDirEachTest } from './support/segments';
import { PrivateShm } from './support/private-shm';

const PAGE_SIZE = 4096;
/** How much of the next record fits in the log's last page before the disk is full. */
const ROOM = 20;

/** Earlier records, as JSON lines, that fill the log's first page but for `room` bytes. */
function earlierRecords(dir: string, room: number): string {
  const record = (message: string) =>
    `${JSON.stringify({
      time: '2026-11-27T06:30:00.000Z',
      interface: 'cli',
      dir,
      name: 'pulse-shm-1',
      dev: 25,
      inode: 1001,
      reason: 'owner PID 4242 no longer exists',
      bytes: 4096,
      outcome: 'ENOENT',
      message,
    })}\n`;
  let text = '';
  while (PAGE_SIZE - room - text.length > 2 * record('').length) text += record('');
  const last = record('');
  return text + record('x'.repeat(PAGE_SIZE - room - text.length - last.length));
}

describe('the audit log on a full disk', () => {
  let dir = '';
  let tmpfs: PrivateShm;
  shmTempDirEachTest((made) => (dir = made));
  beforeEach(async () => {
    tmpfs = await PrivateShm.start({ size: '64k', freshMountPoint: true });
  });
  afterEach(() => tmpfs.stop());

  const staleSegment = () => createSegment({ dir, dataSize: 65536, mode: 0o700, markerPid: deadPid() }).name;

  it('clean --yes fails when only part of a record was written, and the next run starts a new line', async () => {
    const dataHome = path.join(tmpfs.mountPoint, 'data');
    const logInside = path.join(dataHome, 'shm-inspector', 'audit.jsonl');
    const logOutside = tmpfs.outside('data/shm-inspector/audit.jsonl');
    mkdirSync(path.dirname(logOutside), { recursive: true, mode: 0o700 });
    const earlier = earlierRecords(dir, ROOM);
    expect(earlier.length).toBe(PAGE_SIZE - ROOM);
    writeFileSync(logOutside, earlier, { mode: 0o600 });
    tmpfs.fill();
    const runEnv = { ...process.env, XDG_DATA_HOME: dataHome };

    const first = staleSegment();
    const failed = await tmpfs.cli(['clean', '--yes', '--dir', dir], { env: runEnv });
    expect(failed.stderr).not.toContain('Recorded in');
    expect(failed.stderr).toContain(
      `${first} was removed, but the audit log ${logInside} could not record it (only ${ROOM} of `,
    );
    expect(failed.stderr).toContain('nothing more is deleted');
    expect(failed.code).toBe(1);
    const torn = readFileSync(logOutside, 'utf8').slice(earlier.length);
    expect(torn).toHaveLength(ROOM);
    expect(torn.endsWith('\n')).toBe(false);

    // Room again: the next run reports the torn line and does not glue its record to it.
    rmSync(tmpfs.outside('filler'));
    const second = staleSegment();
    const recorded = await tmpfs.cli(['clean', '--yes', '--dir', dir], { env: runEnv });
    expect(recorded.stderr).toContain(
      `the audit log ${logInside} ends with an incomplete line (${ROOM} bytes at byte ${earlier.length}`,
    );
    expect(recorded.stderr).toContain(`Recorded in ${logInside}`);
    expect(recorded.code).toBe(0);
    const lines = readFileSync(logOutside, 'utf8').slice(earlier.length).split('\n');
    expect(lines).toEqual([torn, expect.any(String), '']);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ name: second, outcome: 'removed', interface: 'cli' });
  });

  it('the service (serve, the app) answers execute-cleanup with the error, not ok, when only part of a record fits', async () => {
    const logOutside = tmpfs.outside('audit.jsonl');
    const earlier = earlierRecords(dir, ROOM);
    writeFileSync(logOutside, earlier, { mode: 0o600 });
    tmpfs.fill();
    const stale = staleSegment();
    const warnings: string[] = [];
    const inspector = createInspector({
      dir,
      auditLog: logOutside,
      watch: false,
      rescanMs: 60_000,
      warn: (text) => warnings.push(text),
    });
    try {
      const via = { via: 'websocket', readOnly: false } as const;
      const plan = await inspector.handle(
        'plan-cleanup',
        { includeZombie: false, includeReused: false, force: [] },
        via,
      );
      if (!plan.ok) throw new Error(plan.error.message);
      const executed = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, via);
      expect(executed).toMatchObject({ ok: false, error: { code: 'EIO' } });
      expect(executed.ok ? '' : executed.error.message).toContain(
        `${stale} was removed, but the audit log ${logOutside} could not record it (only ${ROOM} of `,
      );
    } finally {
      inspector.close();
    }
    expect(warnings).toEqual([]);
    // Opened again (serve restarted), the torn line is reported.
    rmSync(tmpfs.outside('filler'));
    const reopened = createInspector({
      dir,
      auditLog: logOutside,
      watch: false,
      rescanMs: 60_000,
      warn: (text) => warnings.push(text),
    });
    reopened.close();
    expect(warnings).toEqual([
      expect.stringContaining(`the audit log ${logOutside} ends with an incomplete line (${ROOM} bytes`),
    ]);
  });
});
