/**
 * The live Inspector service, updated piece by piece (inotify names, pidfd exits, /proc
 * sweeps), must hold exactly what a fresh full scan says: real segments in a scratch
 * directory, real owner and mapper processes (Python, which maps with mmap), real exits.
 */
import fc from 'fast-check';
import { rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInspector } from '../../core/inspector/inspector-service';
import type { InspectorApi, PatchSink } from '../../core/inspector/inspector-api';
import { itemsOf, sameItem } from '../../core/inspector/item-diff';
import { scanShm } from '../../core/scan-shm';
import { createSegment } from '../../native';
import type { InspectorItem, Patch } from '../../protocol/channels';
import { deadPid, start, stopAll, type Running } from '../support/processes';
import { makeShmTempDir, writeMarkerPid } from '../support/segments';

/** Maps and unmaps files on request ("map PATH" / "unmap PATH"), answering "ok" to each line. */
const MAPPER = `
import mmap, os, sys
maps = {}
print("ready", flush=True)
for line in sys.stdin:
    verb, file = line.rstrip("\\n").split(" ", 1)
    if verb == "map":
        fd = os.open(file, os.O_RDWR)
        maps[file] = mmap.mmap(fd, os.fstat(fd).st_size, mmap.MAP_SHARED)
        os.close(fd)
    elif file in maps:
        maps.pop(file).close()
    print("ok", flush=True)
`;

class Helper {
  private answered = 0;
  private constructor(readonly process: Running) {}

  static async start(): Promise<Helper> {
    const helper = new Helper(start(['python3', '-c', MAPPER]));
    await helper.waitLines(1);
    return helper;
  }

  get pid(): number {
    return this.process.pid;
  }

  async ask(line: string): Promise<void> {
    this.process.child.stdin?.write(`${line}\n`);
    this.answered += 1;
    await this.waitLines(this.answered + 1);
  }

  private async waitLines(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (this.process.stdout().split('\n').length - 1 < count) {
      if (this.process.closed()) throw new Error(`mapper ${this.pid} exited: ${this.process.stderr()}`);
      if (Date.now() > deadline) throw new Error(`mapper ${this.pid} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/** A subscriber that keeps the state the patches describe. */
class StateSink implements PatchSink {
  readonly items = new Map<string, InspectorItem>();
  readonly patches: Patch[] = [];
  header: Patch['header'] = null;
  send(patch: Patch): void {
    this.patches.push(patch);
    if (patch.header) this.header = patch.header;
    if (patch.full) this.items.clear();
    for (const id of patch.removals) this.items.delete(id);
    for (const item of patch.upserts) this.items.set(item.id, item);
  }
  ready(): boolean {
    return true;
  }
}

let dir: string;
const inspectors: InspectorApi[] = [];
beforeEach(() => {
  dir = makeShmTempDir();
});
afterEach(async () => {
  for (const inspector of inspectors.splice(0)) inspector.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(stopAll);

/** Only what this test makes: the scratch directory's segments, and files deleted from it. */
function ours(items: ReadonlyMap<string, InspectorItem>): Map<string, InspectorItem> {
  const kept = new Map<string, InspectorItem>();
  for (const [id, item] of items) {
    if (item.type === 'segment' || (item.type === 'deleted' && item.deleted.path.startsWith(`${dir}/`))) {
      kept.set(id, item);
    }
  }
  return kept;
}

/** How the live state differs from a fresh full scan, as lines; none when they are equal. */
function differences(live: ReadonlyMap<string, InspectorItem>, header: Patch['header'] = null): string[] {
  const scan = scanShm(dir);
  const fresh = ours(itemsOf(scan));
  const mine = ours(live);
  const lines: string[] = [];
  if (header) {
    // The findings about this test's segments (others' files and free space move on their own).
    const names = new Set(scan.segments.map((segment) => segment.name));
    const about = (findings: readonly { subject: string }[]) =>
      findings
        .filter((finding) => names.has(finding.subject))
        .map((finding) => JSON.stringify(finding))
        .sort();
    const want = about(scan.findings);
    const have = about(header.findings);
    if (JSON.stringify(want) !== JSON.stringify(have)) lines.push(`findings: live ${have.join()} scan ${want.join()}`);
  }
  for (const [id, item] of fresh) {
    const held = mine.get(id);
    if (!held) lines.push(`missing ${id}`);
    else if (!sameItem(held, item))
      lines.push(`differs ${id}: live ${JSON.stringify(held)} scan ${JSON.stringify(item)}`);
  }
  for (const id of mine.keys()) if (!fresh.has(id)) lines.push(`extra ${id}`);
  return lines;
}

async function settlesEqual(sink: StateSink, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = differences(sink.items, sink.header);
    if (lines.length === 0 || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Op =
  | { kind: 'create'; owner: number | 'dead' | 'new' }
  | { kind: 'remove'; segment: number }
  | { kind: 'rewrite'; segment: number; owner: number | 'dead' }
  | { kind: 'exit'; owner: number }
  | { kind: 'map'; mapper: number; segment: number }
  | { kind: 'unmap'; mapper: number; segment: number };

const pick = fc.nat({ max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    owner: fc.oneof(pick, fc.constant('dead' as const), fc.constant('new' as const)),
  }),
  fc.record({ kind: fc.constant('remove' as const), segment: pick }),
  fc.record({
    kind: fc.constant('rewrite' as const),
    segment: pick,
    owner: fc.oneof(pick, fc.constant('dead' as const)),
  }),
  fc.record({ kind: fc.constant('exit' as const), owner: pick }),
  fc.record({ kind: fc.constant('map' as const), mapper: pick, segment: pick }),
  fc.record({ kind: fc.constant('unmap' as const), mapper: pick, segment: pick }),
);

describe('the live service against a fresh full scan', () => {
  it('holds exactly what a full scan says after random creates, removes, marker rewrites, exits and new mappers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 12 }), async (ops) => {
        const helpers: Helper[] = await Promise.all([Helper.start(), Helper.start()]);
        const segments: string[] = [];
        const inspector = createInspector({ dir, auditLog: null, rescanMs: 300, safetyScanMs: 700 });
        inspectors.push(inspector);
        const sink = new StateSink();
        inspector.subscribe(sink);
        const helper = (index: number): Helper => helpers[index % helpers.length] as Helper;
        const segment = (index: number): string | undefined => segments[index % Math.max(1, segments.length)];
        try {
          for (const step of ops) {
            switch (step.kind) {
              case 'create': {
                if (step.owner === 'new') helpers.push(await Helper.start());
                const owner =
                  step.owner === 'dead'
                    ? deadPid()
                    : step.owner === 'new'
                      ? (helpers.at(-1) as Helper).pid
                      : helper(step.owner).pid;
                // Every other one readable by all: it has an exposure finding to keep up to date.
                const mode = segments.length % 2 === 0 ? 0o600 : 0o644;
                segments.push(createSegment({ dir, dataSize: 4096, mode, markerPid: owner }).name);
                break;
              }
              case 'remove': {
                const name = segment(step.segment);
                if (name === undefined) break;
                unlinkSync(path.join(dir, name));
                segments.splice(segments.indexOf(name), 1);
                break;
              }
              case 'rewrite': {
                const name = segment(step.segment);
                const owner = step.owner === 'dead' ? deadPid() : helper(step.owner).pid;
                if (name !== undefined) writeMarkerPid(path.join(dir, name), owner);
                break;
              }
              case 'exit': {
                // The owner exits; a new process (started after the last sweep) takes its place.
                const index = step.owner % helpers.length;
                await (helpers[index] as Helper).process.stop();
                helpers[index] = await Helper.start();
                break;
              }
              case 'map':
              case 'unmap': {
                const name = segment(step.segment);
                if (name !== undefined) await helper(step.mapper).ask(`${step.kind} ${path.join(dir, name)}`);
                break;
              }
            }
          }
          // Files and exits reach the service by events; mappings by the next sweep (300 ms).
          // Off-thread full scans (every 700 ms here) run between the events: they must not undo them.
          expect(await settlesEqual(sink, 3000)).toEqual([]);
        } finally {
          inspector.close();
          await Promise.all(helpers.map((each) => each.process.stop()));
          for (const name of segments) rmSync(path.join(dir, name), { force: true });
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);

  it('judges a segment of a process started after the last sweep by that process at once, never stale, and its exit without a sweep', async () => {
    // No sweep and no safety scan during the test: only events can tell the service anything.
    const inspector = createInspector({ dir, auditLog: null, rescanMs: 60_000, safetyScanMs: 600_000 });
    inspectors.push(inspector);
    const sink = new StateSink();
    inspector.subscribe(sink);
    const owner = await Helper.start();
    const { name } = createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid: owner.pid });
    const id = `seg:${name}`;
    const states = (): string[] =>
      sink.patches.flatMap((patch) =>
        patch.upserts.flatMap((item) => (item.id === id && item.type === 'segment' ? [item.segment.state] : [])),
      );
    const deadline = Date.now() + 2000;
    while (states().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(states()).toEqual(['live']);
    expect(differences(sink.items)).toEqual([]);

    await owner.process.stop();
    const exitDeadline = Date.now() + 2000;
    while (!states().includes('stale') && Date.now() < exitDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // A zombie may show for the moment before Node reaps it; then stale, with no sweep.
    expect(states()[0]).toBe('live');
    expect(states().at(-1)).toBe('stale');
    expect(states().filter((state) => state === 'live')).toHaveLength(1);
    expect(differences(sink.items)).toEqual([]);
  });
});
