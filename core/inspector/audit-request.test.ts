import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../../native';
import type { InspectorApi } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { deadPid, IPC, READ_ONLY, READ_WRITE_WEBSOCKET } from './service-test-support';

let dir: string;
let logFile: string;
const started: InspectorApi[] = [];
function start(options: InspectorOptions = {}): InspectorApi {
  const inspector = createInspector({ dir, auditLog: logFile, watch: false, ...options });
  started.push(inspector);
  return inspector;
}

beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-audit-request-test-');
  logFile = path.join(`${dir}-audit`, 'audit.jsonl');
});
afterEach(() => {
  for (const inspector of started.splice(0)) inspector.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-audit`, { recursive: true, force: true });
});

/** Plans and executes a cleanup through `context`'s interface; returns the names it removed. */
async function clean(inspector: InspectorApi, context = READ_WRITE_WEBSOCKET): Promise<string[]> {
  const plan = await inspector.handle(
    'plan-cleanup',
    { includeZombie: false, includeReused: false, force: [] },
    context,
  );
  if (!plan.ok) throw new Error(plan.error.message);
  const result = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, context);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.removed.map((item) => item.name);
}

describe('Inspector service: the audit-log request', () => {
  it('returns a real audited cleanup of a stale segment, newest first, with who removed it and how', async () => {
    const first = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const inspector = start({ now: () => Date.UTC(2026, 11, 4, 21, 0) });
    expect(await clean(inspector)).toEqual([first.name]);
    const second = createSegment({ dir, dataSize: 8192, mode: 0o600, markerPid: deadPid() });
    expect(await clean(inspector, IPC)).toEqual([second.name]);

    const answer = await inspector.handle('audit-log', {}, READ_WRITE_WEBSOCKET);
    if (!answer.ok) throw new Error(answer.error.message);
    const view = answer.value;
    if (!view.kept) throw new Error(view.why);
    expect(view).toMatchObject({ file: logFile, more: false, torn: null, unreadable: 0 });
    expect(view.records.map((record) => [record.name, record.via])).toEqual([
      [second.name, 'ipc'],
      [first.name, 'websocket'],
    ]);
    expect(view.records[1]).toEqual({
      time: Date.UTC(2026, 11, 4, 21, 0),
      via: 'websocket',
      uid: process.getuid?.(),
      pid: process.pid,
      dir,
      name: first.name,
      dev: first.dev,
      inode: first.inode,
      reason: expect.stringContaining(`PID`) as unknown,
      bytes: expect.any(Number) as unknown,
      outcome: 'removed',
      message: null,
    });

    const one = await inspector.handle('audit-log', { limit: 1 }, IPC);
    expect(one).toMatchObject({ ok: true, value: { kept: true, more: true, records: [{ name: second.name }] } });
  });

  it('reports a torn last line (another writer that failed) and still returns the records before it', async () => {
    const stale = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const inspector = start();
    await clean(inspector);
    appendFileSync(logFile, '{"time":"2026-12-04T21:00:00.000Z","interface":"cli","na');
    const answer = await inspector.handle('audit-log', { limit: 10 }, IPC);
    if (!answer.ok || !answer.value.kept) throw new Error('no log');
    expect(answer.value.records.map((record) => record.name)).toEqual([stale.name]);
    expect(answer.value.torn).toMatch(/^the audit log .* ends with an incomplete line \(\d+ bytes at byte \d+/);
  });

  it('says a read-only service keeps no log: an answer, not an error', async () => {
    const inspector = start({ readOnly: true });
    expect(await inspector.handle('audit-log', {}, READ_ONLY)).toEqual({
      ok: true,
      value: { kept: false, why: expect.stringContaining('keeps no audit log') as unknown },
    });
    expect(existsSync(logFile)).toBe(false);
  });

  it('refuses a limit out of bounds', async () => {
    const inspector = start();
    for (const limit of [0, 1001, 2.5]) {
      expect(await inspector.handle('audit-log', { limit }, IPC)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    }
  });
});
