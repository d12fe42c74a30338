/**
 * Stands in for the host in component tests only (never in the app: the app always talks to
 * the engine through Electron or the browser host). It records every request, answers from
 * the responses a test scripts, and lets the test push patches.
 */
import type { InspectorHost, Patch, RequestChannel, RequestOf, ResponseOf, Result } from '../../../protocol/channels';

export type Responder = { [C in RequestChannel]?: (request: RequestOf<C>) => Result<ResponseOf<C>> };

export interface RecordingHost extends InspectorHost {
  calls: { channel: RequestChannel; request: unknown }[];
  push(patch: Patch): void;
}

export function recordingHost(responder: Responder = {}): RecordingHost {
  const listeners = new Set<(patch: Patch) => void>();
  const calls: RecordingHost['calls'] = [];
  return {
    calls,
    request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      calls.push({ channel, request });
      const answer = responder[channel] as ((request: RequestOf<C>) => Result<ResponseOf<C>>) | undefined;
      return Promise.resolve(
        answer ? answer(request) : { ok: false, error: { code: 'not-scripted', message: `no answer for ${channel}` } },
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(patch) {
      for (const listener of listeners) listener(patch);
    },
  };
}
