/** Reading the audit log for the Audit log tab: plain functions, like the other actions. */
import type { InspectorHost } from '../../../protocol/channels';
import type { InspectorStore } from './inspector-store';

/** How many records the tab asks for: the newest, at most what the host gives (1000). */
export const AUDIT_RECORDS_SHOWN = 500;

/** Asks the host for the newest records; the slice says loading, then holds the answer or the error. */
export async function loadAuditLog(store: InspectorStore, host: InspectorHost): Promise<void> {
  store.setState((state) => ({ audit: { ...state.audit, loading: true } }));
  const answer = await host.request('audit-log', { limit: AUDIT_RECORDS_SHOWN });
  store.setState((state) => ({
    audit: answer.ok
      ? { ...state.audit, loading: false, error: null, view: answer.value }
      : { ...state.audit, loading: false, error: answer.error },
  }));
}

/** A cleanup run from this page has ended: what it removed is in the log now. */
export function noteCleanupRun(store: InspectorStore): void {
  store.setState((state) => ({ audit: { ...state.audit, cleanupsRun: state.audit.cleanupsRun + 1 } }));
}
