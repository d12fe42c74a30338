import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSegment } from '../../native';
import type { InspectorItem, Patch, RequestChannel } from '../../protocol/channels';
import { parseRequestEnvelope } from '../../protocol/websocket-messages';
import { AuditLogError } from '../audit/audit-log';
import type { InspectorApi, PatchSink } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { LiveScan } from './live-scan';
import { IPC, READ_ONLY, READ_WRITE_WEBSOCKET, sleep, waitFor, deadPid } from './service-test-support';

/** A sink that records every patch and can be made busy. */
/** PulseAudio's way (pa_shm_create_rw): create, size, map, close the fd, then (argv[2] s later) the marker into the mapping. */
const CREATE_AS_PULSEAUDIO = `
import mmap, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o700)
os.ftruncate(fd, 65536 + 40)
m = mmap.mmap(fd, 65536 + 40)
os.close(fd)
time.sleep(float(sys.argv[2]))
struct.pack_into('<Ii', m, 65536, 0xbeefcafe, os.getpid())
print('created', flush=True)
sys.stdin.read()
`;

class RecordingSink implements PatchSink {
  readonly patches: Patch[] = [];
  busy = false;
  send(patch: Patch): void {
    this.patches.push(patch);
  }
  ready(): boolean {
    return !this.busy;
  }
  /** The latest upsert of an item, from any patch. */
  latest(id: string): InspectorItem | undefined {
    for (let i = this.patches.length - 1; i >= 0; i -= 1) {
      const found = this.patches[i]?.upserts.find((item) => item.id === id);
      if (found) return found;
    }
    return undefined;
  }
  removed(id: string): boolean {
    return this.patches.some((patch) => patch.removals.includes(id));
  }
  header(): Patch['header'] {
    return this.patches.findLast((patch) => patch.header !== null)?.header ?? null;
  }
}

const segmentOf = (item: InspectorItem | undefined) => (item?.type === 'segment' ? item.segment : undefined);

// A scratch directory on tmpfs, like /dev/shm itself; removed after each test.
let dir: string;
const started: InspectorApi[] = [];
function start(options: InspectorOptions = {}): InspectorApi {
  const inspector = createInspector({ dir, ...options });
  started.push(inspector);
  return inspector;
}
/** A fresh audit log file (beside the scratch directory, never in it; removed with it) and what it holds. */
function auditLog(): { file: string; entries(): Record<string, unknown>[] } {
  const file = path.join(`${dir}-audit`, 'audit.jsonl');
  const entries = () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
  return { file, entries };
}
/** A new subscriber, once it has its first patch: the full snapshot the service sends when its first scan ends. */
async function subscribed(inspector: InspectorApi): Promise<RecordingSink> {
  const sink = new RecordingSink();
  inspector.subscribe(sink);
  await waitFor(() => sink.patches.length > 0);
  return sink;
}

beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-service-test-');
});
afterEach(() => {
  for (const inspector of started.splice(0)) inspector.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-audit`, { recursive: true, force: true });
});

describe('Inspector service: the live state', () => {
  it('sends a new subscriber a full snapshot listing the segments already there, as its first patch once the first scan ends', async () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const sink = new RecordingSink();
    start().subscribe(sink);
    // The first scan runs off the event loop: nothing is sent before it ends, then the snapshot.
    expect(sink.patches).toHaveLength(0);
    await waitFor(() => sink.patches.length > 0);
    expect(sink.patches).toHaveLength(1);
    const [first] = sink.patches;
    expect(first?.full).toBe(true);
    expect(first?.header?.dir).toBe(dir);
    expect(first?.removals).toEqual([]);
    expect(segmentOf(first?.upserts.find((item) => item.id === `seg:${name}`))?.state).toBe('live');
  });

  it('shows a segment created in the directory within 250 ms through the watcher, and then its removal', async () => {
    const sink = await subscribed(start({ rescanMs: 60_000 }));
    const began = performance.now();
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    await waitFor(() => sink.latest(`seg:${name}`));
    expect(performance.now() - began).toBeLessThan(250);

    const removing = performance.now();
    unlinkSync(path.join(dir, name));
    await waitFor(() => sink.removed(`seg:${name}`));
    expect(performance.now() - removing).toBeLessThan(250);
  });

  it('shows a segment made as PulseAudio makes it as live by the next sweep, though its marker came through the mapping after the last event', async () => {
    const sink = await subscribed(start({ rescanMs: 500 }));
    const name = `pulse-shm-${2_000_000_000 + Math.floor(Math.random() * 1_000_000)}`;
    // shm_open(O_CREAT|O_EXCL), ftruncate(data + 40), mmap shared, close; the marker goes in
    // through the mapping: no write(), so no inotify event after ftruncate's (reference 1, 2).
    // 300 ms late here, as a creator preempted between the two would be: the entry read on the
    // event has no marker; the sweep that finds the creator mapping it reads it again.
    const creator = spawn('python3', ['-c', CREATE_AS_PULSEAUDIO, path.join(dir, name), '0.3'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = readline.createInterface({ input: creator.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('created');
      const segment = await waitFor(() => {
        const found = segmentOf(sink.latest(`seg:${name}`));
        return found?.state === 'live' && found;
      }, 3_000);
      expect(segment.marker).toMatchObject({ valid: true, pid: creator.pid });
    } finally {
      creator.kill();
    }
  });

  it('spaces its safety scans by what one costs: never more than half a percent of a core, whatever safetyScanMs says', async () => {
    for (let i = 0; i < 3000; i++) createSegment({ dir, dataSize: 4096, mode: 0o600 });
    // Counted where every full scan of the service goes; nothing else is changed.
    const scans = vi.spyOn(LiveScan.prototype, 'loadFullAsync');
    try {
      const inspector = start({ rescanMs: 60_000, safetyScanMs: 20, auditLog: null });
      await subscribed(inspector);
      const cpu = process.cpuUsage();
      const first = scans.mock.calls.length;
      await sleep(2_000);
      const used = process.cpuUsage(cpu);
      // One scan of 3,000 entries takes milliseconds of CPU: 200 times that is seconds, so a
      // 20 ms period would have made dozens of scans here, and these few cost little.
      expect(scans.mock.calls.length - first).toBeLessThanOrEqual(2);
      expect((used.user + used.system) / 1000).toBeLessThan(2_000 * 0.1);
    } finally {
      scans.mockRestore();
    }
  });

  it('sends no patch for a rescan that finds nothing changed', async () => {
    createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const inspector = start({ rescanMs: 60_000, watch: false });
    const sink = await subscribed(inspector);
    // Capacity and memfds are system-wide: another process may change them between two
    // scans, so it is enough that some pair of back-to-back scans sends nothing.
    let quiet = false;
    for (let attempt = 0; attempt < 10 && !quiet; attempt += 1) {
      const before = await inspector.handle('scan-now', {}, IPC);
      const sent = sink.patches.length;
      const after = await inspector.handle('scan-now', {}, IPC);
      quiet = sink.patches.length === sent && after.ok && before.ok && after.value.seq === before.value.seq;
    }
    expect(quiet).toBe(true);
    expect(sink.patches.some((patch) => patch.upserts.some((item) => item.id.startsWith('seg:')) && !patch.full)).toBe(
      false,
    );
  });

  it('turns a segment stale in a later patch when its owner exits', async () => {
    const owner = spawn('sleep', ['30']);
    try {
      if (owner.pid === undefined) throw new Error('could not spawn sleep');
      const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: owner.pid });
      const sink = await subscribed(start({ rescanMs: 250 }));
      expect(segmentOf(sink.latest(`seg:${name}`))?.state).toBe('live');
      const exited = once(owner, 'exit');
      owner.kill();
      await exited;
      await waitFor(() => segmentOf(sink.latest(`seg:${name}`))?.state === 'stale');
    } finally {
      owner.kill();
    }
  });

  it('reports a directory that goes away in the header, and lists it again once it is back', async () => {
    const sink = await subscribed(start({ rescanMs: 250 }));
    rmSync(dir, { recursive: true });
    const header = await waitFor(() => sink.header()?.findings.find((finding) => finding.subject === dir));
    expect(header.message).toContain('cannot be scanned (ENOENT');

    const refused = await started[0]?.handle('create', { size: 4096, mode: 0o600, memfd: false }, IPC);
    expect(refused).toMatchObject({ ok: false, error: { code: 'ENOENT' } });

    mkdirSync(dir);
    await waitFor(() => sink.header()?.findings.every((finding) => finding.subject !== dir));
    // Watched again: a new segment shows without waiting for a rescan.
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    await waitFor(() => sink.latest(`seg:${name}`));
  });

  it('lists every segment again after a full scan that failed, not only those that changed', async () => {
    const names = [1, 2, 3].map(() => createSegment({ dir, dataSize: 4096, mode: 0o600 }).name);
    const sink = await subscribed(start({ rescanMs: 250 }));
    const listed = () => {
      // The state as a subscriber rebuilds it from its patches.
      const state = new Set<string>();
      for (const patch of sink.patches) {
        if (patch.full) state.clear();
        for (const item of patch.upserts) state.add(item.id);
        for (const id of patch.removals) state.delete(id);
      }
      return names.filter((name) => state.has(`seg:${name}`));
    };
    expect(listed()).toEqual(names);
    // Moved away: the scan fails (ENOENT) and lists nothing; moved back: it lists them again.
    renameSync(dir, `${dir}-away`);
    try {
      await waitFor(() => sink.header()?.findings.some((finding) => finding.subject === dir));
      expect(listed()).toEqual([]);
    } finally {
      renameSync(`${dir}-away`, dir);
    }
    await waitFor(() => sink.header()?.findings.every((finding) => finding.subject !== dir));
    await waitFor(() => listed().length === names.length);
    expect(listed()).toEqual(names);
  });
});

describe('Inspector service: requests', () => {
  it('refuses a create with bad input, naming the field, and creates nothing', async () => {
    const inspector = start();
    const tooSmall = await inspector.handle('create', { size: 0, mode: 0o600, memfd: false }, IPC);
    expect(tooSmall).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(tooSmall.ok ? '' : tooSmall.error.message).toMatch(/^size: /);
    const badMode = await inspector.handle('create', { size: 4096, mode: 0o7777, memfd: false }, IPC);
    expect(badMode.ok ? '' : badMode.error.message).toMatch(/^mode: /);
    const extra = await inspector.handle('create', { size: 4096, mode: 0o600, memfd: false, path: '/etc' }, IPC);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an unknown channel as an invalid request', async () => {
    const result = await start().handle('format-disk' as RequestChannel, {}, IPC);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('creates a segment of size + 40 bytes with the mode asked, which shows as live and held by the service', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const result = await inspector.handle('create', { size: 65536, mode: 0o640, memfd: false }, IPC);
    if (!result.ok) throw new Error(result.error.message);
    const created = result.value;
    expect(created).toMatchObject({ kind: 'posix', dataSize: 65536, fileSize: 65576, mode: 0o640 });
    const stats = statSync(path.join(dir, created.name));
    expect(stats.size).toBe(65576);
    expect(stats.mode & 0o777).toBe(0o640);
    const segment = segmentOf(await waitFor(() => sink.latest(`seg:${created.name}`)));
    expect(segment?.state).toBe('live');
    expect(segment?.attached.map((holder) => holder.pid)).toEqual([process.pid]);
  });

  it('creates a memfd that lives while the service holds it', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const result = await inspector.handle('create', { size: 65536, mode: 0o600, memfd: true }, IPC);
    if (!result.ok) throw new Error(result.error.message);
    const item = await waitFor(() => sink.latest(`memfd:${result.value.dev}:${result.value.inode}`));
    expect(item.type === 'memfd' && item.memfd.holders.map((holder) => holder.pid)).toEqual([process.pid]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses create, cleanup execution and lab requests through a read-only interface, but plans', async () => {
    const inspector = start();
    const requests: [RequestChannel, unknown][] = [
      ['create', { size: 4096, mode: 0o600, memfd: false }],
      ['execute-cleanup', { planId: 'x' }],
      ['lab-pool', { slots: 2, allocated: 0, freed: 0, memfd: false }],
      ['lab-srbchannel', { rate: 1000, memfd: false }],
      ['lab-stale', {}],
      ['lab-stop', { id: 'lab-1', keep: false }],
      // Settings apply to every client of the host: rescan and sampling rates are not a reader's to change.
      ['set-settings', { rescanMs: 60_000, sampleHz: 0.1 }],
    ];
    for (const [channel, request] of requests) {
      expect(await inspector.handle(channel, request, READ_ONLY), channel).toMatchObject({
        ok: false,
        error: { code: 'read-only' },
      });
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(await inspector.handle('get-settings', {}, READ_ONLY)).toEqual({
      ok: true,
      value: { rescanMs: 3000, sampleHz: 10 },
    });
    const plan = await inspector.handle(
      'plan-cleanup',
      { includeZombie: false, includeReused: false, force: [] },
      READ_ONLY,
    );
    expect(plan.ok).toBe(true);
  });

  it('plans and executes a cleanup that removes a stale segment, recording it in the audit log', async () => {
    const { name, dev, inode } = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const live = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const log = auditLog();
    const inspector = start({ auditLog: log.file, now: () => 1234 });
    const sink = await subscribed(inspector);

    const plan = await inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove.map((item) => item.name)).toEqual([name]);
    expect(plan.value.keep.map((item) => item.name)).toEqual([live.name]);
    expect(existsSync(path.join(dir, name))).toBe(true);

    const result = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, IPC);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.removed.map((item) => item.name)).toEqual([name]);
    expect(result.value.bytesFreed).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([live.name]);
    expect(log.entries()).toEqual([
      {
        time: '1970-01-01T00:00:01.234Z',
        interface: 'ipc',
        uid: process.getuid?.(),
        pid: process.pid,
        dir,
        name,
        dev,
        inode,
        reason: plan.value.remove[0]?.reason,
        bytes: plan.value.remove[0]?.bytes,
        outcome: 'removed',
        message: null,
      },
    ]);
    await waitFor(() => sink.removed(`seg:${name}`));

    // A plan is executed once.
    const again = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, IPC);
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('removes exactly odd\\xff when the WebSocket names it, of three names a lossy decoder makes alike', async () => {
    const odd = [Buffer.from([0xff]), Buffer.from([0xfe]), Buffer.from('\ufffd')].map((bytes) =>
      Buffer.concat([Buffer.from(`${dir}/odd`), bytes]),
    );
    for (const file of odd) writeFileSync(file, 'x');
    const log = auditLog();
    const inspector = start({ auditLog: log.file });
    const sink = await subscribed(inspector);
    // The snapshot's JSON, as the browser host sends it, names each file apart.
    const snapshot = JSON.parse(JSON.stringify(sink.patches[0])) as Patch;
    expect(
      snapshot.upserts
        .map((item) => item.id)
        .filter((id) => id.startsWith('seg:odd'))
        .sort(),
    ).toEqual(['seg:odd\udcfe', 'seg:odd\udcff', 'seg:odd\ufffd'].sort());
    // A request as the browser sends it: JSON text, where the escape travels as \udcff.
    const wire = JSON.stringify({
      type: 'request',
      id: 1,
      channel: 'plan-cleanup',
      request: { includeZombie: false, includeReused: false, force: ['odd\udcff'] },
    });
    expect(wire).toContain('"odd\\udcff"');
    const envelope = parseRequestEnvelope(wire);
    if (!envelope) throw new Error('not an envelope');
    const plan = await inspector.handle('plan-cleanup', envelope.request, READ_WRITE_WEBSOCKET);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove.map((item) => item.name)).toEqual(['odd\udcff']);
    const result = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, READ_WRITE_WEBSOCKET);
    if (!result.ok) throw new Error(result.error.message);
    expect(odd.map((file) => existsSync(file))).toEqual([false, true, true]);
    expect(log.entries().map((entry) => [entry.name, entry.interface, entry.outcome])).toEqual([
      ['odd\udcff', 'websocket', 'removed'],
    ]);
  });

  it('plans from a scan that began after the request: one already running when it came is not shared', async () => {
    // Enough entries that a scan is still reading when the segment is made; no watch, so no event tells of it.
    for (let i = 0; i < 5000; i++) createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const inspector = start({ watch: false, rescanMs: 60_000, auditLog: auditLog().file });
    await subscribed(inspector);
    for (let attempt = 0; attempt < 3; attempt++) {
      const running = inspector.handle('scan-now', {}, IPC);
      const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
      const plan = await inspector.handle(
        'plan-cleanup',
        { includeZombie: false, includeReused: false, force: [] },
        IPC,
      );
      if (!plan.ok) throw new Error(plan.error.message);
      expect(plan.value.remove.map((item) => item.name)).toContain(name);
      expect((await running).ok).toBe(true);
      unlinkSync(path.join(dir, name));
    }
  }, 30_000);

  it('refuses a forced name that stands for no bytes, or a second spelling of one', async () => {
    const inspector = start({ auditLog: auditLog().file });
    for (const name of ['odd\ud800', 'caf\udcc3\udca9']) {
      const plan = await inspector.handle(
        'plan-cleanup',
        { includeZombie: false, includeReused: false, force: [name] },
        READ_WRITE_WEBSOCKET,
      );
      expect(plan).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
  });

  it('refuses every change when the service itself is read-only, whatever the interface says', async () => {
    const name = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }).name;
    const inspector = createInspector({ dir, readOnly: true, watch: false });
    started.push(inspector);
    expect(inspector.auditLogFile).toBeNull();
    const plan = await inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove.map((item) => item.name)).toEqual([name]);
    const result = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, IPC);
    expect(result).toMatchObject({ ok: false, error: { code: 'read-only' } });
    expect(await inspector.handle('lab-stale', {}, IPC)).toMatchObject({ ok: false, error: { code: 'read-only' } });
    expect(readdirSync(dir)).toEqual([name]);
  });

  it('deletes nothing without an audit log: a cleanup and a lab file are refused, not done unrecorded', async () => {
    const name = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }).name;
    const inspector = start({ auditLog: null, watch: false });
    const plan = await inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.remove.map((item) => item.name)).toEqual([name]);
    const result = await inspector.handle('execute-cleanup', { planId: plan.value.planId }, IPC);
    expect(result).toMatchObject({ ok: false, error: { code: 'ENOLOG' } });
    expect(await inspector.handle('lab-stale', {}, IPC)).toMatchObject({ ok: false, error: { code: 'ENOLOG' } });
    const pool = { slots: 2, allocated: 0, freed: 0, memfd: false };
    expect(await inspector.handle('lab-pool', pool, IPC)).toMatchObject({ ok: false, error: { code: 'ENOLOG' } });
    expect(readdirSync(dir)).toEqual([name]);
    // A memfd pool has no file to remove: it needs no record.
    expect(await inspector.handle('lab-pool', { ...pool, memfd: true }, IPC)).toMatchObject({ ok: true });
  });

  it('answers not-found for a plan it never made', async () => {
    const result = await start().handle('execute-cleanup', { planId: 'made-up' }, IPC);
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('reads and changes its settings live, refusing values out of range', async () => {
    const inspector = start();
    expect(await inspector.handle('get-settings', {}, IPC)).toEqual({
      ok: true,
      value: { rescanMs: 3000, sampleHz: 10 },
    });
    expect(await inspector.handle('set-settings', { sampleHz: 20 }, IPC)).toEqual({
      ok: true,
      value: { rescanMs: 3000, sampleHz: 20 },
    });
    const bad = await inspector.handle('set-settings', { rescanMs: 5 }, IPC);
    expect(bad.ok ? '' : bad.error.message).toMatch(/^rescanMs: /);
    // A full rescan 10 times a second, or sampling at 100 Hz, costs every client: refused.
    expect(await inspector.handle('set-settings', { rescanMs: 100 }, IPC)).toMatchObject({ ok: false });
    expect(await inspector.handle('set-settings', { sampleHz: 100 }, IPC)).toMatchObject({ ok: false });
    expect(await inspector.handle('get-settings', {}, IPC)).toMatchObject({ value: { sampleHz: 20 } });
  });
});

describe('Inspector service: the lab', () => {
  it('streams the bytes a lab srbchannel moves each way, per interval, and lab-stop removes its file', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const made = await inspector.handle('lab-srbchannel', { rate: 200_000, memfd: false }, IPC);
    if (!made.ok) throw new Error(made.error.message);
    const item = made.value;
    expect(item).toMatchObject({ kind: 'srbchannel', storage: 'posix', slots: 2 });
    expect(sink.header()?.lab).toEqual([item]);

    const channel = `seg:${item.name}#64`;
    const received = () => sink.patches.flatMap((patch) => patch.samples.filter((entry) => entry.channel === channel));
    await waitFor(() => received().length >= 10);
    const samples = received();
    expect(samples.every((entry) => entry.capacity === 32712)).toBe(true);
    // The service's own lab maps the pool, so the channel is live: read at 2 kHz, not once per interval.
    const intervals = samples.flatMap((entry) => entry.intervals).slice(2);
    expect(intervals.every((interval) => interval.reads > 20)).toBe(true);
    const bytes = intervals.reduce((total, interval) => total + interval.readBytes, 0);
    const ms = intervals.reduce((total, interval) => total + interval.ms, 0);
    // 200 kB/s each way, give or take what the intervals' edges and a busy machine miss.
    expect((bytes / ms) * 1000).toBeGreaterThan(100_000);
    expect((bytes / ms) * 1000).toBeLessThan(300_000);
    for (const interval of intervals) {
      expect(interval.readPeak).toBeLessThanOrEqual(32712);
      expect(interval.last.readCount).toBeLessThanOrEqual(32712);
    }

    expect(await inspector.handle('lab-stop', { id: item.id, keep: false }, IPC)).toEqual({
      ok: true,
      value: { stopped: true },
    });
    expect(existsSync(path.join(dir, item.name))).toBe(false);
    await waitFor(() => sink.removed(`seg:${item.name}`));
    expect(sink.header()?.lab).toEqual([]);
    expect(await inspector.handle('lab-stop', { id: item.id, keep: false }, IPC)).toEqual({
      ok: true,
      value: { stopped: false },
    });
  });

  it.skipIf(process.getuid?.() !== 0)('samples a memfd srbchannel through this process’s own mapping', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const made = await inspector.handle('lab-srbchannel', { rate: 200_000, memfd: true }, IPC);
    if (!made.ok) throw new Error(made.error.message);
    // A memfd lives on the kernel's internal tmpfs, not on the directory's device.
    const channel = new RegExp(`^memfd:\\d+:${made.value.inode}#64$`);
    await waitFor(() =>
      sink.patches.some((patch) =>
        patch.samples.some((entry) => channel.test(entry.channel) && entry.capacity === 32712),
      ),
    );
  });

  it('makes a stale segment and a pool that show in the state and the header', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const stale = await inspector.handle('lab-stale', {}, IPC);
    const pool = await inspector.handle('lab-pool', { slots: 4, allocated: 2, freed: 1, memfd: false }, IPC);
    if (!stale.ok || !pool.ok) throw new Error('lab request failed');
    expect(segmentOf(sink.latest(`seg:${stale.value.name}`))?.state).toBe('stale');
    expect(segmentOf(sink.latest(`seg:${pool.value.name}`))?.pool?.pool).toMatchObject({ inUse: 2, free: 1 });
    expect(sink.header()?.lab.map((entry) => entry.id)).toEqual([stale.value.id, pool.value.id]);
  });

  it('caps the srbchannels’ total rate and the number of lab objects, and makes nothing when it refuses', async () => {
    const inspector = start();
    expect(await inspector.handle('lab-srbchannel', { rate: 600_000, memfd: true }, IPC)).toMatchObject({ ok: true });
    expect(await inspector.handle('lab-srbchannel', { rate: 600_000, memfd: true }, IPC)).toMatchObject({
      ok: false,
      error: { code: 'limit', message: expect.stringContaining('at most 1000000 bytes per second') as unknown },
    });
    for (let made = 1; made < 16; made += 1) {
      expect(await inspector.handle('lab-stale', {}, IPC), `object ${made + 1}`).toMatchObject({ ok: true });
    }
    const files = readdirSync(dir).length;
    expect(await inspector.handle('lab-stale', {}, IPC)).toMatchObject({
      ok: false,
      error: { code: 'limit', message: expect.stringContaining('at most 16 lab objects') as unknown },
    });
    expect(readdirSync(dir)).toHaveLength(files);
  });

  it('will not start without its audit log, so that nothing can be deleted unrecorded', () => {
    const blocker = `${dir}-audit`;
    writeFileSync(blocker, '');
    expect(() => start({ auditLog: path.join(blocker, 'audit.jsonl') })).toThrow(AuditLogError);
  });

  it('audits the files the lab removes, on lab-stop and on close, with the interface that made them', async () => {
    const log = auditLog();
    const inspector = start({ auditLog: log.file, now: () => 99 });
    const stopped = await inspector.handle('lab-pool', { slots: 2, allocated: 1, freed: 0, memfd: false }, IPC);
    const closed = await inspector.handle('lab-stale', {}, READ_WRITE_WEBSOCKET);
    const memfd = await inspector.handle('lab-pool', { slots: 2, allocated: 0, freed: 0, memfd: true }, IPC);
    if (!stopped.ok || !closed.ok || !memfd.ok) throw new Error('lab request failed');
    await inspector.handle('lab-stop', { id: stopped.value.id, keep: false }, READ_WRITE_WEBSOCKET);
    expect(log.entries()).toEqual([
      expect.objectContaining({
        time: '1970-01-01T00:00:00.099Z',
        interface: 'ipc',
        dir,
        name: stopped.value.name,
        outcome: 'removed',
      }),
    ]);
    expect(log.entries()[0]?.bytes).toBeGreaterThan(0);
    inspector.close();
    // A memfd has no file to remove: nothing is recorded for it.
    expect(log.entries().map((entry) => [entry.interface, entry.name, entry.outcome])).toEqual([
      ['ipc', stopped.value.name, 'removed'],
      ['websocket', closed.value.name, 'removed'],
    ]);
  });
});

describe('Inspector service: subscribers and close', () => {
  it('gives a busy subscriber one coalesced patch with the net effect when it is ready again', async () => {
    const gone = createSegment({ dir, dataSize: 4096, mode: 0o600 }).name;
    const inspector = start({ rescanMs: 60_000 });
    const sink = await subscribed(inspector);
    expect(sink.patches).toHaveLength(1);

    sink.busy = true;
    const names = [1, 2, 3, 4].map(() => createSegment({ dir, dataSize: 4096, mode: 0o600 }).name);
    await sleep(100);
    const [kept1, brief, kept2, brief2] = names;
    for (const name of [brief, brief2, gone]) unlinkSync(path.join(dir, name ?? ''));
    await sleep(100);
    await inspector.handle('scan-now', {}, IPC);
    expect(sink.patches).toHaveLength(1);

    sink.busy = false;
    await waitFor(() => sink.patches.length === 2);
    await sleep(100);
    const ours = (ids: string[]) => ids.filter((id) => id.startsWith('seg:')).sort();
    const net = sink.patches[1];
    expect(ours(net?.upserts.map((item) => item.id) ?? [])).toEqual([`seg:${kept1}`, `seg:${kept2}`].sort());
    expect(ours(net?.removals ?? [])).toEqual([`seg:${gone}`]);
  });

  it('stops a subscriber’s patches when it unsubscribes', async () => {
    const inspector = start({ rescanMs: 60_000 });
    const sink = new RecordingSink();
    const unsubscribe = inspector.subscribe(sink);
    await waitFor(() => sink.patches.length > 0);
    unsubscribe();
    createSegment({ dir, dataSize: 4096, mode: 0o600 });
    await sleep(150);
    expect(sink.patches).toHaveLength(1);
  });

  it('leaves nothing it made behind when closed: no mapping, no lab file, no more patches', async () => {
    const inspector = start();
    const sink = await subscribed(inspector);
    const posix = await inspector.handle('create', { size: 65536, mode: 0o600, memfd: false }, IPC);
    const memfd = await inspector.handle('create', { size: 65536, mode: 0o600, memfd: true }, IPC);
    const lab = [
      await inspector.handle('lab-pool', { slots: 2, allocated: 1, freed: 0, memfd: false }, IPC),
      await inspector.handle('lab-pool', { slots: 2, allocated: 1, freed: 0, memfd: true }, IPC),
      await inspector.handle('lab-srbchannel', { rate: 10_000, memfd: false }, IPC),
      await inspector.handle('lab-stale', {}, IPC),
    ];
    if (!posix.ok || !memfd.ok || lab.some((result) => !result.ok)) throw new Error('a request failed');
    const mapsLines = () =>
      readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((line) => line.includes(dir) || line.includes(` ${memfd.value.inode} `));
    expect(mapsLines().length).toBeGreaterThan(0);

    inspector.close();
    expect(mapsLines()).toEqual([]);
    // A created segment stays, unheld, as a segment whose creator exited does; lab files go.
    expect(readdirSync(dir)).toEqual([posix.value.name]);

    const patches = sink.patches.length;
    createSegment({ dir, dataSize: 4096, mode: 0o600 });
    await sleep(150);
    expect(sink.patches).toHaveLength(patches);
    expect(await inspector.handle('scan-now', {}, IPC)).toMatchObject({ ok: false, error: { code: 'closed' } });
  });
});

describe('Inspector service: full scans off the event loop', () => {
  /**
   * The longest the event loop went without running a 2 ms heartbeat while `run` ran
   * (and one beat after it, so a block at its very end is seen too).
   */
  async function longestStall(run: () => Promise<void>): Promise<number> {
    let last = performance.now();
    let longest = 0;
    const beat = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    try {
      await run();
      await sleep(20);
    } finally {
      clearInterval(beat);
    }
    return Math.max(longest, performance.now() - last);
  }

  // A scan of 20,000 segments costs several hundred ms of the loop when it runs on it (more on
  // a loaded machine); off the loop it is read on a worker thread and judged in short slices.
  const SEGMENTS = 20_000;
  const STALL_LIMIT_MS = 150;

  it('starts, plans a cleanup and scans on request at 20,000 segments without blocking the loop for long', async () => {
    const dead = deadPid();
    for (let i = 0; i < SEGMENTS; i++) {
      createSegment({ dir, dataSize: 4096, mode: 0o600, ...(i % 4 === 0 ? { markerPid: dead } : {}) });
    }
    // What one full scan costs on the loop when it runs there, as the service's scans did: on a
    // machine loaded enough that a thread waits 150 ms for a core, the bound grows with it.
    const began = performance.now();
    new LiveScan(dir).loadFull();
    const limit = Math.max(STALL_LIMIT_MS, (performance.now() - began) / 3);
    let inspector: InspectorApi | null = null;
    let sink: RecordingSink | null = null;
    const startStall = await longestStall(async () => {
      inspector = start({ rescanMs: 60_000, auditLog: null });
      sink = new RecordingSink();
      inspector.subscribe(sink);
      await waitFor(() => sink?.patches.some((patch) => patch.full && patch.header !== null), 30_000);
    });
    if (inspector === null || sink === null) throw new Error('the service did not start');
    const service: InspectorApi = inspector;
    const snapshot = (sink as RecordingSink).patches.find((patch) => patch.full);
    expect(snapshot?.upserts.filter((item) => item.type === 'segment')).toHaveLength(SEGMENTS);

    let planned = 0;
    const requestStall = await longestStall(async () => {
      const [plan, scan] = await Promise.all([
        service.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, IPC),
        service.handle('scan-now', {}, IPC),
      ]);
      if (!plan.ok || !scan.ok) throw new Error('a request failed');
      planned = plan.value.remove.length;
    });
    expect(planned).toBe(SEGMENTS / 4);
    expect(startStall, 'the longest stall while starting, in ms').toBeLessThan(limit);
    expect(requestStall, 'the longest stall while planning and scanning, in ms').toBeLessThan(limit);
  }, 60_000);
});
