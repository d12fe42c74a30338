/**
 * Reading the audit log back: its newest records, from its last bytes only, so a log
 * years long costs what a short one does. Lines that are not records (a torn write that
 * another record followed) are counted, not fatal; an incomplete last line is reported.
 */
import { fstatSync, readSync } from 'node:fs';
import { z } from 'zod';
import type { AuditRecord } from '../../protocol/audit';
import type { TornLine } from './audit-log';

/** How much of the log's end is read: a line is a few hundred bytes, so thousands of records. */
export const AUDIT_TAIL_BYTES = 1024 * 1024;

/** A line as AuditLog.write writes it; `uid` and `pid` are absent from lines written before they were recorded. */
const auditLine = z.object({
  time: z.string().refine((text) => !Number.isNaN(Date.parse(text))),
  interface: z.string(),
  uid: z.number().int().optional(),
  pid: z.number().int().optional(),
  dir: z.string(),
  name: z.string(),
  dev: z.number(),
  inode: z.number(),
  reason: z.string(),
  bytes: z.number(),
  outcome: z.string(),
  message: z.string().nullable(),
});

export interface AuditTail {
  /** Newest first, at most `limit`. */
  records: AuditRecord[];
  /** Older records exist that were not returned: the log is longer than what was read, or than `limit`. */
  more: boolean;
  /** The incomplete last line, or null. */
  torn: TornLine | null;
  /** Complete lines read that are not records. */
  unreadable: number;
}

const NEWLINE = 0x0a;

function recordOf(line: string): AuditRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = auditLine.safeParse(value);
  if (!parsed.success) return null;
  const { time, interface: via, uid, pid, ...rest } = parsed.data;
  return { time: Date.parse(time), via, uid: uid ?? null, pid: pid ?? null, ...rest };
}

/** Reads `length` bytes at `position` of `fd` (fewer if the file is shorter now). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return buffer.subarray(0, done);
}

/** The newest `limit` records of the log open on `fd`, from its last `maxBytes` bytes. */
export function readAuditTail(fd: number, limit: number, maxBytes: number = AUDIT_TAIL_BYTES): AuditTail {
  const size = fstatSync(fd).size;
  const start = Math.max(0, size - maxBytes);
  // One byte before the window too: whether the window starts a line.
  const from = Math.max(0, start - 1);
  let bytes = readAt(fd, from, size - from);
  let offset = from;
  if (start > 0) {
    // The window's first line is whole only if a newline precedes it: else it is a cut line, dropped.
    const newline = bytes.indexOf(NEWLINE);
    const cut = newline < 0 ? bytes.length : newline + 1;
    bytes = bytes.subarray(cut);
    offset += cut;
  }
  const last = bytes.lastIndexOf(NEWLINE);
  const torn = last + 1 < bytes.length ? { offset: offset + last + 1, bytes: bytes.length - last - 1 } : null;
  const lines = bytes
    .subarray(0, last + 1)
    .toString('utf8')
    .split('\n');
  lines.pop(); // the empty string after the last newline
  const records: AuditRecord[] = [];
  let unreadable = 0;
  let more = start > 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const record = recordOf(lines[i] ?? '');
    if (record === null) {
      unreadable += 1;
    } else if (records.length < limit) {
      records.push(record);
    } else {
      more = true;
    }
  }
  return { records, more, torn, unreadable };
}
