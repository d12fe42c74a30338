import { readIfSame } from '../native';
import type { FileIdentity } from './open-to-read';
import type { SrbchannelSample } from '../protocol/pool';

/** Where a channel's header can be read: a file that opens the pool and the header's offset in it. */
export interface ChannelSource {
  key: string;
  /** What opens the pool: its file in the shm directory, or a /proc link to a memfd (followed). */
  path: string;
  /** The pool's file as the scan saw it: a sample never reads another one. */
  identity: FileIdentity;
  /** True for a /proc link (default false). */
  followLink?: boolean;
  offset: number;
  capacity: number;
  /**
   * PIDs that map or hold the pool (the inspector's own read-only fds left out): the
   * native sampler holds the pool open only while one of them runs (default none).
   */
  holders?: readonly number[];
}

/** Bytes the sampler reads per channel: both counts and both fdsems (reference §5). */
export const SAMPLE_BYTES = 32;
/** Words kept per sample: readCount, writeCount, then 3 + 3 fdsem words. */
const WORDS = 8;

export interface ChannelStats {
  samples: number;
  /** Samples whose words differ from the one before, per second of history. */
  changesPerSecond: number;
  /** Whether any word changed in the last `activeWindowMs`. */
  active: boolean;
  last: SrbchannelSample | null;
  /** Why the last read failed (the pool went away...), or null. */
  error: string | null;
}

export interface ChannelHistory {
  times: number[];
  readCount: number[];
  writeCount: number[];
}

/** A fixed-size ring of samples: memory stays flat however long the sampler runs. */
class SampleRing {
  readonly times: Float64Array;
  readonly words: Int32Array;
  count = 0;
  next = 0;
  lastChange = Number.NEGATIVE_INFINITY;
  changes: Uint8Array;
  error: string | null = null;

  constructor(readonly size: number) {
    this.times = new Float64Array(size);
    this.words = new Int32Array(size * WORDS);
    this.changes = new Uint8Array(size);
  }

  push(time: number, bytes: Buffer): void {
    const previous = this.count > 0 ? (this.next + this.size - 1) % this.size : -1;
    const base = this.next * WORDS;
    let changed = false;
    for (let word = 0; word < WORDS; word += 1) {
      const value = bytes.readInt32LE(word * 4);
      this.words[base + word] = value;
      if (previous >= 0 && this.words[previous * WORDS + word] !== value) changed = true;
    }
    this.times[this.next] = time;
    this.changes[this.next] = changed ? 1 : 0;
    if (changed) this.lastChange = time;
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
  }

  /** Slot indices from oldest to newest. */
  *order(): Generator<number> {
    const start = (this.next + this.size - this.count) % this.size;
    for (let i = 0; i < this.count; i += 1) yield (start + i) % this.size;
  }

  sample(slot: number): SrbchannelSample {
    const w = (word: number): number => this.words[slot * WORDS + word] ?? 0;
    return {
      readCount: w(0),
      writeCount: w(1),
      readSemaphore: { waiting: w(2), signalled: w(3), inPipe: w(4) },
      writeSemaphore: { waiting: w(5), signalled: w(6), inPipe: w(7) },
    };
  }
}

export interface SamplerOptions {
  /** Samples per second (default 10). */
  rateHz?: number;
  /** Seconds of history kept per channel (default 60). */
  windowSeconds?: number;
  /** A channel is active if a word changed within this many ms (default 2000). */
  activeWindowMs?: number;
  now?: () => number;
}

/**
 * Samples srbchannel headers: 32 bytes per channel per tick with one pread, nothing
 * else, so its cost depends only on the number of channels. Each file is opened for
 * the read and closed again, so the sampler never shows up as a holder of a pool, and
 * checked to be the file the scan saw (see readIfSame).
 */
export class SrbchannelSampler {
  readonly rateHz: number;
  private readonly ringSize: number;
  private readonly activeWindowMs: number;
  private readonly now: () => number;
  private readonly sources = new Map<string, ChannelSource>();
  private readonly rings = new Map<string, SampleRing>();
  private timer: NodeJS.Timeout | null = null;

  constructor(options: SamplerOptions = {}) {
    this.rateHz = options.rateHz ?? 10;
    if (!(this.rateHz > 0 && this.rateHz <= 1000)) throw new RangeError('sampling rate must be within (0, 1000] Hz');
    this.ringSize = Math.max(1, Math.ceil(this.rateHz * (options.windowSeconds ?? 60)));
    this.activeWindowMs = options.activeWindowMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Replaces the tracked channels; history is kept for channels that stay. */
  track(sources: readonly ChannelSource[]): void {
    const keys = new Set(sources.map((source) => source.key));
    for (const key of this.sources.keys()) {
      if (!keys.has(key)) {
        this.sources.delete(key);
        this.rings.delete(key);
      }
    }
    for (const source of sources) {
      this.sources.set(source.key, source);
      if (!this.rings.has(source.key)) this.rings.set(source.key, new SampleRing(this.ringSize));
    }
  }

  /** Reads every tracked header once. */
  sampleOnce(): void {
    const time = this.now();
    for (const [key, source] of this.sources) {
      const ring = this.rings.get(key);
      if (!ring) continue;
      try {
        // One native call (open, fstat, pread, close): the cost per channel stays near a bare open+pread.
        const bytes = readIfSame(source.path, source.identity, source.offset, SAMPLE_BYTES, {
          followLink: source.followLink === true,
        });
        if (bytes === null) throw Object.assign(new Error('not the scanned file'), { code: 'CHANGED' });
        if (bytes.length !== SAMPLE_BYTES) throw Object.assign(new Error('short read'), { code: 'ESHORT' });
        ring.push(time, bytes);
        ring.error = null;
      } catch (error) {
        ring.error = (error as { code?: string }).code ?? String(error);
      }
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sampleOnce(), 1000 / this.rateHz);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  stats(key: string): ChannelStats | null {
    const ring = this.rings.get(key);
    if (!ring) return null;
    let changes = 0;
    let first = Number.POSITIVE_INFINITY;
    let last: number | null = null;
    for (const slot of ring.order()) {
      changes += ring.changes[slot] ?? 0;
      first = Math.min(first, ring.times[slot] ?? first);
      last = slot;
    }
    const spanSeconds = ring.count > 1 ? ((ring.times[last ?? 0] ?? 0) - first) / 1000 : 0;
    return {
      samples: ring.count,
      changesPerSecond: spanSeconds > 0 ? changes / spanSeconds : 0,
      active: this.now() - ring.lastChange <= this.activeWindowMs,
      last: last === null ? null : ring.sample(last),
      error: ring.error,
    };
  }

  /** Fill levels over time, oldest first. */
  history(key: string): ChannelHistory | null {
    const ring = this.rings.get(key);
    if (!ring) return null;
    const history: ChannelHistory = { times: [], readCount: [], writeCount: [] };
    for (const slot of ring.order()) {
      history.times.push(ring.times[slot] ?? 0);
      history.readCount.push(ring.words[slot * WORDS] ?? 0);
      history.writeCount.push(ring.words[slot * WORDS + 1] ?? 0);
    }
    return history;
  }
}
