/**
 * The process view: every process that creates, maps or holds what the live state lists
 * (a segment, a memfd pool, a deleted-but-mapped segment), with what it holds. Items are
 * named by their ids in the live state (`InspectorItem.id`), so a UI can link both ways.
 */
import type { Access } from './scan-result';

/** One item a process maps or holds an fd to. */
export interface ProcessHold {
  /** The item's id in the live state. */
  id: string;
  access: Access;
  /** Bytes of the item (its size; 0 when unknown). */
  bytes: number;
}

/** What a PulseAudio server says of the client with this PID (`pactl list clients`). */
export interface PulseClient {
  /** `application.name`, e.g. "Firefox". */
  name: string | null;
  /** `application.process.binary`, e.g. "firefox-esr". */
  binary: string | null;
}

export interface ProcessSummary {
  pid: number;
  /** The program name from /proc/<pid>/stat. */
  comm: string;
  /** The command line, arguments joined by spaces, or null when it could not be read (or is empty: a kernel thread, a zombie). */
  cmdline: string | null;
  uid: number | null;
  /** The user's name (/etc/passwd), or null when the uid has none or is unknown. */
  user: string | null;
  /** What it maps or holds, in item id order. */
  holds: ProcessHold[];
  /** Sum of `holds` bytes. */
  bytes: number;
  /** How many holds are read-write and read-only. */
  rw: number;
  ro: number;
  /** Segments whose marker names this process as the one that made them (ids, in id order). */
  created: string[];
  /** Of `created`: judged `live`, and judged stale (its creator is a zombie: `stale-zombie`). */
  createdAlive: number;
  createdStale: number;
  /** Whether it holds or created a PulseAudio segment or memfd pool. */
  pulse: boolean;
  /** The PulseAudio server's name for it, or null when no server lists it (or none was asked). */
  client: PulseClient | null;
}

/** Whether PulseAudio client names could be had: `null` when no process holds a PulseAudio pool (nothing was asked). */
export type PulseNames = { available: true } | { available: false; reason: string } | null;

export interface ProcessView {
  /** In PID order. */
  processes: ProcessSummary[];
  pulseNames: PulseNames;
}
