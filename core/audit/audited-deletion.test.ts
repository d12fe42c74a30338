import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../../native';
import { planCleanup } from '../cleanup-plan';
import { Lab } from '../lab/lab';
import { scanShm } from '../scan-shm';
import { AuditLog } from './audit-log';
import { executeAudited, openAuditLog, stopLabAudited } from './audited-deletion';

const defaults = { includeZombie: false, includeReused: false, force: [] };

/** A PID that existed and is gone: the child has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined) throw new Error('could not spawn true');
  return child.pid;
}

// A scratch shm directory on tmpfs and a log beside it (never in it).
let dir: string;
let logFile: string;
beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-audited-test-');
  logFile = path.join(`${dir}-audit`, 'audit.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-audit`, { recursive: true, force: true });
});

const entries = (): Record<string, unknown>[] =>
  existsSync(logFile)
    ? readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : [];

describe('executeAudited', () => {
  it('records every removal with the interface that asked, as it happens', () => {
    const stale = [0, 1].map(() => createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }).name);
    const plan = planCleanup(scanShm(dir), defaults);
    const log = AuditLog.open(logFile);
    const result = executeAudited(plan, log, 'websocket', () => 5000);
    log.close();
    expect(result.removed.map((item) => item.name).sort()).toEqual([...stale].sort());
    expect(readdirSync(dir)).toEqual([]);
    expect(
      entries()
        .map((entry) => [entry.name, entry.interface, entry.outcome, entry.time])
        .sort(),
    ).toEqual(stale.map((name) => [name, 'websocket', 'removed', '1970-01-01T00:00:05.000Z']).sort());
  });

  it('removes nothing more once a record cannot be written', () => {
    [0, 1].forEach(() => createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: deadPid() }));
    const plan = planCleanup(scanShm(dir), defaults);
    const log = AuditLog.open(logFile);
    log.close(); // A closed log fails its first write, as a full disk would.
    expect(() => executeAudited(plan, log, 'cli')).toThrow(/closed/);
    // The first removal happened before its record failed; the second was never attempted.
    expect(readdirSync(dir)).toHaveLength(1);
  });
});

describe('stopLabAudited', () => {
  it("records the lab's removed file, and without a log refuses before stopping anything", () => {
    const lab = new Lab(dir);
    const { name } = lab.createStale();
    expect(() => stopLabAudited(lab, {}, null, 'ipc')).toThrow(expect.objectContaining({ code: 'ENOLOG' }));
    expect(readdirSync(dir)).toEqual([name]);
    const warnings: string[] = [];
    const log = openAuditLog((message) => warnings.push(message), logFile);
    stopLabAudited(lab, {}, log, 'ipc', () => 1);
    log.close();
    expect(readdirSync(dir)).toEqual([]);
    expect(entries()).toMatchObject([{ name, interface: 'ipc', outcome: 'removed' }]);
    expect(warnings).toEqual([]);
  });

  it('needs no log when the lab keeps its files', () => {
    const lab = new Lab(dir);
    const { name } = lab.createStale();
    stopLabAudited(lab, { keep: true }, null, 'cli');
    expect(readdirSync(dir)).toEqual([name]);
    expect(entries()).toEqual([]);
  });
});
