/**
 * Deletion with its record: the one place where "nothing is deleted without a line in the
 * audit log" is kept. Every interface (the CLI, the browser host, Electron) deletes through
 * these functions and says only which interface it is.
 */
import type { CleanupPlan, CleanupResult } from '../../protocol/cleanup';
import { executeCleanup } from '../cleanup-execute';
import type { Lab } from '../lab/lab';
import { AuditLog, AuditLogError, defaultAuditLogPath } from './audit-log';
import { deletionEntry, labDeletionEntry, type Interface } from './deletion-entry';

/**
 * Opens the audit log (by default the user's, defaultAuditLogPath) before anything can be
 * deleted; throws an AuditLogError when it cannot be. A torn last line (a write that failed
 * earlier) is told to `warn`: it stops nothing.
 */
export function openAuditLog(warn: (message: string) => void, file: string = defaultAuditLogPath()): AuditLog {
  const log = AuditLog.open(file);
  const torn = log.tornLineReport();
  if (torn !== null) warn(torn);
  return log;
}

/**
 * Carries out a plan (executeCleanup), recording every attempted removal as soon as it is
 * decided. A record that cannot be written throws, and nothing more is removed.
 */
export function executeAudited(
  plan: CleanupPlan,
  auditLog: AuditLog,
  via: Interface,
  now: () => number = Date.now,
): CleanupResult {
  return executeCleanup(plan, (item, failure) => auditLog.write(deletionEntry(plan.dir, item, failure, via, now())));
}

/** The error for a deletion asked of an interface that keeps no audit log. */
export function unrecordedDeletion(what: string): AuditLogError {
  return new AuditLogError('ENOLOG', `${what} would delete without a record: this interface keeps no audit log`);
}

/**
 * Stops a lab, recording each file it removes. Without an audit log it refuses (before
 * stopping anything) when stopping would remove a file: keep the files, or open a log.
 */
export function stopLabAudited(
  lab: Lab,
  options: { keep?: boolean },
  auditLog: AuditLog | null,
  via: Interface,
  now: () => number = Date.now,
): void {
  const keep = options.keep ?? false;
  if (auditLog === null) {
    if (lab.removesFiles(keep)) throw unrecordedDeletion(`stopping the lab in ${lab.dir}`);
    lab.stop({ keep });
    return;
  }
  lab.stop({ keep }, (removal) => auditLog.write(labDeletionEntry(lab.dir, removal, via, now())));
}
