/**
 * What a host (Electron main, the browser host) needs from the engine's Inspector
 * service: requests in, patches out. Hosts are transports and nothing more.
 */
import type { ErrorValue, Patch, RequestChannel, ResponseOf, Result } from '../../protocol/channels';
import type { Interface } from '../audit/deletion-entry';

/** Which interface a request came through: recorded with every deletion, and checked for read-only. */
export interface RequestContext {
  via: Interface;
  /** The host refuses create, clean and lab requests (browser host `--read-only`). */
  readOnly: boolean;
}

/** Where a subscriber's patches go. `ready` false means "busy": the service coalesces until it is ready again. */
export interface PatchSink {
  send(patch: Patch): void;
  ready(): boolean;
}

export interface InspectorApi {
  /** Validates `request` against the channel's schema, then serves it; never throws. */
  handle<C extends RequestChannel>(
    channel: C,
    request: unknown,
    context: RequestContext,
  ): Promise<Result<ResponseOf<C>>>;
  /**
   * Sends a full snapshot, then patches; returns the unsubscribe function. The snapshot
   * goes at once, or, while the service's first full scan (off the event loop) runs,
   * when it ends: nothing is sent before it.
   */
  subscribe(sink: PatchSink): () => void;
  /** Stops watching, sampling and the lab (removing what the lab made unless asked to keep it). */
  close(): void;
}

export function errorValue(code: string, message: string): ErrorValue {
  return { code, message };
}
