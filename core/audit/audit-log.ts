/**
 * The audit log: one JSON line per attempted deletion, appended to a file in the user's
 * data directory, so that what any interface removed can be answered afterwards.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditLogView } from '../../protocol/audit';
import { visibleJson } from '../../protocol/visible-text';
import { readAuditTail } from './audit-tail';
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

/** An incomplete last line: where it starts, and how many bytes it has. */
export interface TornLine {
  offset: number;
  bytes: number;
}

const NEWLINE = 0x0a;

/** What to tell the user about the log's incomplete last line. */
function tornLineMessage(file: string, { offset, bytes }: TornLine): string {
  return (
    `the audit log ${file} ends with an incomplete line (${bytes} bytes at byte ${offset}, ` +
    'from a write that failed); it is kept as it is, and the next record starts on a new line'
  );
}

/** The log's incomplete last line, if it has one: a write before this one stopped short. */
function tornLineOf(fd: number): TornLine | null {
  const { size } = fstatSync(fd);
  if (size === 0) return null;
  // Lines are short; reading back from the end a page at a time finds the last newline.
  const page = Buffer.alloc(4096);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - page.length);
    const read = readSync(fd, page, 0, end - start, start);
    const newline = page.subarray(0, read).lastIndexOf(NEWLINE);
    if (newline >= 0) {
      const offset = start + newline + 1;
      return offset === size ? null : { offset, bytes: size - offset };
    }
    end = start;
  }
  return { offset: 0, bytes: size };
}

/** Whether the file's last byte is a newline (or it is empty): a record written now starts a line. */
function endsWithNewline(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === NEWLINE;
}

export class AuditLog {
  private constructor(
    readonly file: string,
    private fd: number | null,
    /** The incomplete last line the log had when it was opened (a write that failed), or null. */
    readonly tornLine: TornLine | null,
  ) {}

  /**
   * Opens (creating it, readable by the user only) the log for appending. Opened before
   * anything is deleted, so that a log that cannot be written stops the deletion rather
   * than going unrecorded. An incomplete last line is kept as evidence and reported by
   * `tornLineReport`; no record is ever appended to it.
   */
  static open(file: string): AuditLog {
    let fd: number | null = null;
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Read as well as append: the last line is checked before each record.
      fd = openSync(file, 'a+', 0o600);
      return new AuditLog(file, fd, tornLineOf(fd));
    } catch (error) {
      if (fd !== null) closeSync(fd);
      const { code = 'EIO', message } = error as NodeJS.ErrnoException;
      // mkdir says EEXIST when a part of the path is a file: say what is wrong instead.
      const [why, reason] =
        code === 'EEXIST' ? ['ENOTDIR', `${path.dirname(file)} is not a directory`] : [code, message];
      throw new AuditLogError(why, `cannot write the audit log ${file} (${reason}), so nothing is deleted`);
    }
  }

  /** What to tell the user about a torn last line found at open, or null when there was none. */
  tornLineReport(): string | null {
    return this.tornLine === null ? null : tornLineMessage(this.file, this.tornLine);
  }

  /**
   * The newest `limit` records, read from the log's last bytes (readAuditTail): what any
   * interface, this process or another, has recorded so far.
   */
  tail(limit: number): AuditLogView {
    if (this.fd === null) throw new Error(`the audit log ${this.file} is closed`);
    const { records, more, torn, unreadable } = readAuditTail(this.fd, limit);
    return { kept: true, file: this.file, records, more, torn: torn && tornLineMessage(this.file, torn), unreadable };
  }

  /**
   * Appends one line. One write on an O_APPEND file: lines from several processes do not
   * interleave. A record never continues an incomplete line (this process's or another's
   * failed write): it then starts with a newline. A failed or short write (a full disk)
   * throws an AuditLogError that says what was done but not recorded: the caller stops
   * deleting. A short write is not completed by a second write, which another process's
   * line could precede; the next record starts a new line instead.
   */
  write(entry: DeletionEntry): void {
    if (this.fd === null) throw new Error(`the audit log ${this.file} is closed`);
    const { time, ...rest } = entry;
    const done = entry.outcome === 'removed' ? 'was removed' : `was not removed (${entry.outcome})`;
    const fail = (code: string, why: string) =>
      new AuditLogError(
        code,
        `${entry.name} ${done}, but the audit log ${this.file} could not record it (${why}); nothing more is deleted`,
      );
    let line: Buffer;
    let written: number;
    try {
      // visibleJson: a name's U+202E or C1 control is an escape in the line, for whoever cats the log.
      const text = `${visibleJson(JSON.stringify({ time: new Date(time).toISOString(), ...rest }))}
`;
      line = Buffer.from(
        endsWithNewline(this.fd)
          ? text
          : `
${text}`,
        'utf8',
      );
      written = writeSync(this.fd, line);
    } catch (error) {
      const { code = 'EIO', message } = error as NodeJS.ErrnoException;
      throw fail(code, message);
    }
    if (written < line.length) {
      throw fail('EIO', `only ${written} of ${line.length} bytes were written: is the disk full?`);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
