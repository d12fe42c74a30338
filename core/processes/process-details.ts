/**
 * What the process view reads of a process besides the scan: its command line, and the
 * name of its user. Read only for the PIDs in the view, once per process (PID and start
 * time, so a reused PID is read again); a failed read leaves the field null.
 */
import { readFileSync } from 'node:fs';

/** The command line of /proc/<pid>/cmdline, arguments joined by spaces; null when unreadable or empty. */
export function readCmdline(pid: number, proc = '/proc'): string | null {
  try {
    const raw = readFileSync(`${proc}/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0');
    if (args[args.length - 1] === '') args.pop();
    const line = args.join(' ');
    return line === '' ? null : line;
  } catch {
    return null;
  }
}

/** uid -> name from /etc/passwd text (name:password:uid:...); the first entry of a uid wins, as getpwuid's. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (!name || uid === undefined || !/^\d+$/.test(uid)) continue;
    const id = Number(uid);
    if (!names.has(id)) names.set(id, name);
  }
  return names;
}

/** A uid unknown to /etc/passwd is looked up again no sooner than this (a user added since). */
const PASSWD_RETRY_MS = 60_000;

/** User names from /etc/passwd (os.userInfo knows only this process's own user). */
export class UserNames {
  private names = new Map<number, string>();
  private readAt = -Infinity;

  constructor(
    private readonly file = '/etc/passwd',
    private readonly now: () => number = Date.now,
  ) {}

  name(uid: number): string | null {
    const known = this.names.get(uid);
    if (known !== undefined) return known;
    if (this.now() - this.readAt >= PASSWD_RETRY_MS) {
      this.readAt = this.now();
      try {
        this.names = parsePasswd(readFileSync(this.file, 'utf8'));
      } catch {
        // No passwd to read: uids stay without names.
      }
    }
    return this.names.get(uid) ?? null;
  }
}

/** Command lines by PID, kept while the same process (same start time) is in the view. */
export class CmdlineCache {
  private readonly byPid = new Map<number, { startTime: number | null; cmdline: string | null }>();

  constructor(private readonly proc = '/proc') {}

  cmdline(pid: number, startTime: number | null): string | null {
    const cached = this.byPid.get(pid);
    if (cached && cached.startTime === startTime && startTime !== null) return cached.cmdline;
    const cmdline = readCmdline(pid, this.proc);
    this.byPid.set(pid, { startTime, cmdline });
    return cmdline;
  }

  /** Forgets the processes no longer in the view. */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.byPid.keys()) if (!pids.has(pid)) this.byPid.delete(pid);
  }
}
