/**
 * The audit log: one JSON line per attempted deletion, appended to a file in the user's
 * data directory, so that what any interface removed can be answered afterwards.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeletionEntry } from './deletion-entry';

const LOG_FILE = 'audit.jsonl';

/** $XDG_DATA_HOME/shm-inspector/audit.jsonl, or ~/.local/share/shm-inspector/audit.jsonl (XDG Base Directory). */
export function defaultAuditLogPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const dataHome =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(dataHome, 'shm-inspector', LOG_FILE);
}

/** The audit log in a directory of the app's own (Electron's userData). */
export function auditLogPathIn(dataDir: string): string {
  return path.join(dataDir, LOG_FILE);
}

/** The log cannot be opened: deleting would go unrecorded. `.code` is the errno name. */
export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class AuditLog {
  private constructor(
    readonly file: string,
    private fd: number | null,
  ) {}

  /**
   * Opens (creating it, readable by the user only) the log for appending. Opened before
   * anything is deleted, so that a log that cannot be written stops the deletion rather
   * than going unrecorded.
   */
  static open(file: string): AuditLog {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      return new AuditLog(file, openSync(file, 'a', 0o600));
    } catch (error) {
      const { code = 'EIO', message } = error as NodeJS.ErrnoException;
      throw new AuditLogError(code, `cannot write the audit log ${file} (${message}), so nothing is deleted`);
    }
  }

  /** Appends one line. One write on an O_APPEND file: lines from several processes do not interleave. */
  write(entry: DeletionEntry): void {
    if (this.fd === null) throw new Error(`the audit log ${this.file} is closed`);
    const { time, ...rest } = entry;
    writeSync(this.fd, `${JSON.stringify({ time: new Date(time).toISOString(), ...rest })}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
