/**
 * The live state of one shm directory, kept up to date piece by piece: an entry named by
 * an event is read again alone, a new process table rejudges only the segments whose
 * owner or holders changed, and an exit re-reads only that process. What it holds always
 * equals what a full scan made at the same moment would say (live-scan.property.test.ts).
 */
import {
  type EntryColumns,
  NativeError,
  readProcessTableAsync,
  readProcesses,
  scanDirectoryWithProcesses,
  scanDirectoryWithProcessesAsync,
  scanEntryColumns,
  type RawProcessTable,
} from '../../native';
import type { DeletedSegment, Finding, MemfdPool } from '../../protocol/memory';
import type { Capacity, OwnerProcess, ScanResult, Segment } from '../../protocol/scan-result';
import { capacityFindings } from '../discovery/capacity-findings';
import { discoverDeletedSegments } from '../discovery/deleted-segments';
import { exposureFindings } from '../discovery/exposure-findings';
import { discoverMemfds } from '../discovery/memfd-pools';
import { markerOf } from '../marker';
import { inInitialPidNamespace } from '../pid-namespace';
import {
  heldFileOf,
  indexProcesses,
  isExited,
  NO_HOLDERS,
  sameHolders,
  sameProcessTable,
  type ProcessIndex,
} from '../process-index';
import { decodeSegmentPool, mayBePool, readCapacity, toSegment } from '../scan-shm';
import { forEachInSlices } from '../event-loop-slices';
import { sameSegment } from './item-diff';

type FullScan = Awaited<ReturnType<typeof scanDirectoryWithProcessesAsync>>;

/** A full scan judged into a state of its own, and the names whose segment shows differently than before. */
interface Staged {
  state: LiveScan;
  changed: string[];
}

/** One directory entry as last read, and its judgement. */
interface Row {
  columns: EntryColumns;
  i: number;
  segment: Segment;
  /** The marker's PID when the marker is valid: the owner this row is filed under. */
  owner: number | null;
}

/** What changed since the last `takeChanges`: segment names, whether memfds and deleted segments may have, and the capacity. */
export interface LiveChanges {
  /**
   * Names whose segment may show differently. An off-loop full scan leaves out those it
   * judged to show the same as before (item-diff's `sameSegment`, compared in its slices),
   * so that telling what it changed costs O(changes), not O(segments), on the event loop.
   */
  names: Set<string>;
  memory: boolean;
  capacity: boolean;
}

function sameCapacity(a: Capacity, b: Capacity): boolean {
  return a.free === b.free && a.used === b.used && a.total === b.total;
}

/** A process's facts that a verdict reads: a change of any of them rejudges its segments. */
function ownerPrint(index: ProcessIndex, pid: number): string {
  const info = index.byPid.get(pid);
  if (info) return `${isExited(info.state) ? 'exited' : 'alive'}/${info.comm}/${info.startTime}`;
  const unreadable = index.unreadable.get(pid);
  return unreadable ? `unreadable/${unreadable.code}` : 'none';
}

/**
 * A sweep's table (shared mappings only) with each process's private mappings carried
 * from `previous`, where it is the same process (PID and start) and its maps were read.
 */
function withPrivateMappings(table: RawProcessTable, previous: RawProcessTable): RawProcessTable {
  const before = new Map(previous.processes.map((process) => [process.pid, process]));
  const processes = table.processes.map((process) => {
    const old = before.get(process.pid);
    if (!old || old.startTicks !== process.startTicks || process.mapsError !== null) return process;
    const carried = old.mappings.filter((mapping) => mapping.perms[3] === 'p');
    if (carried.length === 0) return process;
    return { ...process, mappings: [...process.mappings, ...carried].sort((a, b) => a.start - b.start) };
  });
  return { ...table, processes };
}

/** Whether two reads of an entry give the same facts to judge it by (stat, allocation, marker bytes, read error). */
function sameEntry(a: EntryColumns, ai: number, b: EntryColumns, bi: number): boolean {
  return (
    a.type(ai) === b.type(bi) &&
    a.dev(ai) === b.dev(bi) &&
    a.inode(ai) === b.inode(bi) &&
    a.size(ai) === b.size(bi) &&
    a.allocatedBytes(ai) === b.allocatedBytes(bi) &&
    a.mode(ai) === b.mode(bi) &&
    a.uid(ai) === b.uid(bi) &&
    a.gid(ai) === b.gid(bi) &&
    a.birthTimeMs(ai) === b.birthTimeMs(bi) &&
    a.mtimeMs(ai) === b.mtimeMs(bi) &&
    a.tailHex(ai) === b.tailHex(bi) &&
    a.error(ai)?.code === b.error(bi)?.code &&
    a.error(ai)?.syscall === b.error(bi)?.syscall
  );
}

function sameUninspected(a: ProcessIndex['uninspected'], b: ProcessIndex['uninspected']): boolean {
  return (
    a.total === b.total &&
    a.perSegment === b.perSegment &&
    a.rootOrUnknown === b.rootOrUnknown &&
    a.hidepid === b.hidepid &&
    JSON.stringify([...a.byUid]) === JSON.stringify([...b.byUid])
  );
}

export class LiveScan {
  readonly dir: string;
  private dev = 0;
  /** Empty until the first full scan; its boot time of 0 is none (indexProcesses fixes none from it). */
  private table: RawProcessTable = { bootTimeMs: 0, ticksPerSecond: 100, processes: [], unreadable: [], hidepid: null };
  /** Empty until the first full scan (not indexProcesses: its first table fixes the boot time for good). */
  private index: ProcessIndex = {
    byPid: new Map(),
    raw: new Map(),
    files: new Map(),
    unreadable: new Map(),
    uninspected: { total: 0, perSegment: false, rootOrUnknown: 0, byUid: new Map(), hidepid: null },
  };
  private rows = new Map<string, Row>();
  /** Names by inode: hard links give one file several names. */
  private byInode = new Map<number, Set<string>>();
  private byOwner = new Map<number, Set<string>>();
  private memfds: MemfdPool[] = [];
  private deleted: DeletedSegment[] = [];
  private capacity: Capacity = { total: 0, used: 0, free: 0 };
  private readonly initialPidNamespace = inInitialPidNamespace();
  /** Each segment's own findings (only those that have some), kept as it is judged. */
  private exposureOf = new Map<string, Finding[]>();
  private capacityOf = new Map<string, Finding[]>();
  /** Findings of the memfds, found again when their holders change. */
  private memfdFindings: Finding[] = [];
  /** The most bytes any file leaves untouched (an upper bound): below it, a change of free space changes no finding. */
  private maxUntouched = 0;
  /** Segments whose holders may be incomplete, and those whose pool has srbchannels: what a header and the sampler read. */
  private incomplete = new Set<string>();
  private channels = new Set<string>();
  /** Segments that decode as pools: what the history counts, O(pools) and not O(segments) at each point. */
  private pools = new Set<string>();
  private changes: LiveChanges = { names: new Set(), memory: true, capacity: true };
  /** PIDs read fresh since the running sweep began: its older table must not undo them. */
  private readSinceSweep: Set<number> | null = null;
  /** What events read while an off-thread full scan ran (null when none runs), and which scan is current. */
  private readDuringFull: { names: Set<string>; pids: Set<number> } | null = null;
  private fullGeneration = 0;
  /** The sweep whose table is awaited; a full scan since then makes that table old. */
  private sweepId = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The process index the segments were last judged against. */
  processes(): ProcessIndex {
    return this.index;
  }

  /** Replaces everything with a full scan of the directory and of /proc. Throws when the directory cannot be scanned. */
  loadFull(): void {
    this.applyFull(scanDirectoryWithProcesses(this.dir));
  }

  /**
   * loadFull off the event loop: the directory and /proc are read on a worker thread, and
   * the entries are judged into a state of their own in slices of a few ms, which then
   * replaces this one at once. Until then this state keeps serving events; the entries
   * and processes they read meanwhile are newer than the scan, and are read again once
   * it is in place. A sweep begun before it is dropped (its table is older). Resolves
   * false when a synchronous full scan came meanwhile.
   */
  async loadFullAsync(): Promise<boolean> {
    const generation = ++this.fullGeneration;
    const readDuring = { names: new Set<string>(), pids: new Set<number>() };
    this.readDuringFull = readDuring;
    this.sweepId += 1;
    this.readSinceSweep = null;
    const current = (): boolean => generation === this.fullGeneration && this.readDuringFull === readDuring;
    try {
      const scan = await scanDirectoryWithProcessesAsync(this.dir);
      if (!current()) return false;
      const staged = await this.stage(scan, current);
      if (!current()) return false;
      this.readDuringFull = null;
      this.adopt(staged);
    } finally {
      if (this.readDuringFull === readDuring) this.readDuringFull = null;
    }
    const { names, pids } = readDuring;
    if (pids.size > 0) this.mergeProcesses([...pids]);
    // A name that cannot be read now (not gone: EMFILE...): a scan that starts after this one says what is known.
    if (names.size > 0 && !this.rescanNames([...names])) return this.loadFullAsync();
    return true;
  }

  /**
   * Forgets every entry and what was found from them (a host showed a failed scan, which
   * lists nothing): the next full scan then tells every name it finds, not only those
   * that changed since the entries were last read.
   */
  forgetEntries(): void {
    for (const name of [...this.rows.keys()]) this.remove(name, false);
    this.maxUntouched = 0;
    this.memfds = [];
    this.deleted = [];
    this.memfdFindings = [];
  }

  /** Abandons a running loadFullAsync: it stops at its next slice and resolves false (the service is closing). */
  abandonFull(): void {
    this.fullGeneration += 1;
    this.readDuringFull = null;
  }

  /**
   * A full scan judged into a new LiveScan, a slice at a time (giving the event loop way
   * between slices), with the names whose judged segment does not show the same as this
   * state's. Stops early (the caller checks `current`) when another full scan took over.
   */
  private async stage(scan: FullScan, current: () => boolean): Promise<Staged> {
    const state = new LiveScan(this.dir);
    // Judged against the capacity now (a statfs): the caller's refreshCapacity then finds nothing to redo.
    state.capacity = readCapacity(this.dir);
    state.dev = scan.dev;
    state.table = scan.processes;
    state.index = indexProcesses(state.table, process.pid);
    const owners = new Map<number, OwnerProcess>();
    const changed: string[] = [];
    const { entries } = scan;
    // Every process that could hold a segment inspected as before: a segment whose entry,
    // owner and holders read the same is judged the same, and keeps its judgement (at
    // 100,000 segments, judging them all again was most of a safety scan's cost).
    const sameCoverage = sameUninspected(this.index.uninspected, state.index.uninspected);
    const ownersAlike = new Map<number, boolean>();
    await forEachInSlices(
      entries.count,
      (i) => {
        const name = entries.name(i);
        state.store(entries, i);
        const previous = this.rows.get(name);
        if (
          sameCoverage &&
          previous !== undefined &&
          this.judgedAlike(previous, entries, i, state.index, ownersAlike)
        ) {
          state.keepJudged(name, previous.segment, this);
          return;
        }
        state.judge([name], owners);
        const after = state.rows.get(name)?.segment as Segment;
        if (previous === undefined || !sameSegment(previous.segment, after)) changed.push(name);
      },
      current,
    );
    state.refreshMemory();
    return { state, changed };
  }

  /**
   * Takes a staged full scan's state as this one's. The changes it tells are the names
   * gone and those whose segment does not show the same as the one it replaces. (One the
   * events changed after it was compared was read during the scan: it is read again.)
   */
  private adopt({ state, changed }: Staged): void {
    this.fullGeneration += 1;
    this.sweepId += 1;
    this.readSinceSweep = null;
    for (const name of this.rows.keys()) if (!state.rows.has(name)) this.changes.names.add(name);
    for (const name of changed) this.changes.names.add(name);
    this.dev = state.dev;
    this.table = state.table;
    this.index = state.index;
    this.rows = state.rows;
    this.byInode = state.byInode;
    this.byOwner = state.byOwner;
    this.exposureOf = state.exposureOf;
    this.capacityOf = state.capacityOf;
    this.incomplete = state.incomplete;
    this.channels = state.channels;
    this.pools = state.pools;
    this.maxUntouched = state.maxUntouched;
    const { capacity } = state;
    if (!sameCapacity(capacity, this.capacity)) this.changes.capacity = true;
    this.capacity = capacity;
    this.memfds = state.memfds;
    this.deleted = state.deleted;
    this.memfdFindings = state.memfdFindings;
    this.changes.memory = true;
  }

  private applyFull(scan: FullScan): void {
    this.fullGeneration += 1;
    this.readDuringFull = null;
    this.sweepId += 1;
    this.readSinceSweep = null;
    this.dev = scan.dev;
    for (const name of this.rows.keys()) this.changes.names.add(name);
    this.rows.clear();
    this.byInode.clear();
    this.byOwner.clear();
    for (const cache of [this.exposureOf, this.capacityOf, this.incomplete, this.channels, this.pools]) cache.clear();
    this.maxUntouched = 0;
    this.table = scan.processes;
    this.index = indexProcesses(this.table, process.pid);
    for (let i = 0; i < scan.entries.count; i++) this.store(scan.entries, i);
    this.judge([...this.rows.keys()]);
    this.refreshMemory();
  }

  /**
   * Reads the named entries again (removed ones leave), reading their owners fresh first
   * when the table may not know them yet: a segment made by a process that started after
   * the last sweep is judged by that process, never `stale`. Returns false when a name
   * could not be read for a reason other than its absence: the caller scans in full.
   */
  rescanNames(names: readonly string[]): boolean {
    for (const name of names) this.readDuringFull?.names.add(name);
    const stored: string[] = [];
    let removed = false;
    for (const name of names) {
      let columns: EntryColumns;
      try {
        columns = scanEntryColumns(this.dir, name);
      } catch (error) {
        if (error instanceof NativeError && error.code === 'ENOENT') {
          removed ||= this.rows.has(name);
          this.remove(name);
          continue;
        }
        // Those read already are judged (no placeholder is left for a patch to read); a full scan follows.
        this.judge(stored);
        return false;
      }
      // Replaced by another file: the old one may live on, unlinked but held.
      removed ||= this.rows.has(name) && this.rows.get(name)?.segment.inode !== columns.inode(0);
      this.store(columns, 0);
      stored.push(name);
    }
    const unknown = new Set<number>();
    for (const name of stored) {
      const row = this.rows.get(name) as Row;
      if (row.owner !== null && this.mayNotKnow(row.owner, row.columns.birthTimeMs(row.i))) unknown.add(row.owner);
    }
    if (unknown.size > 0) this.mergeProcesses([...unknown]);
    this.judge(stored);
    if (removed || unknown.size > 0) this.refreshMemory();
    return true;
  }

  /**
   * A sweep's read of /proc, on a worker thread, for applyTable: every process's fds and
   * shared mappings. Private mappings are not read: a browser process maps hundreds of
   * libraries privately, and walking them was most of a sweep's cost; shared memory is
   * mapped shared. What complete reads found of them (full scans, PIDs read fresh) is
   * carried while the process is the same.
   */
  readSweepTable(): Promise<RawProcessTable> {
    return readProcessTableAsync(this.filter(), { sharedMappingsOnly: true });
  }

  /**
   * A new /proc table (a sweep's, from readSweepTable): rejudges the segments whose owner or holders changed.
   * Where /proc hides other users' processes (hidepid), owners missing from its listing
   * are read by PID, as a full scan reads them. False (and nothing done) when a full scan
   * came after the sweep began.
   */
  applyTable(table: RawProcessTable, sweep: number): boolean {
    if (sweep !== this.sweepId) return false;
    table = withPrivateMappings(table, this.table);
    // PIDs read fresh while the sweep ran are newer than its table: read them again.
    const newer = [...(this.readSinceSweep ?? [])];
    this.readSinceSweep = null;
    if (newer.length > 0) {
      const asked = new Set(newer);
      const fresh = readProcesses({ dev: this.dev, dir: this.dir }, newer);
      table = {
        ...table,
        processes: [...table.processes.filter((p) => !asked.has(p.pid)), ...fresh.processes],
        unreadable: [...table.unreadable.filter((p) => !asked.has(p.pid)), ...fresh.unreadable],
      };
    }
    if (table.hidepid !== null) {
      const listed = new Set([...table.processes.map((p) => p.pid), ...table.unreadable.map((p) => p.pid)]);
      const missing = [...this.byOwner.keys()].filter((pid) => !listed.has(pid));
      if (missing.length > 0) {
        const fresh = readProcesses({ dev: this.dev, dir: this.dir }, missing);
        table = {
          ...table,
          processes: [...table.processes, ...fresh.processes],
          unreadable: [...table.unreadable, ...fresh.unreadable],
        };
      }
    }
    // A new holder may have written what no event told (PulseAudio writes its marker through
    // the mapping, after ftruncate's event): those entries are read again, not judged from the last read.
    // At rest a sweep reads what the last one read: the index stays as it is (nothing to
    // rebuild, and nothing new for the collector to age), and only held pools are read again.
    const held = sameProcessTable(table, this.table) ? this.heldPools() : this.switchTo(table);
    if (!this.rescanNames(held)) this.judge(held);
    this.refreshMemory();
    return true;
  }

  /** Marks the start of a /proc sweep; its table is taken by applyTable with the id returned. */
  beginSweep(): number {
    this.sweepId += 1;
    this.readSinceSweep = new Set();
    return this.sweepId;
  }

  /** The filter a process read needs: the directory and its device. */
  filter(): { dev: number; dir: string } {
    return { dev: this.dev, dir: this.dir };
  }

  /** These processes read again now (an exit, a PID that must be checked): rejudges what they touch. */
  refreshPids(pids: readonly number[]): void {
    if (pids.length === 0) return;
    this.mergeProcesses(pids);
    this.refreshMemory();
  }

  /** Reads the capacity again; true when it changed. */
  refreshCapacity(): boolean {
    const capacity = readCapacity(this.dir);
    const changed = !sameCapacity(capacity, this.capacity);
    // Findings change only where free space crosses some file's untouched bytes.
    const crosses = Math.min(capacity.free, this.capacity.free) < this.maxUntouched;
    this.capacity = capacity;
    if (changed) this.changes.capacity = true;
    if (changed && crosses) {
      this.capacityOf.clear();
      for (const [name, row] of this.rows) this.noteCapacity(name, row.segment);
    }
    return changed;
  }

  /** The PIDs whose exit changes a verdict or a holder list, with their start ticks (for pidfds). */
  watchedPids(): Map<number, number> {
    const pids = new Map<number, number>();
    const add = (pid: number): void => {
      const raw = this.index.raw.get(pid);
      if (raw && !isExited(raw.state)) pids.set(pid, raw.startTicks);
    };
    for (const pid of this.byOwner.keys()) add(pid);
    for (const [inode, file] of this.index.files.get(this.dev) ?? []) {
      if (this.byInode.has(inode)) for (const holder of file.holders) add(holder.pid);
    }
    return pids;
  }

  /** Owners that are zombies now: no event tells when they are reaped, so they are read again on a timer. */
  zombieOwners(): number[] {
    return [...this.byOwner.keys()].filter((pid) => {
      const state = this.index.byPid.get(pid)?.state;
      return state !== undefined && isExited(state);
    });
  }

  /** What changed since the last call. */
  takeChanges(): LiveChanges {
    const changes = this.changes;
    this.changes = { names: new Set(), memory: false, capacity: false };
    return changes;
  }

  segment(name: string): Segment | undefined {
    return this.rows.get(name)?.segment;
  }

  memory(): { memfds: MemfdPool[]; deleted: DeletedSegment[] } {
    return { memfds: this.memfds, deleted: this.deleted };
  }

  /** The state as a scan result: every segment (O(segments): for requests, not for each change). */
  result(): ScanResult {
    return this.resultWith([...this.rows.values()].map((row) => row.segment));
  }

  /** The names of the segments that decode as pools. */
  poolNames(): ReadonlySet<string> {
    return this.pools;
  }

  /**
   * The state as a scan result whose `segments` are only those a header and the sampler
   * read (one whose holders may be incomplete, those with srbchannels): O(findings), not
   * O(segments), so that one change costs the same among 100 segments or 100,000.
   */
  summary(): ScanResult {
    const names = new Set(this.channels);
    const [incomplete] = this.incomplete;
    if (incomplete !== undefined) names.add(incomplete);
    return this.resultWith([...names].flatMap((name) => this.rows.get(name)?.segment ?? []));
  }

  private resultWith(segments: Segment[]): ScanResult {
    const severity = ['high', 'medium', 'low', 'info'];
    // As exposureFindings orders them: by severity, segments before memfds.
    const exposure = [...[...this.exposureOf.values()].flat(), ...this.memfdFindings].sort(
      (a, b) => severity.indexOf(a.severity) - severity.indexOf(b.severity),
    );
    return {
      dir: this.dir,
      scannedAt: Date.now(),
      capacity: this.capacity,
      initialPidNamespace: this.initialPidNamespace,
      uninspectedProcesses: this.index.uninspected.total,
      procHidepid: this.index.uninspected.hidepid,
      segments,
      memfds: this.memfds,
      deleted: this.deleted,
      findings: [...[...this.capacityOf.values()].flat(), ...exposure],
    };
  }

  /** Whether the table may not describe `pid` as it is now: unknown, exited, or started after the segment. */
  private mayNotKnow(pid: number, birthTime: number | null): boolean {
    const info = this.index.byPid.get(pid);
    if (!info) return true;
    if (isExited(info.state)) return true;
    return birthTime !== null && info.startTime > birthTime - 1000;
  }

  /** Reads `pids` again and merges them into the table (gone ones leave it), then switches to it. */
  private mergeProcesses(pids: readonly number[]): void {
    const fresh = readProcesses({ dev: this.dev, dir: this.dir }, pids);
    const asked = new Set(pids);
    for (const pid of pids) {
      this.readSinceSweep?.add(pid);
      this.readDuringFull?.pids.add(pid);
    }
    const held = this.switchTo({
      ...this.table,
      processes: [...this.table.processes.filter((p) => !asked.has(p.pid)), ...fresh.processes],
      unreadable: [...this.table.unreadable.filter((p) => !asked.has(p.pid)), ...fresh.unreadable],
    });
    this.judge(held);
  }

  /**
   * Indexes `table` and rejudges the segments whose owner or coverage it changes. Returns
   * the names of files whose holders changed, and of held pools: the caller reads those
   * entries again or judges them (`reread`).
   */
  private switchTo(table: RawProcessTable): string[] {
    const before = this.index;
    const after = indexProcesses(table, process.pid);
    this.table = table;
    this.index = after;
    if (!sameUninspected(before.uninspected, after.uninspected)) {
      this.judge([...this.rows.keys()]);
      return [];
    }
    const owned = new Set<string>();
    for (const [pid, names] of this.byOwner) {
      if (ownerPrint(before, pid) !== ownerPrint(after, pid)) for (const name of names) owned.add(name);
    }
    const held = new Set<string>();
    const inodes = new Set<number>([
      ...(before.files.get(this.dev)?.keys() ?? []),
      ...(after.files.get(this.dev)?.keys() ?? []),
    ]);
    for (const inode of inodes) {
      const linked = this.byInode.get(inode);
      if (linked === undefined) continue;
      // Holders with their uids: a holder's user is what an exposure finding says.
      const holdersBefore = heldFileOf(before, this.dev, inode)?.holders ?? NO_HOLDERS;
      if (!sameHolders(holdersBefore, heldFileOf(after, this.dev, inode)?.holders ?? NO_HOLDERS)) {
        for (const name of linked) held.add(name);
      }
    }
    for (const name of this.heldPools()) held.add(name);
    this.judge([...owned].filter((name) => !held.has(name)));
    return [...held];
  }

  /**
   * The segments that are held pools. A held pool's slots change through its holders'
   * mappings, which no file event tells: those pools are decoded again at each sweep
   * (O(held files)); the service sends only what differs.
   */
  private heldPools(): string[] {
    const names: string[] = [];
    for (const inode of this.index.files.get(this.dev)?.keys() ?? []) {
      for (const name of this.byInode.get(inode) ?? []) if (this.rows.get(name)?.segment?.pool) names.push(name);
    }
    return names;
  }

  /** Files entry `i` of `columns` under its name, inode and owner (replacing what the name had). */
  private store(columns: EntryColumns, i: number): void {
    const name = columns.name(i);
    this.remove(name, false);
    const marker = markerOf(columns.tail(i));
    const owner = marker?.valid ? marker.pid : null;
    // The segment is judged by `judge`; a placeholder until then.
    this.rows.set(name, { columns, i, segment: undefined as unknown as Segment, owner });
    if (columns.dev(i) === this.dev) {
      let linked = this.byInode.get(columns.inode(i));
      if (!linked) this.byInode.set(columns.inode(i), (linked = new Set()));
      linked.add(name);
    }
    if (owner !== null) {
      let owned = this.byOwner.get(owner);
      if (!owned) this.byOwner.set(owner, (owned = new Set()));
      owned.add(name);
    }
    this.changes.names.add(name);
  }

  private remove(name: string, changed = true): void {
    const row = this.rows.get(name);
    if (!row) return;
    this.rows.delete(name);
    const inode = row.columns.inode(row.i);
    const linked = this.byInode.get(inode);
    linked?.delete(name);
    if (linked?.size === 0) this.byInode.delete(inode);
    if (row.owner !== null) {
      const owned = this.byOwner.get(row.owner);
      owned?.delete(name);
      if (owned?.size === 0) this.byOwner.delete(row.owner);
    }
    this.exposureOf.delete(name);
    this.capacityOf.delete(name);
    this.incomplete.delete(name);
    this.channels.delete(name);
    this.pools.delete(name);
    if (changed) this.changes.names.add(name);
  }

  /** Judges the named rows against the current index, decoding pools as a full scan does. */
  private judge(names: readonly string[], owners = new Map<number, OwnerProcess>()): void {
    const context = { initialPidNamespace: this.initialPidNamespace };
    for (const name of names) {
      const row = this.rows.get(name);
      if (!row) continue;
      const segment = toSegment(row.columns, row.i, this.index, context, owners);
      if (mayBePool(segment)) segment.pool = decodeSegmentPool(this.dir, row.columns.entry(row.i), segment, this.index);
      row.segment = segment;
      this.noteFindings(name, segment);
      this.changes.names.add(name);
    }
  }

  /**
   * Whether entry `i` of `columns`, judged against `index`, would be judged as `previous`
   * was against this state's index: the same file facts and marker, the same owner and
   * holders as processes. Pools are never taken as alike (their slots change through
   * mappings, which change no file fact).
   */
  private judgedAlike(
    previous: Row,
    columns: EntryColumns,
    i: number,
    index: ProcessIndex,
    ownersAlike: Map<number, boolean>,
  ): boolean {
    const segment = previous.segment as Segment | undefined;
    if (segment === undefined || segment.pool !== null || !sameEntry(previous.columns, previous.i, columns, i)) {
      return false;
    }
    if (previous.owner !== null) {
      // Many segments share an owner: it is compared once a scan.
      let alike = ownersAlike.get(previous.owner);
      if (alike === undefined) {
        alike = ownerPrint(this.index, previous.owner) === ownerPrint(index, previous.owner);
        ownersAlike.set(previous.owner, alike);
      }
      if (!alike) return false;
    }
    const dev = columns.dev(i);
    const inode = columns.inode(i);
    // With their uids: the exposure findings a kept judgement keeps read them.
    return sameHolders(
      heldFileOf(this.index, dev, inode)?.holders ?? NO_HOLDERS,
      heldFileOf(index, dev, inode)?.holders ?? NO_HOLDERS,
    );
  }

  /** Takes the judgement, and its findings, of `from` (the state this one replaces) for `name`: judgedAlike said they hold. */
  private keepJudged(name: string, segment: Segment, from: LiveScan): void {
    const row = this.rows.get(name);
    if (!row) return;
    row.segment = segment;
    this.noteFindings(name, segment, from);
  }

  /** Keeps what the header and the sampler need of one judged segment (taking the findings of `kept`, when given). */
  private noteFindings(name: string, segment: Segment, kept?: LiveScan): void {
    const exposure = kept ? kept.exposureOf.get(name) : exposureFindings([segment], [], this.index);
    if (exposure !== undefined && exposure.length > 0) this.exposureOf.set(name, exposure);
    else this.exposureOf.delete(name);
    this.noteCapacity(name, segment, kept);
    if (segment.holdersIncomplete !== null) this.incomplete.add(name);
    else this.incomplete.delete(name);
    if ((segment.pool?.pool?.srbchannels.length ?? 0) > 0) this.channels.add(name);
    else this.channels.delete(name);
    if (segment.pool?.pool) this.pools.add(name);
    else this.pools.delete(name);
  }

  private noteCapacity(name: string, segment: Segment, kept?: LiveScan): void {
    if (segment.kind === 'file') this.maxUntouched = Math.max(this.maxUntouched, segment.size - segment.allocated);
    // Capacity findings read the segment and the free space alone.
    const findings =
      kept && sameCapacity(kept.capacity, this.capacity)
        ? (kept.capacityOf.get(name) ?? [])
        : capacityFindings(this.capacity, [segment]);
    if (findings.length > 0) this.capacityOf.set(name, findings);
    else this.capacityOf.delete(name);
  }

  /** memfds and deleted-but-held segments: found from the process index alone (O(held files), not O(segments)). */
  private refreshMemory(): void {
    const print = (memfds: readonly MemfdPool[]): string =>
      JSON.stringify(memfds.map(({ name, dev, inode, holders }) => [name, dev, inode, holders]));
    const before = print(this.memfds);
    this.memfds = discoverMemfds(this.index, { previous: this.memfds });
    // Exposure findings read the memfds' holders: computed again only when those changed.
    if (print(this.memfds) !== before) this.memfdFindings = exposureFindings([], this.memfds, this.index);
    this.deleted = discoverDeletedSegments(this.index, this.dev, { listedInodes: this.byInode });
    this.changes.memory = true;
  }
}
