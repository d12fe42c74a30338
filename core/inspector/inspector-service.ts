/**
 * The Inspector service: the one object that owns the live state of a shm directory
 * (its items, the header, what the service itself created) and streams it to hosts as
 * patches. Hosts call `handle` for requests and `subscribe` for patches; nothing else.
 */
import {
  settingsRequest,
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
import { resolveShmDir, scanShmSnapshot } from '../scan-shm';
import { channelSources } from './channel-sources';
import { DirWatcher } from './dir-watcher';
import { errorValue, type InspectorApi, type PatchSink, type RequestContext } from './inspector-api';
import { failedHeader, headerOf, type Header } from './inspector-header';
import { diffItems, itemsOf } from './item-diff';
import { LabItems } from './lab-items';
import { CoalescingSubscriber } from './patch-coalescer';
import { PlanStore } from './plan-store';
import { requestHandlers, serveRequest, type Handlers } from './request-handlers';
import { SampleFeed } from './sample-feed';

export interface InspectorOptions {
  /** The shm directory (default /dev/shm). */
  dir?: string;
  /** Periodic rescan, for what inotify cannot see: processes exiting, mapping, unmapping (default 1000 ms). */
  rescanMs?: number;
  /** srbchannel sampling rate (default 10 Hz). */
  sampleHz?: number;
  /** Watch the directory with inotify (default true); without it changes show at the next rescan. */
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
}

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
  created: CreatedSegment;
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
  private header: Header | null = null;
  private headerPrint = '';
  private readonly subscribers = new Set<CoalescingSubscriber>();
  private readonly feed: SampleFeed;
  private readonly labs: LabItems;
  private readonly plans = new PlanStore();
  private readonly held = new Set<Held>();
  private readonly watcher: DirWatcher | null;
  private readonly handlers: Handlers;
  private readonly audit: AuditLog | null;
  private readonly readOnly: boolean;
  private rescanTimer: NodeJS.Timeout | null = null;
  private sampleTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: InspectorOptions) {
    const settings = settingsRequest.safeParse({ rescanMs: options.rescanMs, sampleHz: options.sampleHz });
    if (!settings.success) throw new RangeError(describeIssues(settings.error));
    this.settings = { rescanMs: settings.data.rescanMs ?? 1000, sampleHz: settings.data.sampleHz ?? 10 };
    this.dir = resolveShmDir(options.dir);
    this.now = options.now ?? Date.now;
    this.readOnly = options.readOnly === true;
    const warn = options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`));
    this.audit = this.readOnly || options.auditLog === null ? null : openAuditLog(warn, options.auditLog);
    this.feed = new SampleFeed(this.now);
    // The lab's own files are deletions too: audited like a cleanup's.
    this.labs = new LabItems(this.dir, this.audit, this.now);
    this.watcher = options.watch === false ? null : new DirWatcher(this.dir, () => this.refreshQuietly());
    this.handlers = requestHandlers({
      dir: this.dir,
      refresh: () => this.refresh(),
      seq: () => this.seq,
      hold: (created, seconds) => this.hold(created, seconds),
      labs: this.labs,
      plans: this.plans,
      settings: () => ({ ...this.settings }),
      applySettings: (change) => this.applySettings(change),
      auditLog: this.audit,
      now: this.now,
    });
    this.refreshQuietly();
    this.startRescans();
    this.startSampling();
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
    this.subscribers.add(subscriber);
    subscriber.deliver({
      seq: this.seq,
      full: true,
      header: this.header,
      upserts: [...this.items.values()],
      removals: [],
      samples: [],
    });
    if (subscriber.hasPending) this.scheduleFlush();
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    attempt(() => this.watcher?.stop());
    for (const timer of [this.rescanTimer, this.sampleTimer, this.flushTimer]) if (timer) clearInterval(timer);
    this.feed.track([]);
    for (const entry of [...this.held]) attempt(() => this.release(entry));
    this.labs.stopAll();
    this.subscribers.clear();
    attempt(() => this.audit?.close());
  }

  /** Scans, then sends what changed. Throws (after sending the failure in the header) when the scan fails. */
  private refresh(): ScanResult {
    let result: ScanResult;
    try {
      const snapshot = scanShmSnapshot(this.dir);
      result = snapshot.result;
      this.feed.track(channelSources(result, snapshot.processes));
    } catch (error) {
      this.watcher?.ensure();
      this.feed.track([]);
      this.apply(new Map(), failedHeader(this.dir, error, this.labs.list()));
      throw error;
    }
    const watchProblem = this.watcher?.ensure() ?? null;
    this.apply(itemsOf(result), headerOf(result, this.labs.list(), watchProblem, this.settings.rescanMs));
    return result;
  }

  private refreshQuietly(): void {
    if (this.closed) return;
    try {
      this.refresh();
    } catch {
      // The header carries the failure.
    }
  }

  private apply(items: Map<string, InspectorItem>, header: Header): void {
    const diff = diffItems(this.items, items);
    this.items = items;
    const headerPrint = JSON.stringify(header);
    const headerChanged = headerPrint !== this.headerPrint;
    this.header = header;
    this.headerPrint = headerPrint;
    this.publish({
      header: headerChanged ? header : null,
      upserts: diff.upserts,
      removals: diff.removals,
      samples: [],
    });
  }

  /** Sends a change to every subscriber; nothing at all when there is no change. */
  private publish(change: Omit<Patch, 'seq' | 'full'>): void {
    const { header, upserts, removals, samples } = change;
    if (header === null && upserts.length === 0 && removals.length === 0 && samples.length === 0) return;
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

  private startRescans(): void {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(() => this.refreshQuietly(), this.settings.rescanMs);
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
    const entry: Held = { created, timer: null };
    if (seconds !== undefined && seconds > 0) {
      entry.timer = setTimeout(() => {
        attempt(() => this.release(entry));
        this.refreshQuietly();
      }, seconds * 1000);
      entry.timer.unref();
    }
    this.held.add(entry);
  }

  private release(entry: Held): void {
    if (entry.timer) clearTimeout(entry.timer);
    this.held.delete(entry);
    entry.created.release();
  }
}

/** Starts the Inspector service on a shm directory: scans it at once, then watches, rescans and samples until close. */
export function createInspector(options: InspectorOptions = {}): Inspector {
  return new InspectorService(options);
}
