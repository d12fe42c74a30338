import type { ErrorValue } from '../../../protocol/channels';
import type { AuditLogView } from '../../../protocol/audit';

/** The audit log as last read (the Audit log tab), and what asks for it to be read again. */
export interface AuditSlice {
  /** The host's answer, or null before the first read. */
  view: AuditLogView | null;
  loading: boolean;
  /** Why the last read failed, or null. */
  error: ErrorValue | null;
  /** Cleanups this page has run: each one may have added records, so the tab reads the log again. */
  cleanupsRun: number;
}

export const initialAudit: AuditSlice = { view: null, loading: false, error: null, cleanupsRun: 0 };
