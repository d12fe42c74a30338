/**
 * What the live engine waits on, off the event loop: the shm directory's inotify events
 * (with the names they carry) and a pidfd per process whose exit changes a verdict. One
 * wait at a time runs on a libuv worker thread (native waitReadable); an eventfd wakes it
 * when the set of pidfds changes or the watch closes.
 */
import {
  closeFd,
  eventfdDrain,
  eventfdOpen,
  eventfdSignal,
  inotifyDrain,
  inotifyWatchDir,
  NativeError,
  pidfdOpen,
  waitReadable,
} from '../../native';

export interface LiveWatchHandlers {
  /** Entries named by inotify events, each once per batch. */
  names(names: string[]): void;
  /** Events were lost (IN_Q_OVERFLOW) or the directory itself changed: only a full scan knows. */
  full(): void;
  /** These processes may have exited (a pidfd said so, or one could not be opened for a PID read earlier). */
  exited(pids: number[]): void;
  /** The wait failed: the caller falls back to periodic scans. */
  failed(problem: string): void;
}

/**
 * The watches not closed yet. Node joins its worker threads on the way out of
 * process.exit, and one of them is blocked in this watch's wait: a host that exits
 * without closing its service (Electron's app.exit) would hang there. At exit every open
 * watch is closed, which wakes its wait.
 */
const openWatches = new Set<LiveWatch>();
let exitHookAdded = false;

function wakeAtExit(watch: LiveWatch): void {
  openWatches.add(watch);
  if (exitHookAdded) return;
  exitHookAdded = true;
  process.on('exit', () => {
    for (const open of [...openWatches]) open.close();
  });
}

/**
 * At most this many pidfds at once: each is an fd, and a host near its fd limit must keep
 * fds for its clients and its own reads. Past it, exits show at the next /proc sweep.
 */
export const MAX_PIDFDS = 512;

interface Watched {
  fd: number;
  startTicks: number;
}

export class LiveWatch {
  private inotify: number | null = null;
  private readonly wake: number;
  private readonly pidfds = new Map<number, Watched>();
  /** fds to close once the wait that may poll them has returned (an fd closed under poll could be reused). */
  private retired: number[] = [];
  private closed = false;
  private started = false;
  /** Why pidfds are not used (ENOSYS: an old kernel, EMFILE: out of fds), or null. */
  pidfdProblem: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly on: LiveWatchHandlers,
  ) {
    this.wake = eventfdOpen();
    wakeAtExit(this);
  }

  /** Watches the directory (again). Returns why it cannot be watched, or null. */
  watchDir(): string | null {
    if (this.inotify !== null) this.retired.push(this.inotify);
    this.inotify = null;
    try {
      this.inotify = inotifyWatchDir(this.dir);
    } catch (error) {
      // ENOSPC here is the inotify watch limit, not a full disk.
      return error instanceof NativeError ? error.code : String(error);
    }
    this.poke();
    return null;
  }

  get watching(): boolean {
    return this.inotify !== null;
  }

  /** Starts the wait loop; it runs until close. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.loop();
  }

  /**
   * Makes the pidfds match `wanted` (PID -> start ticks). A PID whose pidfd cannot be
   * opened because it is gone or reused is reported to `exited`, which reads it again;
   * one that cannot be opened for want of fds is left to the /proc sweep.
   */
  track(wanted: ReadonlyMap<number, number>): void {
    let changed = false;
    for (const [pid, watched] of this.pidfds) {
      if (wanted.get(pid) === watched.startTicks) continue;
      this.pidfds.delete(pid);
      this.retired.push(watched.fd);
      changed = true;
    }
    if (this.pidfdProblem === 'ENOSYS') return;
    const gone: number[] = [];
    for (const [pid, startTicks] of wanted) {
      if (this.pidfds.has(pid)) continue;
      if (this.pidfds.size >= MAX_PIDFDS) {
        this.pidfdProblem = `more than ${MAX_PIDFDS} processes to watch`;
        break;
      }
      try {
        this.pidfds.set(pid, { fd: pidfdOpen(pid, startTicks), startTicks });
        changed = true;
      } catch (error) {
        const code = error instanceof NativeError ? error.code : 'EIO';
        // Gone or reused since it was read: only a fresh read can say which, never this error.
        if (code === 'ESRCH') gone.push(pid);
        else this.pidfdProblem = code;
        if (code === 'ENOSYS' || code === 'EMFILE' || code === 'ENFILE') break;
      }
    }
    if (changed) this.poke();
    // Never from inside the caller's own update: the exit is judged after it.
    if (gone.length > 0) queueMicrotask(() => this.on.exited(gone));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openWatches.delete(this);
    this.poke();
    // Without a running loop, nothing else closes the fds.
    if (!this.started) this.closeAll();
  }

  private poke(): void {
    try {
      eventfdSignal(this.wake);
    } catch {
      // The eventfd counter is full: the wait is being woken anyway.
    }
  }

  private async loop(): Promise<void> {
    try {
      while (!this.closed) {
        const byFd = new Map<number, number>();
        for (const [pid, watched] of this.pidfds) byFd.set(watched.fd, pid);
        const fds = [this.wake, ...(this.inotify === null ? [] : [this.inotify]), ...byFd.keys()];
        const readable = await waitReadable(fds, -1);
        for (const fd of this.retired.splice(0)) closeFd(fd);
        if (this.closed) break;
        this.handle(readable, byFd);
      }
    } catch (error) {
      if (!this.closed) this.on.failed(error instanceof Error ? error.message : String(error));
    } finally {
      this.closeAll();
    }
  }

  private closeAll(): void {
    for (const fd of this.retired.splice(0)) closeFd(fd);
    for (const watched of this.pidfds.values()) closeFd(watched.fd);
    this.pidfds.clear();
    if (this.inotify !== null) closeFd(this.inotify);
    this.inotify = null;
    closeFd(this.wake);
  }

  private handle(readable: number[], byFd: Map<number, number>): void {
    const exited: number[] = [];
    for (const fd of readable) {
      if (fd === this.wake) {
        eventfdDrain(this.wake);
      } else if (fd === this.inotify) {
        const batch = inotifyDrain(fd);
        if (batch.overflow || batch.dirChanged) {
          if (batch.dirChanged) {
            this.retired.push(fd);
            this.inotify = null;
          }
          this.on.full();
        } else if (batch.names.length > 0) {
          this.on.names(batch.names);
        }
      } else {
        const pid = byFd.get(fd);
        if (pid === undefined) continue;
        // A pidfd stays readable once its process has exited: stop polling it.
        this.pidfds.delete(pid);
        this.retired.push(fd);
        exited.push(pid);
      }
    }
    if (exited.length > 0) this.on.exited(exited);
  }
}
