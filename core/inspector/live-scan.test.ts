import {
  chmodSync,
  closeSync,
  fstatSync,
  linkSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment, mapShared, unmap } from '../../native';
import type { Segment } from '../../protocol/scan-result';
import { sameSegment } from './item-diff';
import { LiveScan } from './live-scan';
import { deadPid } from './service-test-support';

/** Overwrites a marker's PID (the i32 at 4 of the last 40 bytes, little endian), with plain fs. */
function writeMarkerPid(file: string, pid: number): void {
  const fd = openSync(file, 'r+');
  try {
    const field = Buffer.alloc(4);
    field.writeInt32LE(pid);
    writeSync(fd, field, 0, 4, fstatSync(fd).size - 40 + 4);
  } finally {
    closeSync(fd);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-live-scan-test-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// First in the file: the module's boot time is fixed by the first table indexed in this process.
describe('LiveScan before its first scan', () => {
  it('fixes no boot time from an entry read before its first full scan (its empty table has none)', () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const live = new LiveScan(dir);
    // An event before the first full scan (the service's first scan runs off the event loop).
    expect(live.rescanNames([name])).toBe(true);
    live.loadFull();
    const started = Date.now() - process.uptime() * 1000;
    expect(Math.abs((live.segment(name)?.owner?.startTime ?? 0) - started)).toBeLessThan(2000);
  });

  it("leaves processes' start times as /proc gives them (it fixes no boot time of its own)", () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const live = new LiveScan(dir);
    live.loadFull();
    const started = Date.now() - process.uptime() * 1000;
    expect(Math.abs((live.segment(name)?.owner?.startTime ?? 0) - started)).toBeLessThan(2000);
  });
});

describe('LiveScan: a full scan read off the event loop', () => {
  it('does not bring back an entry an event removed while it was reading', async () => {
    // Enough entries that the worker thread is still reading when the removal happens.
    for (let i = 0; i < 3000; i++) createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const live = new LiveScan(dir);
    live.loadFull();
    for (let attempt = 0; attempt < 5; attempt++) {
      // Made last: tmpfs lists the newest entry first, so the scan has listed it before it goes.
      const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
      expect(live.rescanNames([name])).toBe(true);
      const reading = live.loadFullAsync();
      await new Promise((resolve) => setTimeout(resolve, 10));
      unlinkSync(path.join(dir, name));
      expect(live.rescanNames([name])).toBe(true);
      expect(live.segment(name)).toBeUndefined();
      expect(await reading).toBe(true);
      expect(live.segment(name), `attempt ${attempt}`).toBeUndefined();
    }
  });

  it('gives the state a synchronous full scan gives, and tells only the names that show differently', async () => {
    const names = Array.from({ length: 300 }, () => createSegment({ dir, dataSize: 4096, mode: 0o600 }).name);
    const live = new LiveScan(dir);
    live.loadFull();
    live.takeChanges();
    // Nothing changed: nothing to tell.
    expect(await live.loadFullAsync()).toBe(true);
    expect([...live.takeChanges().names]).toEqual([]);
    // One marker rewritten to a PID that does not exist, one file removed, one made: exactly those.
    const [rewritten = '', removed = ''] = names;
    writeMarkerPid(path.join(dir, rewritten), deadPid());
    unlinkSync(path.join(dir, removed));
    const made = createSegment({ dir, dataSize: 4096, mode: 0o600 }).name;
    expect(await live.loadFullAsync()).toBe(true);
    expect([...live.takeChanges().names].sort()).toEqual([rewritten, removed, made].sort());
    expect(live.segment(rewritten)?.state).toBe('stale');
    // What the two judged is the same, as the service compares it (an owner's R or S, read at
    // another moment, is not a change); memfds and free space are system-wide and may move between.
    const reference = new LiveScan(dir);
    reference.loadFull();
    const mine = live.result();
    const theirs = reference.result();
    expect(mine.segments.map((segment) => segment.name).sort()).toEqual(
      theirs.segments.map((segment) => segment.name).sort(),
    );
    for (const segment of theirs.segments) {
      expect(sameSegment(live.segment(segment.name) as Segment, segment), segment.name).toBe(true);
    }
  });

  it('keeps the findings of the judgements it keeps: the same as a fresh state finds, also after a change of mode', async () => {
    const open = createSegment({ dir, dataSize: 4096, mode: 0o666 }).name;
    const closed = createSegment({ dir, dataSize: 4096, mode: 0o600 }).name;
    const live = new LiveScan(dir);
    live.loadFull();
    const mine = () =>
      live.result().findings.filter((finding) => finding.subject === open || finding.subject === closed);
    const fresh = () => {
      const reference = new LiveScan(dir);
      reference.loadFull();
      reference.refreshCapacity(); // as the service does after a synchronous full scan
      return reference.result().findings.filter((finding) => finding.subject === open || finding.subject === closed);
    };
    expect(await live.loadFullAsync()).toBe(true);
    expect(mine().map((finding) => finding.subject)).toEqual([open]);
    expect(mine()).toEqual(fresh());
    chmodSync(path.join(dir, closed), 0o646);
    expect(await live.loadFullAsync()).toBe(true);
    expect(
      mine()
        .map((finding) => finding.subject)
        .sort(),
    ).toEqual([open, closed].sort());
    expect(mine()).toEqual(fresh());
  });

  it('judges again, in a full scan, a segment whose owner exited unseen, and keeps the others’ judgements as they were', async () => {
    const owner = spawn('sleep', ['30']);
    try {
      const owned = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: owner.pid as number }).name;
      const untouched = createSegment({ dir, dataSize: 4096, mode: 0o600 }).name;
      const live = new LiveScan(dir);
      live.loadFull();
      live.takeChanges();
      const kept = live.segment(untouched);
      expect(live.segment(owned)?.state).toBe('live');
      // No event and no sweep tells this state: only the full scan's fresh /proc can.
      const exited = new Promise((resolve) => owner.once('exit', resolve));
      owner.kill();
      await exited;
      expect(await live.loadFullAsync()).toBe(true);
      expect([...live.takeChanges().names]).toEqual([owned]);
      expect(live.segment(owned)?.state).toBe('stale');
      expect(live.segment(untouched)).toBe(kept);
    } finally {
      owner.kill();
    }
  });

  it('gives way to a synchronous full scan made while it read', async () => {
    createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const live = new LiveScan(dir);
    const reading = live.loadFullAsync();
    live.loadFull();
    expect(await reading).toBe(false);
    expect(live.result().segments).toHaveLength(1);
  });
});

describe('LiveScan: entries named by events', () => {
  it('judges the entries it read before one it could not read, and says a full scan is needed', () => {
    const live = new LiveScan(dir);
    live.loadFull();
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    // A name no entry can have: its read fails with EINVAL, not ENOENT.
    expect(live.rescanNames([name, 'not/a-name'])).toBe(false);
    expect(live.segment(name)?.state).toBe('live');
  });
});

describe('LiveScan: a sweep', () => {
  it('rejudges every name of a file whose holders changed: hard links share them', async () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const other = `${name}-link`;
    linkSync(path.join(dir, name), path.join(dir, other));
    const live = new LiveScan(dir);
    live.loadFull();
    expect(live.segment(other)?.attached).toEqual([]);
    const fd = openSync(path.join(dir, name), 'r+');
    const mapping = mapShared(fd, statSync(path.join(dir, name)).size, true);
    closeSync(fd);
    try {
      const sweep = live.beginSweep();
      expect(live.applyTable(await live.readSweepTable(), sweep)).toBe(true);
      for (const each of [name, other]) {
        expect(
          live.segment(each)?.attached.map((holder) => holder.pid),
          each,
        ).toEqual([process.pid]);
      }
    } finally {
      unmap(mapping);
    }
  });

  it('keeps its process index through a sweep that reads what the last one read, and builds one when a holder changes', async () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    const live = new LiveScan(dir);
    live.loadFull();
    const sweep = async (): Promise<void> => {
      const id = live.beginSweep();
      expect(live.applyTable(await live.readSweepTable(), id)).toBe(true);
    };
    await sweep();
    // Other processes on the machine come and go: some pair of back-to-back sweeps reads the same.
    let kept = false;
    for (let attempt = 0; attempt < 10 && !kept; attempt += 1) {
      const before = live.processes();
      await sweep();
      kept = live.processes() === before;
    }
    expect(kept).toBe(true);
    const fd = openSync(path.join(dir, name), 'r+');
    const mapping = mapShared(fd, statSync(path.join(dir, name)).size, true);
    closeSync(fd);
    try {
      const before = live.processes();
      await sweep();
      expect(live.processes()).not.toBe(before);
      expect(live.segment(name)?.attached.map((holder) => holder.pid)).toEqual([process.pid]);
    } finally {
      unmap(mapping);
    }
  });

  it('keeps a private mapper that a complete read found through sweeps, which read shared mappings only', async () => {
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600 });
    // python3 maps the segment MAP_PRIVATE (libc's mmap: Python's own keeps a dup of the fd),
    // closes the fd, says so and waits for stdin to close.
    const script = [
      'import ctypes, os, sys',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'libc.mmap.restype = ctypes.c_void_p',
      'libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]',
      'fd = os.open(sys.argv[1], os.O_RDWR)',
      'PROT_READ, PROT_WRITE, MAP_PRIVATE = 1, 2, 2',
      'assert libc.mmap(None, os.fstat(fd).st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) not in (None, 2**64 - 1)',
      'os.close(fd)',
      "print('ready', flush=True)",
      'sys.stdin.read()',
    ].join('\n');
    const child = spawn('python3', ['-c', script, path.join(dir, name)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`python3 exited (${code}) before it was ready`)));
      });
      const holders = (live: LiveScan) => live.segment(name)?.attached.map((holder) => [holder.pid, holder.via]);
      const live = new LiveScan(dir);
      live.loadFull();
      expect(holders(live)).toEqual([[child.pid, ['map']]]);

      const sweep = live.beginSweep();
      const table = await live.readSweepTable();
      expect(table.processes.find((p) => p.pid === child.pid)?.mappings).toEqual([]);
      expect(live.applyTable(table, sweep)).toBe(true);
      expect(holders(live)).toEqual([[child.pid, ['map']]]);

      child.stdin.end();
      await exited;
      const after = live.beginSweep();
      expect(live.applyTable(await live.readSweepTable(), after)).toBe(true);
      expect(holders(live)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
