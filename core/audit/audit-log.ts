/**
 * The audit log: one JSON line per attempted deletion, appended to a file in the user's
 * data directory, so that what any interface removed can be answered afterwards.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { visibleJson } from '../../protocol/visible-text';
import type { DeletionEntry } from './deletion-entry';

const LOG_FILE = 'audit.jsonl';

/** $XDG_DATA_HOME/shm-inspector/audit.jsonl, or ~/.local/share/shm-inspector/audit.jsonl (XDG Base Directory). */
export function defaultAuditLogPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const dataHome =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(dataHome, 'shm-inspector', LOG_FILE);
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
      // mkdir says EEXIST when a part of the path is a file: say what is wrong instead.
      const [why, reason] =
        code === 'EEXIST' ? ['ENOTDIR', `${path.dirname(file)} is not a directory`] : [code, message];
      throw new AuditLogError(why, `cannot write the audit log ${file} (${reason}), so nothing is deleted`);
    }
  }

  /**
   * Appends one line. One write on an O_APPEND file: lines from several processes do not
   * interleave. A failed write (a full disk) throws an AuditLogError that says what was
   * done but not recorded: the caller stops deleting.
   */
  write(entry: DeletionEntry): void {
    if (this.fd === null) throw new Error(`the audit log ${this.file} is closed`);
    const { time, ...rest } = entry;
    try {
      // visibleJson: a name's U+202E or C1 control is an escape in the line, for whoever cats the log.
      writeSync(this.fd, `${visibleJson(JSON.stringify({ time: new Date(time).toISOString(), ...rest }))}\n`);
    } catch (error) {
      const { code = 'EIO', message } = error as NodeJS.ErrnoException;
      const done = entry.outcome === 'removed' ? 'was removed' : `was not removed (${entry.outcome})`;
      throw new AuditLogError(
        code,
        `${entry.name} ${done}, but the audit log ${this.file} could not record it (${message}); nothing more is deleted`,
      );
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
