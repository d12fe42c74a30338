import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createSegment, trafficStart, trafficStop } from '../../native';
import { SampleFeed } from './sample-feed';

const dirs: string[] = [];
const runs: number[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) trafficStop(run);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A pool with real lab traffic in slot 0 (this process maps it), as a channel source. */
function labChannel() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-feed-'));
  dirs.push(dir);
  const file = path.join(dir, createSegment({ dir, dataSize: 2 * 65536, mode: 0o600 }).name);
  const fd = fs.openSync(file, 'r+');
  runs.push(trafficStart(fd, 64, 65472, 100_000));
  fs.closeSync(fd);
  const st = fs.statSync(file);
  const source = {
    key: 'seg:pool#64',
    path: file,
    identity: { dev: st.dev, inode: st.ino },
    offset: 64,
    capacity: 32712,
    holders: [process.pid],
  };
  return { file, source };
}

const holdsOpen = (file: string): boolean =>
  fs.readdirSync('/proc/self/fd').some((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });

describe('SampleFeed', () => {
  it('samples nothing and holds nothing until someone listens, and lets go when no one does', async () => {
    const { file, source } = labChannel();
    let now = 1_000;
    const feed = new SampleFeed(() => now);
    feed.track([source]);
    expect(feed.size).toBe(1);
    expect(feed.sample()).toEqual([]);
    expect(holdsOpen(file)).toBe(false);

    feed.setActive(true);
    expect(holdsOpen(file)).toBe(true);
    await sleep(200);
    now += 200;
    const [channel] = feed.sample();
    expect(channel).toMatchObject({ channel: 'seg:pool#64', capacity: 32712 });
    const [interval] = channel?.intervals ?? [];
    expect(interval).toMatchObject({ time: 1_200, ms: 200 });
    expect(interval?.reads).toBeGreaterThan(100);
    expect(interval?.readBytes).toBeGreaterThan(0);
    expect(interval?.writeBytes).toBeGreaterThan(0);

    feed.setActive(false);
    expect(holdsOpen(file)).toBe(false);
    expect(feed.sample()).toEqual([]);
    feed.close();
  });
});
