/**
 * The host side of the live-engine bench, in a process of its own whose CPU time and RSS
 * the bench reads from /proc: the Inspector service on a fixture directory, with one
 * subscriber (what an open page is to the service). It says when the first full
 * snapshot reached the subscriber, then, on request, makes changes itself and says how
 * long each took to reach the subscriber as a patch.
 */

import path from 'node:path';
import { createInspector } from '../core/inspector/inspector-service';
import type { PatchSink } from '../core/inspector/inspector-api';
import { createSegment } from '../native';
import type { Patch } from '../protocol/channels';
import { MARKER_SIZE } from '../protocol/limits';
import { median, nowMs } from './stats';
import { closeSync, fstatSync, openSync, unlinkSync, writeSync } from 'node:fs';

export type HostRequest =
  { kind: 'latency'; rounds: number; deadPid: number } | { kind: 'request-stall' } | { kind: 'stop' };
export type HostReply =
  | { kind: 'ready'; firstSnapshotMs: number; items: number }
  | { kind: 'latency'; createMs: number; removeMs: number; rewriteMs: number }
  | { kind: 'request-stall'; maxDelayMs: number; idleMaxDelayMs: number; planMs: number; scanMs: number }
  | { kind: 'error'; message: string };

const [dir = '', mode = 'incremental'] = process.argv.slice(2);
const send = (reply: HostReply): void => {
  process.send?.(reply);
};

let waiting: { test: (patch: Patch) => boolean; resolve: () => void } | null = null;
let items = 0;
/** Told when the first full snapshot arrives (the service's first scan runs off the event loop). */
let snapshotReached: (() => void) | null = null;
const sink: PatchSink = {
  send(patch) {
    if (patch.full) {
      items = patch.upserts.length;
      snapshotReached?.();
      snapshotReached = null;
    }
    if (waiting?.test(patch)) {
      const { resolve } = waiting;
      waiting = null;
      resolve();
    }
  },
  ready: () => true,
};

/** Runs `change`, and resolves with the ms until a patch that `test` accepts reached the subscriber. */
function timeChange(change: () => void, test: (patch: Patch) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const timer = setTimeout(() => reject(new Error('no patch within 5 s')), 5000);
    waiting = {
      test,
      resolve: () => {
        clearTimeout(timer);
        resolve(nowMs() - start);
      },
    };
    change();
  });
}

function writeMarkerPid(file: string, pid: number): void {
  const fd = openSync(file, 'r+');
  try {
    const field = Buffer.alloc(4);
    field.writeInt32LE(pid);
    writeSync(fd, field, 0, 4, fstatSync(fd).size - MARKER_SIZE + 4);
  } finally {
    closeSync(fd);
  }
}

async function latency(rounds: number, deadPid: number): Promise<HostReply> {
  const create: number[] = [];
  const remove: number[] = [];
  const rewrite: number[] = [];
  const upserted = (name: string, state?: string) => (patch: Patch) =>
    patch.upserts.some(
      (item) =>
        item.id === `seg:${name}` && (state === undefined || (item.type === 'segment' && item.segment.state === state)),
    );
  for (let round = 0; round < rounds; round++) {
    let name = '';
    create.push(
      await timeChange(
        () => (name = createSegment({ dir, dataSize: 4096, mode: 0o600 }).name),
        (patch) => upserted(name)(patch),
      ),
    );
    rewrite.push(await timeChange(() => writeMarkerPid(path.join(dir, name), deadPid), upserted(name, 'stale')));
    remove.push(
      await timeChange(
        () => unlinkSync(path.join(dir, name)),
        (patch) => patch.removals.includes(`seg:${name}`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { kind: 'latency', createMs: median(create), removeMs: median(remove), rewriteMs: median(rewrite) };
}

/** A 1 ms heartbeat on the event loop, and the longest it went without running. */
function heartbeat(): { stop(): number } {
  let last = nowMs();
  let longest = 0;
  const beat = setInterval(() => {
    const now = nowMs();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    stop: () => {
      clearInterval(beat);
      return Math.max(longest, nowMs() - last);
    },
  };
}

/**
 * The longest the event loop went without running a 1 ms heartbeat while a plan-cleanup
 * and a scan-now request (each a full scan) were served, and how long each took; beside
 * it, the same heartbeat's longest wait over as long with nothing served (what the
 * machine's other work costs the host).
 */
async function requestStall(): Promise<HostReply> {
  const timed = async (run: () => Promise<{ ok: boolean }>): Promise<number> => {
    const began = nowMs();
    const result = await run();
    if (!result.ok) throw new Error('a request failed');
    return nowMs() - began;
  };
  const context = { via: 'ipc', readOnly: false } as const;
  const busy = heartbeat();
  let served: [number, number];
  let maxDelayMs: number;
  try {
    served = await Promise.all([
      timed(() => inspector.handle('plan-cleanup', { includeZombie: false, includeReused: false, force: [] }, context)),
      timed(() => inspector.handle('scan-now', {}, context)),
    ]);
    // One beat more: a block at the very end is seen too.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    maxDelayMs = busy.stop();
  }
  const [planMs, scanMs] = served;
  const idle = heartbeat();
  await new Promise((resolve) => setTimeout(resolve, Math.max(planMs, scanMs)));
  return { kind: 'request-stall', maxDelayMs, idleMaxDelayMs: idle.stop(), planMs, scanMs };
}

const start = nowMs();
// 'sweep-1s': the same engine with its /proc sweep every 1 s instead of the default;
// 'full-rescan': no watch, a full rescan every 1 s (what the engine did before).
const inspector = createInspector({
  dir,
  auditLog: null,
  watch: mode !== 'full-rescan',
  ...(mode === 'incremental' ? {} : { rescanMs: 1000 }),
});
new Promise<void>((resolve) => {
  snapshotReached = resolve;
  inspector.subscribe(sink);
}).then(
  () => send({ kind: 'ready', firstSnapshotMs: nowMs() - start, items }),
  () => {},
);
process.on('message', (request: HostRequest) => {
  if (request.kind === 'stop') {
    inspector.close();
    process.exit(0);
  }
  const reply = request.kind === 'request-stall' ? requestStall() : latency(request.rounds, request.deadPid);
  reply.then(send, (error: unknown) =>
    send({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
