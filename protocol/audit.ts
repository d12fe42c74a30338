/**
 * The audit log as a client reads it (the `audit-log` request): who removed what, when,
 * from which interface. The log's lines are documented in docs/json.md ("Audit log").
 */

/** At most this many records per request. */
export const MAX_AUDIT_RECORDS = 1000;

/** One attempted removal, as its line in the log says. */
export interface AuditRecord {
  /** When the attempt finished, ms since the epoch. */
  time: number;
  /** The interface that asked: `cli`, `websocket` (the browser host) or `ipc` (the desktop app). */
  via: string;
  /** The user ID and PID of the process that removed it; null in lines written before they were recorded. */
  uid: number | null;
  pid: number | null;
  dir: string;
  /** The file's name, its bytes as the contract carries names (name-bytes.ts). */
  name: string;
  dev: number;
  inode: number;
  reason: string;
  /** Bytes the file had allocated when planned: what removing it freed. */
  bytes: number;
  /** `removed`, or the failure's code (CHANGED, ENOENT, EACCES...). */
  outcome: string;
  /** The failure's message, or null when it was removed. */
  message: string | null;
}

/** The newest records of the service's audit log, or why it keeps none. */
export type AuditLogView =
  | {
      kept: true;
      /** The log's path. */
      file: string;
      /** Newest first. */
      records: AuditRecord[];
      /** Older records exist that were not read: only the log's last bytes are, or more than the limit. */
      more: boolean;
      /** The log ends with an incomplete line (a write that failed): what to tell the user, or null. */
      torn: string | null;
      /** Complete lines in what was read that are not records (a torn line another record followed). */
      unreadable: number;
    }
  | {
      kept: false;
      /** Why there is none: this service deletes nothing (read-only), so it keeps no log. */
      why: string;
    };
