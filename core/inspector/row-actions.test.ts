/**
 * What the engine gives the UI's row actions: a cleanup plan executed in batches (so the
 * UI can show progress and stop between them), and the segments the service itself keeps
 * alive, listed in the header and released on request.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../../native';
import type { Patch } from '../../protocol/channels';
import type { InspectorApi, PatchSink } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { IPC, READ_ONLY, waitFor, deadPid } from './service-test-support';

class RecordingSink implements PatchSink {
  readonly patches: Patch[] = [];
  send(patch: Patch): void {
    this.patches.push(patch);
  }
  ready(): boolean {
    return true;
  }
  header(): Patch['header'] {
    return this.patches.findLast((patch) => patch.header !== null)?.header ?? null;
  }
}

let dir: string;
const started: InspectorApi[] = [];
function start(options: InspectorOptions = {}): InspectorApi {
  const inspector = createInspector({ dir, auditLog: path.join(`${dir}-audit`, 'audit.jsonl'), ...options });
  started.push(inspector);
  return inspector;
}
function auditEntries(): Record<string, unknown>[] {
  const file = path.join(`${dir}-audit`, 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-row-actions-test-');
});
afterEach(() => {
  for (const inspector of started.splice(0)) inspector.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-audit`, { recursive: true, force: true });
});

describe('Inspector service: a cleanup executed in batches', () => {
  it('removes at most `limit` per request, says how many remain, and audits every removal', async () => {
    const names = Array.from(
      { length: 5 },
      () => createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }).name,
    );
    const live = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const inspector = start();
    const plan = await inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove).toHaveLength(5);

    const first = await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 2 }, IPC);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.removed).toHaveLength(2);
    expect(first.value.remaining).toBe(3);
    // What the plan keeps is reported once, with the first batch.
    expect(first.value.kept.map((kept) => kept.name)).toEqual([live.name]);
    expect(readdirSync(dir)).toHaveLength(4);

    const second = await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 2 }, IPC);
    const third = await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 2 }, IPC);
    if (!second.ok || !third.ok) throw new Error('a later batch failed');
    expect([second.value.removed.length, second.value.remaining, second.value.kept.length]).toEqual([2, 1, 0]);
    expect([third.value.removed.length, third.value.remaining]).toEqual([1, 0]);
    expect(readdirSync(dir)).toEqual([live.name]);
    expect(
      auditEntries()
        .map((entry) => [entry.name, entry.outcome])
        .sort(),
    ).toEqual(names.map((name) => [name, 'removed']).sort());

    // Once all is done the plan is gone, as a plan executed whole is.
    const again = await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 2 }, IPC);
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('re-checks each batch when it runs: a segment replaced since the plan stays', async () => {
    for (let i = 0; i < 2; i++) createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const inspector = start();
    const plan = await inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC);
    if (!plan.ok) throw new Error(plan.error.message);
    const [firstName = '', secondName = ''] = plan.value.remove.map((item) => item.name);
    // The second planned one is replaced by another file of the same name between the batches.
    await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 1 }, IPC);
    rmSync(path.join(dir, secondName));
    createSegment({ dir, name: secondName, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const last = await inspector.handle('execute-cleanup', { planId: plan.value.planId, limit: 1 }, IPC);
    if (!last.ok) throw new Error(last.error.message);
    expect(existsSync(path.join(dir, firstName))).toBe(false);
    expect(existsSync(path.join(dir, secondName))).toBe(true);
    expect(last.value.failed.map((failure) => [failure.name, failure.code])).toEqual([[secondName, 'CHANGED']]);
  });
});

describe('Inspector service: what it keeps alive', () => {
  it('lists a segment made with keep-alive in the header, and releases it on request: then it is stale', async () => {
    const inspector = start();
    const sink = new RecordingSink();
    inspector.subscribe(sink);
    const created = await inspector.handle('create', { size: 4096, mode: 0o600, memfd: false }, IPC);
    if (!created.ok) throw new Error(created.error.message);
    const held = await waitFor(() => sink.header()?.held.find((item) => item.name === created.value.name));
    expect(held).toMatchObject({ kind: 'posix', name: created.value.name, inode: created.value.inode });

    expect(await inspector.handle('release', { id: held.id }, READ_ONLY)).toMatchObject({
      ok: false,
      error: { code: 'read-only' },
    });
    expect(await inspector.handle('release', { id: held.id }, IPC)).toEqual({ ok: true, value: { released: true } });
    await waitFor(() => sink.header()?.held.length === 0);
    // Released, the file stays (as PulseAudio's do when their creator goes) and no one holds it.
    expect(existsSync(path.join(dir, created.value.name))).toBe(true);
    expect(await inspector.handle('release', { id: held.id }, IPC)).toEqual({ ok: true, value: { released: false } });
  });
});

describe('Inspector service: a plan of the selected rows', () => {
  it('plans only the selected entries; one that needs confirming is kept and forceable until forced', async () => {
    const stale = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const otherStale = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const live = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    writeFileSync(path.join(dir, 'foreign-file'), 'not pulseaudio');
    const inspector = start();
    const selected = [stale.name, live.name, 'foreign-file', 'not-there'];
    const plan = await inspector.handle(
      'plan-cleanup',
      { includeZombie: false, includeReused: false, force: [], selected },
      IPC,
    );
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove.map((item) => item.name)).toEqual([stale.name]);
    expect(plan.value.keep.map(({ name, forceable }) => [name, forceable]).sort()).toEqual(
      [
        [live.name, false],
        ['foreign-file', true],
      ].sort(),
    );
    expect(plan.value.failed.map(({ name, code }) => [name, code])).toEqual([['not-there', 'ENOENT']]);
    expect(plan.value.options).toEqual({ includeZombie: false, includeReused: false, force: [] });

    const forced = await inspector.handle(
      'plan-cleanup',
      { includeZombie: false, includeReused: false, force: ['foreign-file', live.name], selected },
      IPC,
    );
    if (!forced.ok) throw new Error(forced.error.message);
    expect(forced.value.remove.map((item) => item.name).sort()).toEqual([stale.name, 'foreign-file'].sort());
    const result = await inspector.handle('execute-cleanup', { planId: forced.value.planId }, IPC);
    if (!result.ok) throw new Error(result.error.message);
    expect(readdirSync(dir).sort()).toEqual([live.name, otherStale.name].sort());
    expect(
      auditEntries()
        .map((entry) => entry.name)
        .sort(),
    ).toEqual([stale.name, 'foreign-file'].sort());
  });
});
