/**
 * The contract between the engine's hosts (Electron IPC, the browser host's WebSocket)
 * and the renderer: one map of request channels with their request and response types,
 * one map of pushed events. Every request is validated with `requestSchemas` where it
 * arrives; errors travel as values.
 */
import { z } from 'zod';
import { MAX_AUDIT_RECORDS, type AuditLogView } from './audit';
import type { CleanupPlan, CleanupResult } from './cleanup';
import type { History } from './history';
import type { DeletedSegment, Finding, MemfdPool } from './memory';
import type { SrbchannelSample } from './pool';
import type { ProcessView } from './processes';
import { cleanRequest, createRequest, entryNames, labPoolRequest, labSrbchannelRequest } from './requests';
import type { Capacity, Segment } from './scan-result';

/** An error as it crosses a boundary (Electron's `handle` keeps only a thrown error's message). */
export interface ErrorValue {
  /** invalid-request, read-only, not-found, untrusted-sender, closed, internal, or an errno name (ENOSPC, EACCES...). */
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorValue };

/** What a create request made, as the UI shows it. */
export interface CreatedObject {
  kind: 'posix' | 'memfd';
  /** File name in the shm directory, or the memfd's name. */
  name: string;
  /** Path in the shm directory, or null for a memfd (it has none). */
  path: string | null;
  dev: number;
  inode: number;
  dataSize: number;
  fileSize: number;
  mode: number;
  markerPid: number | null;
}

/**
 * A segment or memfd this service made with Create and keeps mapped (keep-alive): the
 * service is its live holder until it is released, its hold runs out, or the host closes.
 */
export interface HeldItem {
  id: string;
  kind: 'posix' | 'memfd';
  /** File name in the shm directory, or the memfd's name. */
  name: string;
  dev: number;
  inode: number;
  /** When the hold runs out by itself (ms since the epoch), or null: held until released. */
  until: number | null;
}

/** Something the lab made and still owns. */
export interface LabItem {
  id: string;
  kind: 'pool' | 'srbchannel' | 'stale';
  storage: 'posix' | 'memfd';
  name: string;
  inode: number;
  slots: number;
}

export interface Settings {
  /** Periodic rescan of processes and owners, ms (default 3000: see DEFAULT_SETTINGS). */
  rescanMs: number;
  /** srbchannel reports per second (default 10): each carries what the ~2 kHz header reads saw since the last. */
  sampleHz: number;
}

/**
 * The settings a service starts with when it is given none. The /proc sweep every 3 s,
 * GNOME System Monitor's refresh (htop's is 1.5 s): the sweep reads every process's maps
 * and fds, O(processes and their mappings), and a browser open on the machine (the page
 * showing this very table) has thousands of mappings per process. Measured with the
 * page open on 10,000 segments (npm run bench), the host idled at 2.3-4.6% of a core
 * with a sweep every 1 s, 1.4-1.7% every 2 s, 1.0% every 3 s (issue 13's target: 1%).
 * Events need no sweep: inotify tells a segment created, rewritten or removed, and a
 * pidfd an owner's or holder's exit, at once; only a process that starts or stops
 * mapping or holding one while it runs waits for the next sweep. A plan or a cleanup
 * scans afresh whatever the cadence.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = { rescanMs: 3000, sampleHz: 10 };

/**
 * Bounds on the settings, for every interface and the service's own options: a rescan
 * reads all of /proc, and each sample reads every srbchannel, for every client at once.
 */
export const SETTINGS_BOUNDS = { rescanMs: { min: 250, max: 60_000 }, sampleHz: { min: 0.1, max: 20 } } as const;

export const settingsRequest = z
  .object({
    rescanMs: z.number().int().min(SETTINGS_BOUNDS.rescanMs.min).max(SETTINGS_BOUNDS.rescanMs.max).optional(),
    sampleHz: z.number().min(SETTINGS_BOUNDS.sampleHz.min).max(SETTINGS_BOUNDS.sampleHz.max).optional(),
  })
  .strict();

const empty = z.object({}).strict();

/** Every request channel's schema: the one place a request's shape is defined. */
export const requestSchemas = {
  'scan-now': empty,
  create: createRequest,
  /** With `selected`, a plan of those entries only (the UI's rows), the rest of the directory left out. */
  'plan-cleanup': cleanRequest.omit({ dryRun: true }).extend({ selected: entryNames.optional() }),
  /**
   * Executes a plan the same host made; the plan is re-judged before anything is removed.
   * With `limit`, only the next `limit` removals: the rest stays under the same id for the
   * next request (`remaining` says how many), so a UI can show progress and stop between.
   */
  'execute-cleanup': z
    .object({ planId: z.string().min(1).max(100), limit: z.number().int().min(1).max(100_000).optional() })
    .strict(),
  'lab-pool': labPoolRequest,
  'lab-srbchannel': labSrbchannelRequest,
  'lab-stale': empty,
  'lab-stop': z.object({ id: z.string().min(1).max(100), keep: z.boolean() }).strict(),
  /** Unmaps a segment the service keeps alive (a HeldItem's id); the file itself stays. */
  release: z.object({ id: z.string().min(1).max(100) }).strict(),
  'get-settings': empty,
  'set-settings': settingsRequest,
  /** What this connection may do: asked by the UI, so that it can disable what would be refused. */
  'host-info': empty,
  /** The newest records of the audit log (default 200, at most 1000), newest first: who removed what, when, how. */
  'audit-log': z.object({ limit: z.number().int().min(1).max(MAX_AUDIT_RECORDS).optional() }).strict(),
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type RequestOf<C extends RequestChannel> = z.infer<(typeof requestSchemas)[C]>;

/** Every request channel's response. */
export interface ResponseMap {
  'scan-now': { seq: number };
  create: CreatedObject;
  'plan-cleanup': CleanupPlan & { planId: string };
  /** `kept` and the plan's own failures come with the first batch; `remaining` is 0 once all is done. */
  'execute-cleanup': CleanupResult & { remaining: number };
  'lab-pool': LabItem;
  'lab-srbchannel': LabItem;
  'lab-stale': LabItem;
  'lab-stop': { stopped: boolean };
  release: { released: boolean };
  'get-settings': Settings;
  'set-settings': Settings;
  'host-info': HostInfo;
  'audit-log': AuditLogView;
}

/** What the host tells a client of itself. */
export interface HostInfo {
  /** Create, clean, the lab and settings are refused (a browser host started with --read-only). */
  readOnly: boolean;
}

export type ResponseOf<C extends RequestChannel> = ResponseMap[C];

/** An item of the live state: a directory entry, a memfd pool, or a deleted-but-mapped segment. */
export type InspectorItem =
  | { id: string; type: 'segment'; segment: Segment }
  | { id: string; type: 'memfd'; memfd: MemfdPool }
  | { id: string; type: 'deleted'; deleted: DeletedSegment };

/**
 * What one srbchannel did in one reporting interval. The host reads a live channel's
 * header (reference §5) about 2000 times a second, because PulseAudio moves a stream's
 * data in bursts of a millisecond or so; a channel whose pool no process holds is read
 * once per interval. Byte counts are what the reads saw: bytes written and read again
 * between two reads are missed, so they are a lower bound.
 */
export interface TrafficInterval {
  /** End of the interval, ms since the epoch (the engine's clock). */
  time: number;
  /** Length of the interval, ms. */
  ms: number;
  /** Header reads in the interval. */
  reads: number;
  /** Bytes written into the read ring (count at offset 0): the sum of its fill increases between reads. */
  readBytes: number;
  /** The same for the write ring (count at offset 4). */
  writeBytes: number;
  /** Highest fill of each ring the reads saw. */
  readPeak: number;
  writePeak: number;
  /** Reads in which either ring's semaphore (waiting, signalled) differed from the read before: posts and wake-ups seen. */
  wakeups: number;
  /** The header as last read. */
  last: SrbchannelSample;
}

/** New srbchannel intervals since the last patch, for one channel. */
export interface ChannelSamples {
  /** `<item id>#<header offset>`. */
  channel: string;
  capacity: number;
  intervals: TrafficInterval[];
}

/**
 * A change of the live state. A subscriber's first patch is `full` (a snapshot: every
 * item as an upsert); later ones carry only what changed. A slow subscriber gets several
 * changes coalesced into one patch, never a growing queue.
 */
export interface Patch {
  seq: number;
  full: boolean;
  /** Directory-level facts, sent when they change. */
  header: {
    dir: string;
    capacity: Capacity;
    initialPidNamespace: boolean;
    findings: Finding[];
    lab: LabItem[];
    /** What this service keeps alive for Create's keep-alive. */
    held: HeldItem[];
  } | null;
  upserts: InspectorItem[];
  removals: string[];
  samples: ChannelSamples[];
  /**
   * The history of the shm filesystem's use and each pool's slots in use (history.ts):
   * every point kept in a full patch, only new points later (append with mergeHistory).
   * Absent when there is no new point, so a patch with nothing new stays small.
   */
  history?: History;
  /**
   * The process view (protocol/processes.ts), sent in full when it changes (and in every
   * `full` patch); absent when unchanged.
   */
  processes?: ProcessView;
}

/** Events pushed to the renderer. */
export interface EventMap {
  patch: Patch;
}

/** The object the renderer is given (by the preload in Electron, by a WebSocket client in a browser). */
export interface InspectorHost {
  request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Calls `listener` with a full snapshot, then with every patch; returns the unsubscribe function. */
  subscribe(listener: (patch: Patch) => void): () => void;
}
