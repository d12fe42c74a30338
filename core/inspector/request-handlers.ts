/**
 * Requests as the Inspector serves them: checked at the boundary (known channel, allowed
 * through this interface, valid against the channel's schema), then handed to one small
 * handler per channel. Failures become error values; nothing is thrown to a host.
 */
import {
  requestSchemas,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
  type Result,
  type Settings,
} from '../../protocol/channels';
import type { CleanupPlan } from '../../protocol/cleanup';
import { describeIssues } from '../../protocol/requests';
import type { ScanResult } from '../../protocol/scan-result';
import type { AuditLog } from '../audit/audit-log';
import { executeAudited, unrecordedDeletion } from '../audit/audited-deletion';
import { planCleanupInSlices } from '../cleanup-plan';
import { createFromRequest, type CreatedSegment } from '../create-segment';
import { RequestRefused, toErrorValue } from './error-value';
import { errorValue, type RequestContext } from './inspector-api';
import type { LabItems } from './lab-items';
import type { PlanStore } from './plan-store';

/** Channels that change the system, or the host for every client (settings): a read-only host refuses them. */
const CHANGES_SYSTEM: ReadonlySet<RequestChannel> = new Set<RequestChannel>([
  'create',
  'set-settings',
  'execute-cleanup',
  'lab-pool',
  'lab-srbchannel',
  'lab-stale',
  'lab-stop',
  'release',
]);

/** Records an audit-log request returns when it names no limit. */
const DEFAULT_AUDIT_RECORDS = 200;

/** What the handlers need of the service. */
export interface HandlerDeps {
  dir: string;
  /**
   * Scans in full, off the event loop, in a scan that starts at or after the call, and
   * sends the changes; rejects when the directory cannot be scanned.
   */
  refresh(): Promise<ScanResult>;
  /** The seq of the last patch sent. */
  seq(): number;
  /** Keeps a created segment mapped until the service closes. */
  hold(created: CreatedSegment, seconds: number | undefined): void;
  /** Unmaps a segment kept alive by `hold`; false when no such hold remains. */
  release(id: string): boolean;
  labs: LabItems;
  plans: PlanStore;
  settings(): Settings;
  applySettings(change: Partial<Settings>): Settings;
  /** Where every deletion is recorded; null when this service deletes nothing. */
  auditLog: AuditLog | null;
  now(): number;
}

export type Handlers = {
  [C in RequestChannel]: (request: RequestOf<C>, context: RequestContext) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

export function requestHandlers(deps: HandlerDeps): Handlers {
  /** After a change the service made: send it at once; a failed scan is reported by the scan, not by this request. */
  const changed = async (): Promise<void> => {
    try {
      await deps.refresh();
    } catch {
      // The header carries the scan's failure.
    }
  };
  return {
    'scan-now': async () => {
      await deps.refresh();
      return { seq: deps.seq() };
    },
    create: async (request) => {
      const created = createFromRequest(deps.dir, request, true);
      deps.hold(created, request.holdSeconds);
      await changed();
      const { kind, name, path, dev, inode, dataSize, fileSize, mode, markerPid } = created;
      return { kind, name, path, dev, inode, dataSize, fileSize, mode, markerPid };
    },
    'plan-cleanup': async (request) => {
      const { selected, ...options } = request;
      // A plan reflects the directory as it is at the request or later: never an older scan.
      const scan = await deps.refresh();
      const plan: CleanupPlan = await planCleanupInSlices(scan, options, selected);
      return { ...plan, planId: deps.plans.add(plan) };
    },
    'execute-cleanup': async (request, context) => {
      // Before the plan is taken: a refused plan stays executable once a log is there.
      if (deps.auditLog === null) throw unrecordedDeletion('executing a cleanup');
      const batch = deps.plans.takeBatch(request.planId, request.limit);
      if (!batch)
        throw new RequestRefused('not-found', `no plan "${request.planId}" (executed already, or too old): plan again`);
      const { plan, remaining } = batch;
      const result = executeAudited(plan, deps.auditLog, context.via, deps.now);
      await changed();
      return { ...result, remaining };
    },
    'lab-pool': async (request, context) => {
      const item = deps.labs.createPool(request, context.via);
      await changed();
      return item;
    },
    'lab-srbchannel': async (request, context) => {
      const item = deps.labs.createSrbchannel(request, context.via);
      await changed();
      return item;
    },
    'lab-stale': async (_request, context) => {
      const item = deps.labs.createStale(context.via);
      await changed();
      return item;
    },
    'lab-stop': async (request) => {
      const stopped = deps.labs.stop(request.id, request.keep);
      if (stopped) await changed();
      return { stopped };
    },
    release: async (request) => {
      const released = deps.release(request.id);
      if (released) await changed();
      return { released };
    },
    'host-info': (_request, context) => ({ readOnly: context.readOnly }),
    'audit-log': (request) =>
      deps.auditLog === null
        ? { kept: false, why: 'this host deletes nothing (read-only), so it keeps no audit log' }
        : deps.auditLog.tail(request.limit ?? DEFAULT_AUDIT_RECORDS),
    'get-settings': () => deps.settings(),
    'set-settings': (request) =>
      deps.applySettings({
        ...(request.rescanMs === undefined ? {} : { rescanMs: request.rescanMs }),
        ...(request.sampleHz === undefined ? {} : { sampleHz: request.sampleHz }),
      }),
  };
}

function isChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.hasOwn(requestSchemas, channel);
}

/** Checks a request at the boundary and serves it; never rejects. */
export async function serveRequest<C extends RequestChannel>(
  handlers: Handlers,
  channel: C,
  request: unknown,
  context: RequestContext,
): Promise<Result<ResponseOf<C>>> {
  if (!isChannel(channel)) {
    return { ok: false, error: errorValue('invalid-request', `unknown channel "${String(channel)}"`) };
  }
  if (context.readOnly && CHANGES_SYSTEM.has(channel)) {
    return { ok: false, error: errorValue('read-only', `"${channel}" is refused: this interface is read-only`) };
  }
  const parsed = requestSchemas[channel].safeParse(request);
  if (!parsed.success) return { ok: false, error: errorValue('invalid-request', describeIssues(parsed.error)) };
  try {
    const handler = handlers[channel] as (
      request: unknown,
      context: RequestContext,
    ) => ResponseOf<C> | Promise<ResponseOf<C>>;
    return { ok: true, value: await handler(parsed.data, context) };
  } catch (error) {
    return { ok: false, error: toErrorValue(error) };
  }
}
