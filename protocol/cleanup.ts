import type { SegmentState } from './scan-result';

/** Which segments beyond plain `stale` ones a cleanup may remove. */
export interface CleanupOptions {
  /** Also remove segments whose owner is a zombie. */
  includeZombie: boolean;
  /** Also remove segments whose owner PID now belongs to a newer process. */
  includeReused: boolean;
  /** Names the user explicitly asked to remove although they are not stale. */
  force: string[];
}

export interface PlannedRemoval {
  name: string;
  /** The file's identity when planned: dev, inode and birth time (null where none is recorded). */
  dev: number;
  inode: number;
  birthTime: number | null;
  state: SegmentState;
  /** Bytes freed (allocated by tmpfs). */
  bytes: number;
  size: number;
  reason: string;
}

export interface KeptSegment {
  name: string;
  state: SegmentState;
  /** Why it stays, with the command line's advice where it could still go (--force, --include). */
  reason: string;
  /** Why it stays, without that advice: what the UI shows beside its own way to act. */
  cause: string;
  /** Whether naming it with force would remove it (never for a live segment or an entry that is not a regular file). */
  forceable: boolean;
}

export interface CleanupFailure {
  name: string;
  /** An errno name (ENOENT, EACCES...) or CHANGED when the segment is no longer what the plan saw. */
  code: string;
  message: string;
}

export interface CleanupPlan {
  dir: string;
  /** The options the plan was made with; execution re-judges with the same ones. */
  options: CleanupOptions;
  remove: PlannedRemoval[];
  keep: KeptSegment[];
  /** Forced names that the plan cannot act on (not in the directory). */
  failed: CleanupFailure[];
}

export interface CleanupResult {
  dryRun: boolean;
  removed: { name: string; bytes: number; size: number; reason: string }[];
  kept: KeptSegment[];
  failed: CleanupFailure[];
  bytesFreed: number;
}
