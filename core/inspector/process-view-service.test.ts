/** The Inspector service's process view, on real segments and real processes. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSegment } from '../../native';
import type { Patch } from '../../protocol/channels';
import type { ProcessView } from '../../protocol/processes';
import type { InspectorApi } from './inspector-api';
import { createInspector, type InspectorOptions } from './inspector-service';
import { IPC, sleep, waitFor } from './service-test-support';

let dir: string;
let inspector: InspectorApi | null = null;

beforeEach(() => {
  dir = mkdtempSync('/dev/shm/shm-inspector-process-view-test-');
});

afterEach(() => {
  inspector?.close();
  inspector = null;
  rmSync(dir, { recursive: true, force: true });
});

function subscribe(options: Pick<InspectorOptions, 'processView'> = {}): Patch[] {
  inspector = createInspector({ dir, rescanMs: 250, auditLog: null, ...options });
  const patches: Patch[] = [];
  inspector.subscribe({ send: (patch) => patches.push(patch), ready: () => true });
  return patches;
}

const latestView = (patches: Patch[]): ProcessView | undefined =>
  patches.findLast((patch) => patch.processes)?.processes;

it('lists the process a segment’s marker names, with its command line and user, until it exits', async () => {
  const owner = spawn('sleep', ['30']);
  try {
    const pid = owner.pid ?? 0;
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: pid });
    const patches = subscribe();
    const creator = await waitFor(() => latestView(patches)?.processes.find((process) => process.pid === pid));
    expect(creator).toMatchObject({
      comm: 'sleep',
      cmdline: 'sleep 30',
      uid: os.userInfo().uid,
      user: os.userInfo().username,
      created: [`seg:${name}`],
      createdAlive: 1,
      createdStale: 0,
      // createSegment names it as PulseAudio does: pulse-shm-<n>.
      pulse: true,
      client: null,
    });
    // A PulseAudio segment is held: the server (if any) was asked for names, and the view says how that went.
    await waitFor(() => latestView(patches)?.pulseNames);

    const exited = once(owner, 'exit');
    owner.kill();
    await exited;
    await waitFor(() => latestView(patches)?.processes.every((process) => process.pid !== pid));
  } finally {
    owner.kill();
  }
});

it('sends the view when it changes, and not again while it has not', async () => {
  const owner = spawn('sleep', ['30']);
  try {
    const pid = owner.pid ?? 0;
    createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: pid });
    // pactl replaced by an instant answer: when the real one answers is not what is counted here.
    const patches = subscribe({ processView: { pactl: () => Promise.resolve('[]') } });
    await waitFor(() => latestView(patches)?.pulseNames);
    await sleep(300);
    const sent = () => patches.filter((patch) => patch.processes).length;
    const before = sent();
    createSegment({ dir, dataSize: 8192, mode: 0o600, markerPid: pid });
    await waitFor(() => latestView(patches)?.processes.find((process) => process.pid === pid)?.created.length === 2);
    expect(sent()).toBe(before + 1);
    // A rescan that finds nothing new sends no view.
    await inspector?.handle('scan-now', {}, IPC);
    await sleep(300);
    expect(sent()).toBe(before + 1);
  } finally {
    owner.kill();
  }
});
