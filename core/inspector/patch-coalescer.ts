/**
 * One subscriber's delivery: patches go out as they come while the sink is ready; while
 * it is busy they fold into one pending patch (latest upsert or removal per id, latest
 * header and process view, samples capped per channel, history points appended within
 * their window), so a slow host never builds a queue.
 */
import type { ChannelSamples, InspectorItem, Patch } from '../../protocol/channels';
import { mergeHistory, type History } from '../../protocol/history';
import type { PatchSink } from './inspector-api';

/** Traffic intervals kept per channel while a sink is busy: about 25 s at the default 10 Hz. */
export const MAX_PENDING_SAMPLES = 256;

/** Appends `later` to `earlier` (if any), keeping the last `limit` intervals. */
function mergeSamples(earlier: ChannelSamples | undefined, later: ChannelSamples, limit: number): ChannelSamples {
  const intervals = earlier ? [...earlier.intervals, ...later.intervals] : later.intervals;
  const drop = Math.max(0, intervals.length - limit);
  return { channel: later.channel, capacity: later.capacity, intervals: intervals.slice(drop) };
}

/** Several patches folded into the one that has their net effect. */
class PendingPatch {
  seq = 0;
  full = false;
  header: Patch['header'] = null;
  processes: Patch['processes'];
  readonly upserts = new Map<string, InspectorItem>();
  readonly removals = new Set<string>();
  readonly samples = new Map<string, ChannelSamples>();
  history: History | null = null;

  constructor(private readonly sampleLimit: number) {}

  add(patch: Patch): void {
    this.seq = patch.seq;
    if (patch.full) {
      this.full = true;
      this.upserts.clear();
      this.removals.clear();
    }
    if (patch.header) this.header = patch.header;
    if (patch.processes) this.processes = patch.processes;
    for (const item of patch.upserts) {
      this.removals.delete(item.id);
      this.upserts.set(item.id, item);
    }
    for (const id of patch.removals) {
      this.upserts.delete(id);
      this.removals.add(id);
    }
    for (const channel of patch.samples) {
      this.samples.set(channel.channel, mergeSamples(this.samples.get(channel.channel), channel, this.sampleLimit));
    }
    // A full patch's history is every point: what came before it is in it.
    if (patch.history) this.history = patch.full ? patch.history : mergeHistory(this.history, patch.history);
  }

  toPatch(): Patch {
    return {
      seq: this.seq,
      full: this.full,
      header: this.header,
      upserts: [...this.upserts.values()],
      removals: [...this.removals],
      samples: [...this.samples.values()],
      ...(this.history ? { history: this.history } : {}),
      ...(this.processes ? { processes: this.processes } : {}),
    };
  }
}

function isEmpty(patch: Patch): boolean {
  return (
    !patch.full &&
    patch.header === null &&
    patch.upserts.length === 0 &&
    patch.removals.length === 0 &&
    patch.samples.length === 0 &&
    patch.history === undefined &&
    patch.processes === undefined
  );
}

export class CoalescingSubscriber {
  /** Ids the sink has been sent and not told are gone: removals of anything else are net no-ops. */
  private readonly known = new Set<string>();
  private pending: PendingPatch | null = null;

  constructor(
    private readonly sink: PatchSink,
    private readonly sampleLimit = MAX_PENDING_SAMPLES,
  ) {}

  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Sends at once if the sink is ready and nothing waits; otherwise folds the patch into the pending one. */
  deliver(patch: Patch): void {
    if (!this.pending && this.isReady()) {
      this.send(patch);
      return;
    }
    this.pending ??= new PendingPatch(this.sampleLimit);
    this.pending.add(patch);
  }

  /** Sends the pending patch if the sink is ready again. */
  flush(): void {
    if (!this.pending || !this.isReady()) return;
    const patch = this.pending.toPatch();
    this.pending = null;
    this.send(patch);
  }

  private isReady(): boolean {
    try {
      return this.sink.ready();
    } catch {
      return false;
    }
  }

  private send(patch: Patch): void {
    const removals = patch.full ? [] : patch.removals.filter((id) => this.known.has(id));
    const net = removals.length === patch.removals.length ? patch : { ...patch, removals };
    if (net.full) this.known.clear();
    for (const item of net.upserts) this.known.add(item.id);
    for (const id of net.removals) this.known.delete(id);
    if (isEmpty(net)) return;
    try {
      this.sink.send(net);
    } catch {
      // A transport that fails is the host's to close; it must not stop the other subscribers.
    }
  }
}
