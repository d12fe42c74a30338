/**
 * Watches the shm directory with inotify (fs.watch) and calls back once per burst of
 * events, so a segment created or removed shows within a scan of it happening.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { systemErrorCode } from '../discovery/proc-file';
import { fsPath } from '../fs-path';

/** Events within this many ms make one callback: PulseAudio creates, truncates and writes a segment in a row. */
export const DEBOUNCE_MS = 30;

export class DirWatcher {
  private watcher: FSWatcher | null = null;
  /** The inode watched: a directory removed and made again needs a new watch. */
  private inode: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {}

  /**
   * Watches the directory if it is not watched yet or was replaced; cheap when nothing
   * changed (one stat). Returns why it cannot be watched, or null.
   */
  ensure(): string | null {
    let inode: number;
    try {
      inode = statSync(fsPath(this.dir)).ino;
    } catch (error) {
      this.stop();
      return systemErrorCode(error) ?? String(error);
    }
    if (this.watcher && this.inode === inode) return null;
    this.stop();
    try {
      const watcher = watch(fsPath(this.dir), { persistent: false }, () => this.schedule());
      // The directory went away or inotify failed: the next scan reports it and watches again.
      watcher.on('error', () => {
        this.stop();
        this.schedule();
      });
      this.watcher = watcher;
      this.inode = inode;
      return null;
    } catch (error) {
      // ENOSPC here is the inotify watch limit, not a full disk.
      return systemErrorCode(error) ?? String(error);
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    this.inode = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, this.debounceMs);
    this.timer.unref();
  }
}
