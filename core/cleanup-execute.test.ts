import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment, mapShared, unmap } from '../native';
import type { CleanupOptions, CleanupPlan } from '../protocol/cleanup';
import { executeCleanup } from './cleanup-execute';
import { planCleanup } from './cleanup-plan';
import { scanShm } from './scan-shm';

const defaults: CleanupOptions = { includeZombie: false, includeReused: false, force: [] };

/** A PID that existed and is gone: the child has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined) throw new Error('could not spawn true');
  return child.pid;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shm-inspector-exec-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function staleSegment(): string {
  return createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }).name;
}

describe('executeCleanup', () => {
  it('removes a stale segment and reports the bytes freed', () => {
    const name = staleSegment();
    const plan = planCleanup(scanShm(dir), defaults);
    expect(plan.remove.map((item) => item.name)).toEqual([name]);
    const result = executeCleanup(plan);
    expect(result.removed.map((item) => item.name)).toEqual([name]);
    expect(result.bytesFreed).toBe(plan.remove[0]?.bytes);
    expect(result.bytesFreed).toBeGreaterThan(0);
    expect(result.failed).toEqual([]);
    expect(existsSync(path.join(dir, name))).toBe(false);
  });

  it('does not remove a segment replaced by another with the same name after the plan', () => {
    const name = staleSegment();
    const plan = planCleanup(scanShm(dir), defaults);
    unlinkSync(path.join(dir, name));
    createSegment({ dir, name, dataSize: 4096, mode: 0o600, markerPid: deadPid() });
    const result = executeCleanup(plan);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      { name, code: 'CHANGED', message: `${name}: replaced by another file since the plan was made; not removed` },
    ]);
    expect(existsSync(path.join(dir, name))).toBe(true);
  });

  it('does not remove a segment that a process mapped after the plan', () => {
    const name = staleSegment();
    const plan = planCleanup(scanShm(dir), defaults);
    const fd = openSync(path.join(dir, name), 'r');
    const handle = mapShared(fd, 4096 + 40, false);
    closeSync(fd);
    try {
      const result = executeCleanup(plan);
      expect(result.removed).toEqual([]);
      expect(result.failed[0]?.code).toBe('CHANGED');
      expect(result.failed[0]?.message).toContain(`still held by PID ${process.pid}`);
      expect(existsSync(path.join(dir, name))).toBe(true);
    } finally {
      unmap(handle);
    }
  });

  it('reports a segment that vanished after the plan as ENOENT', () => {
    const name = staleSegment();
    const plan = planCleanup(scanShm(dir), defaults);
    unlinkSync(path.join(dir, name));
    const result = executeCleanup(plan);
    expect(result.failed.map((item) => [item.name, item.code])).toEqual([[name, 'ENOENT']]);
  });

  it('refuses a crafted plan whose name leaves the directory, touching nothing outside it', () => {
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-outside`);
    writeFileSync(outside, 'keep me');
    try {
      const plan: CleanupPlan = {
        dir,
        options: defaults,
        remove: [
          {
            name: `../${path.basename(outside)}`,
            dev: 0,
            inode: 0,
            birthTime: null,
            state: 'stale',
            bytes: 0,
            size: 0,
            reason: '',
          },
        ],
        keep: [],
        failed: [],
      };
      const result = executeCleanup(plan);
      expect(result.removed).toEqual([]);
      expect(result.failed[0]?.code).toBe('EINVAL');
      expect(existsSync(outside)).toBe(true);
    } finally {
      rmSync(outside, { force: true });
    }
  });
});
