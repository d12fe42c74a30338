/**
 * The Inspector service: the one object that owns the live state of a shm directory
 * (its items, the header, what the service itself created) and streams it to hosts as
 * patches. Hosts call `handle` for requests and `subscribe` for patches; nothing else.
 */
import {
  DEFAULT_SETTINGS,
  settingsRequest,
  type HeldItem,
  type InspectorItem,
  type Patch,
  type RequestChannel,
  type ResponseOf,
  type Result,
  type Settings,
} from '../../protocol/channels';
import { describeIssues } from '../../protocol/requests';
import type { ScanResult } from '../../protocol/scan-result';
import type { AuditLog } from '../audit/audit-log';
import { openAuditLog } from '../audit/audited-deletion';
import type { CreatedSegment } from '../create-segment';
import { NativeError } from '../../native';
import { ProcessViewSource, type ProcessViewOptions } from '../processes/process-view-source';
import { resolveShmDir } from '../scan-shm';
import { channelSources } from './channel-sources';
import { RequestRefused } from './error-value';
import { errorValue, type InspectorApi, type PatchSink, type RequestContext } from './inspector-api';
import { HistoryRing, poolCounts } from './history-ring';
import { failedHeader, headerOf, type Header, type OwnItems } from './inspector-header';
import { memoryItemsOf, sameItem, segmentId } from './item-diff';
import { LabItems } from './lab-items';
import { LiveScan } from './live-scan';
import { LiveWatch } from './live-watch';
import { CoalescingSubscriber } from './patch-coalescer';
import { PlanStore } from './plan-store';
import { requestHandlers, serveRequest, type Handlers } from './request-handlers';
import { SampleFeed } from './sample-feed';

export interface InspectorOptions {
  /** The shm directory (default /dev/shm). */
  dir?: string;
  /**
   * The /proc sweep, for what no event tells: processes mapping and unmapping, opening
   * and closing (default 3000 ms: DEFAULT_SETTINGS says why). Without a directory watch,
   * a full rescan as often.
   */
  rescanMs?: number;
  /** The full rescan that catches anything the events missed (default 60 s). */
  safetyScanMs?: number;
  /** srbchannel sampling rate (default 10 Hz). */
  sampleHz?: number;
  /**
   * How often the history of the shm filesystem's use and each pool's slots in use takes
   * a point (default 5 s; HistoryRing), and how far back it reaches (default 15 min).
   */
  historyMs?: number;
  historyWindowMs?: number;
  /** Watch the directory with inotify and owners with pidfds (default true); without it changes show at the next rescan. */
  watch?: boolean;
  now?: () => number;
  /**
   * Refuse every request that changes the system or the settings, whatever the interface
   * (browser host `--read-only`). A read-only service deletes nothing and opens no audit log.
   */
  readOnly?: boolean;
  /**
   * The audit log every removal is recorded in (default: the user's, defaultAuditLogPath).
   * It is opened here, before the service can delete anything: createInspector throws an
   * AuditLogError when it cannot be. null opens none, and the service then refuses every
   * request that would delete (a cleanup, a lab object with a file): only for tests and
   * benches that delete nothing.
   */
  auditLog?: string | null;
  /** Told what the user should know but that stops nothing (a torn line in the audit log); default stderr. */
  warn?: (message: string) => void;
  /** The process view's PulseAudio names: pactl replaced, or asked more often (tests). */
  processView?: ProcessViewOptions;
}

/** The safety sweep: a full scan this often, whatever the events said (tens of seconds: never per event). */
const SAFETY_SCAN_MS = 60_000;

/** Safety scans are at least (the last full scan's CPU time x this) apart: they cost at most 0.5% of a core. */
const SAFETY_CPU_SHARE = 200;

/** When a zombie owner is read again: a parent usually reaps its child at once. */
const ZOMBIE_CHECK_MS = [20, 100, 500];

/** The process view is rebuilt this long after the items change: a burst of events costs one rebuild. */
const PROCESS_VIEW_DELAY_MS = 100;

/** How often patches held for a busy subscriber are offered again. */
const FLUSH_MS = 25;

/** Runs `step`, ignoring its failure: for teardown steps that must not stop the others. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Nothing more can be done while closing.
  }
}

interface Held {
  id: string;
  created: CreatedSegment;
  until: number | null;
  timer: NodeJS.Timeout | null;
}

/** The service as the host that starts it sees it. */
export interface Inspector extends InspectorApi {
  /** The audit log deletions are recorded in, or null when this service deletes nothing. */
  readonly auditLogFile: string | null;
}

class InspectorService implements Inspector {
  private readonly dir: string;
  private readonly now: () => number;
  private settings: Settings;
  private seq = 0;
  private items = new Map<string, InspectorItem>();
  /** The memfd and deleted-segment items among `items`, diffed on their own. */
  private memoryItems = new Map<string, InspectorItem>();
  private readonly live: LiveScan;
  private watchProblem: string | null = null;
  private sweeping = false;
  /** The full scan running, and the one that starts when it ends (shared by all who ask meanwhile). */
  private fullRunning: Promise<void> | null = null;
  private fullNext: Promise<void> | null = null;
  /** Whether the first full scan has ended: subscribers wait in `waiting` for it, then get their snapshot. */
  private started = false;
  private readonly waiting = new Set<CoalescingSubscriber>();
  /** Whether the last full scan failed: one is tried again at every sweep until one succeeds. */
  private scanFailed = false;
  private readonly safetyScanMs: number;
  private safetyTimer: NodeJS.Timeout | null = null;
  /** Re-reads zombie owners until they are reaped (a pidfd tells the exit, not the reaping). */
  private zombieTimer: NodeJS.Timeout | null = null;
  private zombieChecks = 0;
  private header: Header | null = null;
  private headerPrint = '';
  private readonly subscribers = new Set<CoalescingSubscriber>();
  private readonly feed: SampleFeed;
  private readonly history: HistoryRing;
  private historyTimer: NodeJS.Timeout | null = null;
  private readonly labs: LabItems;
  private readonly plans = new PlanStore();
  private readonly held = new Set<Held>();
  private heldCount = 0;
  private readonly watch: LiveWatch | null;
  private readonly handlers: Handlers;
  private readonly audit: AuditLog | null;
  private readonly readOnly: boolean;
  private rescanTimer: NodeJS.Timeout | null = null;
  private sampleTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly processView: ProcessViewSource;
  private processTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: InspectorOptions) {
    const settings = settingsRequest.safeParse({ rescanMs: options.rescanMs, sampleHz: options.sampleHz });
    if (!settings.success) throw new RangeError(describeIssues(settings.error));
    this.settings = {
      rescanMs: settings.data.rescanMs ?? DEFAULT_SETTINGS.rescanMs,
      sampleHz: settings.data.sampleHz ?? DEFAULT_SETTINGS.sampleHz,
    };
    this.dir = resolveShmDir(options.dir);
    this.now = options.now ?? Date.now;
    this.readOnly = options.readOnly === true;
    const warn = options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`));
    this.audit = this.readOnly || options.auditLog === null ? null : openAuditLog(warn, options.auditLog);
    this.feed = new SampleFeed(this.now);
    this.history = new HistoryRing(options.historyMs, options.historyWindowMs);
    // The lab's own files are deletions too: audited like a cleanup's.
    this.labs = new LabItems(this.dir, this.audit, this.now);
    this.live = new LiveScan(this.dir);
    this.processView = new ProcessViewSource(() => this.scheduleProcessView(), options.processView);
    this.safetyScanMs = options.safetyScanMs ?? SAFETY_SCAN_MS;
    this.watch =
      options.watch === false
        ? null
        : new LiveWatch(this.dir, {
            names: (names) => this.onNames(names),
            full: () => this.fullQuietly(),
            exited: (pids) => this.onExited(pids),
            failed: (problem) => {
              this.watchProblem = problem;
              this.fullQuietly();
            },
          });
    this.handlers = requestHandlers({
      dir: this.dir,
      refresh: () => this.refresh(),
      seq: () => this.seq,
      hold: (created, seconds) => this.hold(created, seconds),
      release: (id) => this.releaseById(id),
      labs: this.labs,
      plans: this.plans,
      settings: () => ({ ...this.settings }),
      applySettings: (change) => this.applySettings(change),
      auditLog: this.audit,
      now: this.now,
    });
    // The first scan, off the event loop like every full scan: subscribers get their snapshot when it ends.
    this.fullQuietly();
    this.watch?.start();
    this.startRescans();
    this.startSampling();
    this.historyTimer = setInterval(() => attempt(() => this.historyTick()), this.history.intervalMs);
    this.historyTimer.unref();
    this.scheduleSafetyScan(0);
  }

  async handle<C extends RequestChannel>(
    channel: C,
    request: unknown,
    context: RequestContext,
  ): Promise<Result<ResponseOf<C>>> {
    if (this.closed) return { ok: false, error: errorValue('closed', 'the Inspector service is closed') };
    return serveRequest(this.handlers, channel, request, { ...context, readOnly: context.readOnly || this.readOnly });
  }

  get auditLogFile(): string | null {
    return this.audit?.file ?? null;
  }

  subscribe(sink: PatchSink): () => void {
    if (this.closed) return () => {};
    const subscriber = new CoalescingSubscriber(sink);
    attempt(() => this.feed.setActive(true));
    if (this.started) this.welcome(subscriber);
    else this.waiting.add(subscriber);
    return () => {
      this.waiting.delete(subscriber);
      this.subscribers.delete(subscriber);
      // Nobody to show traffic to: the sampler's thread stops and lets go of what it held.
      if (this.subscribers.size === 0 && this.waiting.size === 0 && !this.closed) {
        attempt(() => this.feed.setActive(false));
      }
    };
  }

  /** Sends a subscriber its full snapshot of the state now; patches follow it. */
  private welcome(subscriber: CoalescingSubscriber): void {
    this.subscribers.add(subscriber);
    subscriber.deliver({
      seq: this.seq,
      full: true,
      header: this.header,
      upserts: [...this.items.values()],
      removals: [],
      samples: [],
      history: this.history.snapshot(),
      processes: this.processView.current,
    });
    if (subscriber.hasPending) this.scheduleFlush();
  }

  /** After the first full scan (done or failed): the subscribers that waited for it get their snapshot. */
  private markStarted(): void {
    if (this.started) return;
    this.started = true;
    // The first snapshot carries the process view (no follow-up patch for a view nobody saw
    // change) and the history's first point (a page opened now has one to start from).
    attempt(() => this.processView.update(this.items.values(), this.live.processes()));
    attempt(() => this.historyTick());
    for (const subscriber of this.waiting) this.welcome(subscriber);
    this.waiting.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A full scan being judged in slices stops at its next one.
    this.live.abandonFull();
    attempt(() => this.watch?.close());
    for (const timer of [this.rescanTimer, this.sampleTimer, this.flushTimer, this.safetyTimer, this.historyTimer]) {
      if (timer) clearInterval(timer);
    }
    if (this.processTimer) clearTimeout(this.processTimer);
    attempt(() => this.processView.close());
    if (this.zombieTimer) clearTimeout(this.zombieTimer);
    attempt(() => this.feed.close());
    for (const entry of [...this.held]) attempt(() => this.release(entry));
    this.labs.stopAll();
    this.subscribers.clear();
    this.waiting.clear();
    attempt(() => this.audit?.close());
  }

  /**
   * Scans in full, off the event loop, then sends what changed; resolves with the state as
   * a scan result. Rejects (after sending the failure in the header) when the scan fails.
   * The scan starts at or after the call: what it returns reflects the state then or later.
   */
  private async refresh(): Promise<ScanResult> {
    await this.fullScan();
    return this.live.result();
  }

  private ownItems(): OwnItems {
    const held = [...this.held].map(({ id, created, until }): HeldItem => {
      const { kind, name, dev, inode } = created;
      return { id, kind, name, dev, inode, until };
    });
    return { lab: this.labs.list(), held };
  }

  /** A full scan whose failure is left to the header (the first scan, the safety sweep, a lost event...). */
  private fullQuietly(): void {
    this.fullScan().catch(() => {
      // The header carries the failure.
    });
  }

  /**
   * A full scan that starts now, or, when one is running, as soon as it ends: one that
   * began before the call may have read the directory or /proc before what the caller
   * wants seen. Everyone who asks while one runs shares the next.
   */
  private fullScan(): Promise<void> {
    if (this.closed) return Promise.reject(new RequestRefused('closed', 'the Inspector service is closed'));
    if (this.fullRunning === null) {
      this.fullRunning = this.runFull().finally(() => {
        this.fullRunning = null;
      });
      return this.fullRunning;
    }
    this.fullNext ??= this.fullRunning
      .catch(() => {
        // Its own callers are told; the next scan is run anyway.
      })
      .then(() => {
        this.fullNext = null;
        return this.fullScan();
      });
    return this.fullNext;
  }

  /** One full scan, read on a worker thread and judged in slices (LiveScan.loadFullAsync), then sent. */
  private async runFull(): Promise<void> {
    // Watched before it reads: what changes while it runs is read again after it (LiveScan.loadFullAsync).
    this.ensureWatch();
    const cpuBefore = process.cpuUsage();
    try {
      // False only when a synchronous full scan replaced it (the service makes none).
      if (!(await this.live.loadFullAsync()) || this.closed) return;
      this.live.refreshCapacity();
    } catch (error) {
      this.scheduleSafetyScan(0);
      if (this.closed) return;
      this.scanFailed = true;
      this.ensureWatch();
      this.feed.track([]);
      // Nothing is listed: the scan that succeeds next must tell every name, as new.
      this.live.forgetEntries();
      this.replaceAll(new Map(), failedHeader(this.dir, error, this.ownItems()));
      this.markStarted();
      throw error;
    }
    this.scanFailed = false;
    this.ensureWatch();
    this.publishChanges(true);
    this.markStarted();
    const cpu = process.cpuUsage(cpuBefore);
    this.scheduleSafetyScan((cpu.user + cpu.system) / 1000);
  }

  /**
   * The next safety scan, counted from the last full scan (one a request made counts too):
   * after safetyScanMs, or later where a full scan costs so much that it would take more
   * than 1/SAFETY_CPU_SHARE of a core (at 100,000 segments one takes over a second of CPU,
   * and the garbage it leaves as much again).
   */
  private scheduleSafetyScan(costMs: number): void {
    if (this.closed) return;
    if (this.safetyTimer) clearTimeout(this.safetyTimer);
    const delay = Math.max(this.safetyScanMs, costMs * SAFETY_CPU_SHARE);
    this.safetyTimer = setTimeout(() => this.fullQuietly(), delay);
    this.safetyTimer.unref();
  }

  /** Watches the directory when it is not watched (it was replaced, or could not be watched before). */
  private ensureWatch(): void {
    if (!this.watch || this.watch.watching) return;
    this.watchProblem = this.watch.watchDir();
  }

  /** Entries named by inotify: read again alone, judged, sent. */
  private onNames(names: string[]): void {
    if (this.closed) return;
    try {
      if (!this.live.rescanNames(names)) {
        this.fullQuietly();
        return;
      }
      this.publishChanges(false);
    } catch (error) {
      if (!(error instanceof NativeError)) throw error;
      // A process read that failed (EMFILE...) changes nothing: a full scan says what is known.
      this.fullQuietly();
    }
  }

  /** Processes that may have exited: read again, and what they owned or held judged again. */
  private onExited(pids: number[]): void {
    if (this.closed) return;
    try {
      this.live.refreshPids(pids);
      this.publishChanges(false);
    } catch (error) {
      if (!(error instanceof NativeError)) throw error;
      // Unknown is not gone: the state stays as it was until a read succeeds (the next sweep).
    }
  }

  /** The /proc sweep, on a worker thread: rejudges only what its table changes. */
  private sweep(): void {
    // A full scan reads /proc too: no sweep while one runs (LiveScan drops a table older than it).
    if (this.closed || this.sweeping || this.fullRunning !== null) return;
    if (!this.watch?.watching || this.scanFailed) {
      this.fullQuietly();
      return;
    }
    this.sweeping = true;
    const id = this.live.beginSweep();
    this.live
      .readSweepTable()
      .then((table) => {
        if (this.closed || !this.live.applyTable(table, id)) return;
        this.live.refreshCapacity();
        this.publishChanges(false);
      })
      .catch(() => {
        // /proc could not be read (EMFILE...): a full scan reports it in the header.
        this.fullQuietly();
      })
      .finally(() => {
        this.sweeping = false;
      });
  }

  /**
   * Sends what the live state changed: the segments it names, memfds and deleted segments
   * when they may have changed, and the header when anything did (or `full`). Returns the
   * scan result it built for the header, if it built one.
   */
  private publishChanges(full: boolean): ScanResult | null {
    const changes = this.live.takeChanges();
    const upserts: InspectorItem[] = [];
    const removals: string[] = [];
    for (const name of changes.names) {
      const id = segmentId(name);
      const segment = this.live.segment(name);
      const before = this.items.get(id);
      if (segment) {
        const item: InspectorItem = { id, type: 'segment', segment };
        this.items.set(id, item);
        if (!before || !sameItem(before, item)) upserts.push(item);
      } else if (before) {
        this.items.delete(id);
        removals.push(id);
      }
    }
    let memoryChanged = false;
    if (changes.memory) {
      const next = memoryItemsOf(this.live.memory());
      for (const [id, item] of next) {
        const before = this.memoryItems.get(id);
        this.items.set(id, item);
        if (!before || !sameItem(before, item)) upserts.push(item);
      }
      for (const id of this.memoryItems.keys()) {
        if (next.has(id)) continue;
        this.items.delete(id);
        removals.push(id);
      }
      memoryChanged = upserts.length > 0 || removals.length > 0;
      this.memoryItems = next;
    }
    let result: ScanResult | null = null;
    let header: Header | null = null;
    if (full || changes.capacity || upserts.length > 0 || removals.length > 0) {
      result = this.live.summary();
      const next = headerOf(result, this.ownItems(), this.watchProblem, this.settings.rescanMs);
      const print = JSON.stringify(next);
      if (print !== this.headerPrint) header = next;
      this.header = next;
      this.headerPrint = print;
      if (full || memoryChanged || upserts.length > 0) this.feed.track(channelSources(result, this.live.processes()));
    }
    this.publish({ header, upserts, removals, samples: [] });
    // The view is built from the items (markStarted builds the first): a full scan that changed none changes no view.
    if (upserts.length > 0 || removals.length > 0) this.scheduleProcessView();
    // After the patch is out: tracking may report an exit, whose own patch must come after this one.
    this.watch?.track(this.live.watchedPids());
    this.scheduleZombieCheck();
    return result;
  }

  /** Zombie owners read again soon (50 ms, then slower), then left to the sweep: a zombie may stay for long. */
  private scheduleZombieCheck(): void {
    if (this.zombieTimer || this.closed || !this.watch) return;
    const zombies = this.live.zombieOwners();
    if (zombies.length === 0 || this.zombieChecks >= ZOMBIE_CHECK_MS.length) {
      if (zombies.length === 0) this.zombieChecks = 0;
      return;
    }
    const delay = ZOMBIE_CHECK_MS[this.zombieChecks] as number;
    this.zombieChecks += 1;
    this.zombieTimer = setTimeout(() => {
      this.zombieTimer = null;
      this.onExited(this.live.zombieOwners());
    }, delay);
    this.zombieTimer.unref();
  }

  /** Replaces every item at once (a failed scan lists nothing). */
  private replaceAll(items: Map<string, InspectorItem>, header: Header): void {
    const removals = [...this.items.keys()].filter((id) => !items.has(id));
    const upserts = [...items.values()].filter((item) => {
      const before = this.items.get(item.id);
      return !before || !sameItem(before, item);
    });
    this.items = items;
    this.memoryItems = new Map();
    const headerPrint = JSON.stringify(header);
    const headerChanged = headerPrint !== this.headerPrint;
    this.header = header;
    this.headerPrint = headerPrint;
    this.publish({ header: headerChanged ? header : null, upserts, removals, samples: [] });
    this.scheduleProcessView();
  }

  /** Rebuilds the process view soon (items or PulseAudio's names changed), and sends it if it changed. */
  private scheduleProcessView(): void {
    if (this.processTimer || this.closed) return;
    this.processTimer = setTimeout(() => {
      this.processTimer = null;
      if (this.closed) return;
      const processes = this.processView.update(this.items.values(), this.live.processes());
      if (processes) this.publish({ header: null, upserts: [], removals: [], samples: [], processes });
    }, PROCESS_VIEW_DELAY_MS);
    this.processTimer.unref();
  }

  /** Sends a change to every subscriber; nothing at all when there is no change. */
  private publish(change: Omit<Patch, 'seq' | 'full'>): void {
    const { header, upserts, removals, samples, history, processes } = change;
    const none = header === null && upserts.length === 0 && removals.length === 0 && samples.length === 0;
    if (none && history === undefined && processes === undefined) return;
    this.seq += 1;
    const patch: Patch = { seq: this.seq, full: false, ...change };
    let pending = false;
    for (const subscriber of this.subscribers) {
      subscriber.deliver(patch);
      pending ||= subscriber.hasPending;
    }
    if (pending) this.scheduleFlush();
  }

  /** Offers held patches again until every subscriber has taken its own. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => {
      let pending = false;
      for (const subscriber of this.subscribers) {
        subscriber.flush();
        pending ||= subscriber.hasPending;
      }
      if (!pending && this.flushTimer) {
        clearInterval(this.flushTimer);
        this.flushTimer = null;
      }
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  private sampleTick(): void {
    if (this.subscribers.size === 0 || this.feed.size === 0) return;
    this.publish({ header: null, upserts: [], removals: [], samples: this.feed.sample() });
  }

  /** One point of history: the filesystem's use as last scanned, each pool's slots in use. Kept with or without subscribers. */
  private historyTick(): void {
    if (this.closed || !this.header) return;
    const segmentPools = [...this.live.poolNames()].flatMap((name) => this.items.get(segmentId(name)) ?? []);
    const counts = poolCounts([...segmentPools, ...this.memoryItems.values()]);
    const update = this.history.record(this.now(), this.header.capacity, counts);
    this.publish({ header: null, upserts: [], removals: [], samples: [], history: update });
  }

  private startRescans(): void {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(() => this.sweep(), this.settings.rescanMs);
    this.rescanTimer.unref();
  }

  private startSampling(): void {
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    this.sampleTimer = setInterval(() => attempt(() => this.sampleTick()), 1000 / this.settings.sampleHz);
    this.sampleTimer.unref();
  }

  private applySettings(change: Partial<Settings>): Settings {
    const previous = this.settings;
    this.settings = { ...previous, ...change };
    if (this.settings.rescanMs !== previous.rescanMs) this.startRescans();
    if (this.settings.sampleHz !== previous.sampleHz) this.startSampling();
    return { ...this.settings };
  }

  /** Keeps a created segment mapped (this service its live holder) until close, or for `seconds` if given. */
  private hold(created: CreatedSegment, seconds: number | undefined): void {
    this.heldCount += 1;
    const timed = seconds !== undefined && seconds > 0;
    const entry: Held = {
      id: `held-${this.heldCount}`,
      created,
      until: timed ? this.now() + seconds * 1000 : null,
      timer: null,
    };
    if (timed) {
      entry.timer = setTimeout(() => {
        attempt(() => this.release(entry));
        this.fullQuietly();
      }, seconds * 1000);
      entry.timer.unref();
    }
    this.held.add(entry);
  }

  /** Releases the hold with this id (the UI's Release); false when there is none. */
  private releaseById(id: string): boolean {
    const entry = [...this.held].find((held) => held.id === id);
    if (!entry) return false;
    this.release(entry);
    return true;
  }

  private release(entry: Held): void {
    if (entry.timer) clearTimeout(entry.timer);
    this.held.delete(entry);
    entry.created.release();
  }
}

/**
 * Starts the Inspector service on a shm directory: its first full scan starts at once, off
 * the event loop (a subscriber gets its first patch, the full snapshot, when it ends), then
 * it watches, rescans and samples until close.
 */
export function createInspector(options: InspectorOptions = {}): Inspector {
  return new InspectorService(options);
}
