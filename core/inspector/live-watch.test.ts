import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveWatch } from './live-watch';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-live-watch-test-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LiveWatch.track', () => {
  it('reports a PID that is gone after the caller returns, never from inside its own update', async () => {
    const gone = spawnSync('true').pid as number;
    const heard: string[] = [];
    const watch = new LiveWatch(dir, {
      names: () => undefined,
      full: () => undefined,
      exited: (pids) => heard.push(`exited ${pids.join()}`),
      failed: () => undefined,
    });
    try {
      watch.track(new Map([[gone, 1]]));
      heard.push('track returned');
      await Promise.resolve();
      expect(heard).toEqual(['track returned', `exited ${gone}`]);
    } finally {
      watch.close();
    }
  });
});
