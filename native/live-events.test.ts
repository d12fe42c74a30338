import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeFd,
  eventfdOpen,
  eventfdSignal,
  inotifyDrain,
  inotifyWatchDir,
  pidfdOpen,
  readProcesses,
  waitReadable,
} from './index';

/** Field 22 of /proc/<pid>/stat: the start time in clock ticks. */
function startTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

describe('inotify names', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync('/dev/shm/shm-inspector-inotify-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names each entry created, written, renamed or removed once per batch, and says when the directory goes', async () => {
    const fd = inotifyWatchDir(dir);
    try {
      expect(inotifyDrain(fd)).toEqual({ names: [], overflow: false, dirChanged: false });
      fs.writeFileSync(path.join(dir, 'a'), 'x');
      fs.writeFileSync(path.join(dir, 'a'), 'y');
      fs.renameSync(path.join(dir, 'a'), path.join(dir, 'b'));
      expect(await waitReadable([fd], 1000)).toEqual([fd]);
      expect(inotifyDrain(fd)).toEqual({ names: ['a', 'b'], overflow: false, dirChanged: false });
      fs.rmSync(dir, { recursive: true });
      expect(inotifyDrain(fd)).toMatchObject({ names: ['b'], dirChanged: true });
    } finally {
      closeFd(fd);
    }
  });
});

describe('pidfds', () => {
  it('become readable when the process exits, off the event loop', async () => {
    const child = spawn('sleep', ['30']);
    await once(child, 'spawn');
    const pid = child.pid as number;
    const fd = pidfdOpen(pid, startTicks(pid));
    const wake = eventfdOpen();
    try {
      const waiting = waitReadable([wake, fd], -1);
      let settled = false;
      void waiting.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      child.kill('SIGKILL');
      expect(await waiting).toEqual([fd]);
      // An eventfd wakes a wait at once.
      eventfdSignal(wake);
      expect(await waitReadable([wake], -1)).toEqual([wake]);
    } finally {
      closeFd(fd);
      closeFd(wake);
    }
  });

  it('refuse a PID whose start time is not the one read (reused) and a PID that is gone, with ESRCH', () => {
    const ticks = startTicks(process.pid);
    expect(() => pidfdOpen(process.pid, ticks + 1)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    const gone = execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' });
    expect(() => pidfdOpen(Number(gone), 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    closeFd(pidfdOpen(process.pid, ticks));
  });

  it('fail with EMFILE, not ESRCH, when the process is out of fds', () => {
    // A child with a limit of 64 fds opens files until it has none left, then asks for a pidfd.
    const script = `
      const fs = require('node:fs');
      const { closeFd, pidfdOpen } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'native'))});
      const ticks = Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19]);
      closeFd(pidfdOpen(process.pid, ticks)); // loads the addon while fds are left
      try { for (;;) fs.openSync('/dev/null', 'r'); } catch {}
      try { pidfdOpen(process.ppid, 0); } catch (error) { process.stdout.write(error.code); }
    `;
    const out = execFileSync('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" -e "$0"`, script], {
      encoding: 'utf8',
    });
    expect(out).toBe('EMFILE');
  });
});

describe('readProcesses', () => {
  it('reads only the PIDs asked for, and leaves a gone one out', () => {
    const gone = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }));
    const table = readProcesses({ dev: fs.statSync('/dev/shm').dev, dir: '/dev/shm' }, [process.pid, gone]);
    expect(table.processes.map((p) => p.pid)).toEqual([process.pid]);
    expect(table.unreadable).toEqual([]);
  });
});
